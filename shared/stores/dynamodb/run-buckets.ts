import { OPEN_RUN_BUCKETS, RECENT_INDEX_BUCKETS } from '../../tables/table-definitions';

/**
 * A run's bucket among `buckets`: a hash of its run id alone, so that runs spread evenly and
 * every write of one run, whichever path makes it, lands in the same bucket. FNV-1a, whose low
 * bits depend only on the low bits of each character ('1' and 'a' alike), so mixed (murmur3's
 * finalizer) before the remainder takes them.
 */
export function runBucketOf(runId: string, buckets: number): number {
  let hash = fnv1a(runId);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) % buckets;
}

/** A run's partition of the open-runs index: FNV-1a of its id, as open runs have always had. */
export function openBucketOf(runId: string): number {
  return fnv1a(runId) % OPEN_RUN_BUCKETS;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The partition value of `bucket` of `day` in a day index: `2026-12-06#07`. With one bucket, the
 * bare day: the form the indexes had before they were bucketed.
 */
export function dayBucketPartition(day: string, bucket: number, buckets: number): string {
  if (buckets === 1) return day;
  return `${day}#${String(bucket).padStart(String(buckets - 1).length, '0')}`;
}

/**
 * A run's partition value in the day indexes (`startedDay`, `failedDay`): the day and the run's
 * bucket (see `RECENT_INDEX_BUCKETS`). `day` is the date part of an ISO time, `YYYY-MM-DD`.
 */
export function dayPartitionOf(
  day: string,
  runId: string,
  buckets: number = RECENT_INDEX_BUCKETS,
): string {
  return dayBucketPartition(day, runBucketOf(runId, buckets), buckets);
}
