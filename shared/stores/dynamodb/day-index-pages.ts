import { dayBucketPartition } from './run-buckets';

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

/**
 * The stream of a day index that holds the runs written before the index was bucketed: their
 * `startedDay` or `failedDay` is the bare day, `2026-12-06`. Nothing rewrites those items (a
 * later attempt's claim sets `startedDay` only if missing), so a deployed table keeps them
 * until their TTL, and a data folder of `npm run dev` for good; the lists read them as one
 * more stream of each day. With one bucket, it is the only stream: the bucket is the bare day.
 */
export const LEGACY_STREAM = 'legacy';

/** The streams of a day, in the order that breaks ties between equal sort keys. */
export function dayStreams(buckets: number): readonly string[] {
  if (buckets === 1) return [LEGACY_STREAM];
  return [...Array.from({ length: buckets }, (_, bucket) => String(bucket)), LEGACY_STREAM];
}

/** The partition value a stream of `day` queries. */
export function streamPartition(day: string, stream: string, buckets: number): string {
  return stream === LEGACY_STREAM ? day : dayBucketPartition(day, Number(stream), buckets);
}

/** Where each stream of a day resumes: after its key, or from its newest item (undefined). */
export type DayPosition = ReadonlyMap<string, Key | undefined>;

/** One page of one partition, newest first, `limit` items at most, after `startKey`. */
export type PartitionQuery = (
  partition: string,
  limit: number,
  startKey: Key | undefined,
) => Promise<{ readonly items: readonly Item[]; readonly lastKey?: Key }>;

/** A day index: its attributes, and the buckets of each day. */
export interface DayIndexLayout {
  /** The table's key attributes, then the index's partition and sort key attributes. */
  readonly table: readonly string[];
  readonly partition: string;
  readonly sort: string;
  readonly buckets: number;
}

interface Stream {
  readonly id: string;
  readonly order: number;
  readonly partition: string;
  /** Fetched, not yet taken, newest first. */
  buffer: Item[];
  /** Where the next query starts (its previous one's last key); undefined: from the newest. */
  startKey: Key | undefined;
  /** Whether the partition may hold more than was fetched. */
  more: boolean;
  /** The key of the last item taken from it, or where it started when none was. */
  resume: Key | undefined;
}

/**
 * The newest `limit` items of a day across its streams (its buckets and the legacy partition),
 * merged by sort key, newest first, and where each stream resumes after them: only streams
 * that may hold more are in `rest`, which is undefined once the day is spent.
 *
 * A k-way merge: each stream is queried for what the page still lacks (the most any one stream
 * can add to it), and an item is taken only while every stream that may hold more has a fetched
 * item to compare it with, so a stream cut short (by DynamoDB's 1 MB a query) is fetched again
 * before anything older is taken. Each stream resumes right after its own last item taken, so
 * no item is listed twice or skipped whatever the order of equal sort keys; those (possible
 * only between runs of different jobs sharing a run id, which share a bucket too) are taken in
 * stream order, then as DynamoDB orders them within a partition.
 */
export async function takeFromDay(
  layout: DayIndexLayout,
  day: string,
  position: DayPosition | undefined,
  limit: number,
  query: PartitionQuery,
): Promise<{ items: Item[]; rest?: DayPosition }> {
  const streams: Stream[] = dayStreams(layout.buckets).flatMap((id, order) => {
    if (position && !position.has(id)) return [];
    const startKey = position?.get(id);
    const partition = streamPartition(day, id, layout.buckets);
    return [{ id, order, partition, buffer: [], startKey, more: true, resume: startKey }];
  });
  const taken: Item[] = [];
  const waiting = () => streams.some((stream) => stream.buffer.length === 0 && stream.more);
  while (taken.length < limit && waiting()) {
    const wanted = limit - taken.length;
    await Promise.all(
      streams
        .filter((stream) => stream.buffer.length === 0 && stream.more)
        .map(async (stream) => {
          const page = await query(stream.partition, wanted, stream.startKey);
          stream.buffer = [...page.items];
          stream.startKey = page.lastKey;
          stream.more = page.lastKey !== undefined;
        }),
    );
    while (taken.length < limit && !waiting()) {
      let newest: Stream | undefined;
      for (const stream of streams) {
        const head = stream.buffer[0];
        if (head === undefined) continue;
        if (newest === undefined || isNewer(head, stream, newest, layout.sort)) newest = stream;
      }
      const item = newest?.buffer.shift();
      if (newest === undefined || item === undefined) break;
      newest.resume = keyOf(item, layout);
      taken.push(item);
    }
  }
  const rest = new Map<string, Key | undefined>();
  for (const stream of streams) {
    if (stream.buffer.length > 0) rest.set(stream.id, stream.resume);
    else if (stream.more) rest.set(stream.id, stream.startKey);
  }
  return rest.size > 0 ? { items: taken, rest } : { items: taken };
}

/** Whether `item`, the head of `stream`, comes before the head of `than`. */
function isNewer(item: Item, stream: Stream, than: Stream, sortKey: string): boolean {
  const a = String(item[sortKey] ?? '');
  const b = String(than.buffer[0]?.[sortKey] ?? '');
  return a === b ? stream.order < than.order : a > b;
}

/** The key a query of the index resumes after `item` with: the table's keys and the index's. */
function keyOf(item: Item, layout: DayIndexLayout): Key {
  const key: Key = {};
  for (const name of [...layout.table, layout.partition, layout.sort]) key[name] = item[name];
  return key;
}
