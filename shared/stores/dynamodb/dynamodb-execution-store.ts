import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { systemClock } from '../../clock/system-clock';
import { InvalidCursorError, JobsError } from '../../errors';
import { claimConditionFor, type LatestAttemptField } from '../../executor/claim-condition';
import type { Execution, ExecutionStatus } from '../../executor/execution';
import type { Clock } from '../../ports/clock';
import type { ExecutionHistory, Page, PageRequest } from '../../ports/execution-history';
import type { ClaimResult, ExecutionStore, OpenRunStore } from '../../ports/execution-store';
import type { MissedRunHistory, MissedRunRecorder } from '../../ports/missed-runs';
import type {
  CancelRequest,
  CancelRequestResult,
  RunCancellations,
} from '../../ports/run-cancellations';
import { sweepTimeOf } from '../../sweep/open-runs';
import {
  EXECUTIONS_TABLE,
  OPEN_RUN_BUCKETS,
  RECENT_INDEX_BUCKETS,
} from '../../tables/table-definitions';
import {
  type ClaimConditionExpression,
  claimConditionExpression,
} from './claim-condition-expression';
import {
  type DayIndexLayout,
  type DayPosition,
  dayStreams,
  streamPartition,
  takeFromDay,
} from './day-index-pages';
import { type DynamoDbClientOption, documentClientFor } from './document-client';
import {
  attemptAttribute,
  attemptsOfItem,
  latestAttemptOfItem,
  storedAttempt,
  storedInput,
} from './execution-item';
import { retryWrite, type WriteRetryPolicy } from './retry-writes';
import { dayPartitionOf, openBucketOf } from './run-buckets';
import {
  isConditionalCheckFailed,
  isStartKeyOf,
  translateQueryError,
  translateStoreError,
} from './store-errors';

export type DynamoDbExecutionStoreOptions = DynamoDbClientOption & {
  readonly tableName: string;
  /**
   * Days a run stays in history before DynamoDB's TTL deletes it.
   * @default 90
   */
  readonly retentionDays?: number;
  /** @default - the system clock; dates the listings of recent runs. */
  readonly clock?: Clock;
  /** @default - five tries with exponential backoff */
  readonly writeRetry?: WriteRetryPolicy;
  /**
   * The partitions of each day of the recent-runs and recent-failures indexes (see
   * `RECENT_INDEX_BUCKETS`). A table must be written and read with one count all its life: runs
   * written under another are not listed. The local runtime uses 1, the bare day: dynalite has
   * no partitions to spread writes over, and its lists then query one partition a day, not 17.
   * @default RECENT_INDEX_BUCKETS (16)
   */
  readonly recentIndexBuckets?: number;
};

const [BY_JOB, RECENT_RUNS, RECENT_FAILURES, OPEN_RUNS] = EXECUTIONS_TABLE.globalIndexes;
/** The cross-job indexes partitioned by day (and bucket). */
type DayIndex = typeof RECENT_RUNS | typeof RECENT_FAILURES;
const FAILURE_STATUSES: ReadonlySet<ExecutionStatus> = new Set([
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'missed',
]);
const DAY_MS = 86_400_000;
/**
 * The item's attributes that hold its latest attempt's fields, where not under the field's own
 * name: what a claim's condition reads.
 */
const LATEST_ATTEMPT_ATTRIBUTES: Partial<Record<LatestAttemptField, string>> = {
  attempt: 'latestAttempt',
};
const DEFAULT_PAGE_SIZE = 20;
/** How many runs one listing of missed runs reads at most, and per query. */
const MISSED_SCAN_LIMIT = 1000;
const MISSED_SCAN_PAGE = 200;
/** A run's cancel request, beside its attempts in the run's item. */
const CANCEL_REQUESTED_BY = 'cancelRequestedBy';
const CANCEL_REQUESTED_AT = 'cancelRequestedAt';
// A list queries every bucket of a day side by side.
const MAX_RECENT_INDEX_BUCKETS = 64;

/**
 * The partitions one page of a day list reads, at most, before it answers with what it found
 * and a cursor for the older days: about a week of 16 buckets and the bare day, or the whole
 * retention of a one-bucket index. Without it, a list with fewer runs than a page would read
 * every partition back to the retention horizon (1,530 queries for 90 days) on each call.
 */
export const DAY_LIST_QUERY_BUDGET = 120;
const MAX_PAGE_SIZE = 100;

/**
 * Execution history in DynamoDB: one item per run (see `EXECUTIONS_TABLE`). A run costs two
 * writes: the conditional update that claims its attempt, and the update with its outcome. Each
 * write also keeps the run's place in the open-runs index, which the sweep reads.
 */
export class DynamoDbExecutionStore
  implements
    ExecutionStore,
    ExecutionHistory,
    OpenRunStore,
    RunCancellations,
    MissedRunRecorder,
    MissedRunHistory
{
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;
  private readonly clock: Clock;
  private readonly writeRetry: WriteRetryPolicy;
  private readonly recentIndexBuckets: number;

  constructor(options: DynamoDbExecutionStoreOptions) {
    this.documents = documentClientFor(options);
    this.tableName = options.tableName;
    this.retentionSeconds = (options.retentionDays ?? 90) * 86_400;
    this.clock = options.clock ?? systemClock;
    this.writeRetry = options.writeRetry ?? {};
    const buckets = options.recentIndexBuckets ?? RECENT_INDEX_BUCKETS;
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_RECENT_INDEX_BUCKETS) {
      throw new JobsError(
        `recentIndexBuckets must be a whole number from 1 to ${MAX_RECENT_INDEX_BUCKETS}, got ${buckets}`,
      );
    }
    this.recentIndexBuckets = buckets;
  }

  /**
   * Claims the attempt in one conditional write whose condition is `CLAIM_CONDITIONS`: the
   * first attempt of a new run, a retry after a failed attempt that said it would retry, or a
   * takeover of an attempt whose lease expired.
   */
  async start(execution: Execution): Promise<ClaimResult> {
    // Tells this claim from a concurrent one of the same attempt, should a retried write be
    // refused by its own first try, whose answer was lost.
    const claimId = randomUUID();
    const condition = claimConditionExpression(
      claimConditionFor(execution),
      execution,
      LATEST_ATTEMPT_ATTRIBUTES,
    );
    try {
      await (execution.attempt === 1
        ? this.putFirstAttempt('start', execution, condition.expression, {
            names: condition.names,
            ...(condition.values ? { values: condition.values } : {}),
            claimId,
          })
        : this.claimLaterAttempt(execution, condition, claimId));
      return { claimed: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw translateStoreError(error, this.tableName);
    }
    const item = await this.getItem(execution.jobName, execution.runId);
    const latest = item ? attemptsOfItem(item).at(-1) : undefined;
    if (item?.claimId === claimId) return { claimed: true };
    return latest ? { claimed: false, existing: latest } : { claimed: false };
  }

  /** A retry or a takeover: earlier attempts stay in the item, so this is an update. */
  private async claimLaterAttempt(
    execution: Execution,
    condition: ClaimConditionExpression,
    claimId: string,
  ): Promise<void> {
    const update = new UpdateBuilder();
    this.setRunFields(update, execution);
    update.set('claimId', claimId);
    update.set('latestAttempt', execution.attempt);
    update.set('leaseExpiresAt', execution.leaseExpiresAt);
    setOpenRunKeys(update, execution);
    update.remove('willRetry', 'failedDay', 'failedKey');
    await this.write('start', () =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(execution),
          ...update.build(),
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { ...update.names, ...condition.names },
          ExpressionAttributeValues: { ...update.values, ...condition.values },
        }),
      ),
    );
  }

  /** Records the attempt's outcome; the run's own fields only while this attempt is its latest. */
  async complete(execution: Execution): Promise<void> {
    try {
      await (execution.attempt === 1
        ? this.putFirstAttempt('complete', execution, '#latestAttempt = :attempt', {
            names: { '#latestAttempt': 'latestAttempt' },
            values: { ':attempt': 1 },
          })
        : this.completeLatestAttempt(execution));
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw translateStoreError(error, this.tableName);
    }
    await this.completeSupersededAttempt(execution);
  }

  private async completeLatestAttempt(execution: Execution): Promise<void> {
    const update = new UpdateBuilder();
    this.setOutcomeFields(update, execution);
    update.remove('leaseExpiresAt');
    setOpenRunKeys(update, execution);
    await this.write('complete', () =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(execution),
          ...update.build(),
          ConditionExpression: '#latestAttempt = :attempt',
          ExpressionAttributeNames: { ...update.names, '#latestAttempt': 'latestAttempt' },
          ExpressionAttributeValues: { ...update.values, ':attempt': execution.attempt },
        }),
      ),
    );
  }

  private async completeSupersededAttempt(execution: Execution): Promise<void> {
    // A later attempt took this run over (this one outlived its lease): keep this attempt's
    // outcome in its own entry without touching the run's state, which is the later attempt's.
    const entry = new UpdateBuilder();
    entry.set(attemptAttribute(execution.attempt), storedAttempt(execution));
    await this.write('complete', () =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(execution),
          ...entry.build(),
          ConditionExpression: 'attribute_exists(#runId)',
          ExpressionAttributeNames: { ...entry.names, '#runId': 'runId' },
          ExpressionAttributeValues: entry.values,
        }),
      ),
    ).catch((error: unknown) => {
      if (isConditionalCheckFailed(error)) {
        throw new Error(
          `Cannot complete attempt ${execution.attempt} of run ${execution.runId} of job "${execution.jobName}": it was never started`,
        );
      }
      throw translateStoreError(error, this.tableName);
    });
  }

  /** Records an execution that never started: a rejection, or a skipped duplicate delivery. */
  async record(execution: Execution): Promise<void> {
    const update = new UpdateBuilder();
    this.setRunFields(update, execution);
    this.setOutcomeFields(update, execution);
    update.set('latestAttempt', execution.attempt);
    setOpenRunKeys(update, execution);
    await this.write('record', () =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(execution),
          ...update.build(),
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: update.values,
        }),
      ),
    ).catch((error: unknown) => {
      throw translateStoreError(error, this.tableName);
    });
  }

  /**
   * One PutItem conditioned on the run not existing: of it and the tick's claim (conditioned on
   * no run, or this record), whichever comes first stands, and a claim after it replaces it.
   */
  async recordMissed(missed: Execution): Promise<boolean> {
    try {
      await this.putFirstAttempt('record', missed, 'attribute_not_exists(#runId)', {
        names: { '#runId': 'runId' },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw translateStoreError(error, this.tableName);
    }
  }

  /** One conditional write: the request holds only while the run runs or a retry is due. */
  async requestCancel(
    jobName: string,
    runId: string,
    request: CancelRequest,
  ): Promise<CancelRequestResult> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobName, runId },
          // The first request stands: who cancelled is who asked first.
          UpdateExpression: 'SET #by = if_not_exists(#by, :by), #at = if_not_exists(#at, :at)',
          ConditionExpression: '#status = :running OR #willRetry = :true',
          ExpressionAttributeNames: {
            '#by': CANCEL_REQUESTED_BY,
            '#at': CANCEL_REQUESTED_AT,
            '#status': 'status',
            '#willRetry': 'willRetry',
          },
          ExpressionAttributeValues: {
            ':by': request.by,
            ':at': request.at,
            ':running': 'running',
            ':true': true,
          },
        }),
      );
      return { requested: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw translateStoreError(error, this.tableName);
    }
    const latest = (await this.getRun(jobName, runId)).at(-1);
    return latest ? { requested: false, latest } : { requested: false };
  }

  /** Read while a run's body runs, every few seconds: eventually consistent, two attributes. */
  async cancelRequestOf(
    jobName: string,
    runId: string,
    options: { readonly consistent?: boolean } = {},
  ): Promise<CancelRequest | undefined> {
    try {
      const { Item } = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { jobName, runId },
          ...(options.consistent ? { ConsistentRead: true } : {}),
          ProjectionExpression: '#by, #at',
          ExpressionAttributeNames: { '#by': CANCEL_REQUESTED_BY, '#at': CANCEL_REQUESTED_AT },
        }),
      );
      const by = Item?.[CANCEL_REQUESTED_BY];
      const at = Item?.[CANCEL_REQUESTED_AT];
      return typeof by === 'string' && typeof at === 'string' ? { by, at } : undefined;
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }

  async getRun(jobName: string, runId: string): Promise<Execution[]> {
    const item = await this.getItem(jobName, runId);
    return item ? attemptsOfItem(item) : [];
  }

  /** Reads the open-runs index, one bucket after another, each soonest due first. */
  async *openRunsDue(now: string): AsyncIterable<Execution> {
    for (let bucket = 0; bucket < OPEN_RUN_BUCKETS; bucket++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        let result: QueryCommandOutput;
        try {
          result = await this.documents.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: OPEN_RUNS.indexName,
              KeyConditionExpression: '#bucket = :bucket AND #sweepAt <= :now',
              ExpressionAttributeNames: {
                '#bucket': OPEN_RUNS.partitionKey.name,
                '#sweepAt': OPEN_RUNS.sortKey.name,
              },
              ExpressionAttributeValues: { ':bucket': bucket, ':now': now },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
        } catch (error) {
          throw translateStoreError(error, this.tableName);
        }
        for (const item of result.Items ?? []) {
          const latest = latestAttemptOfItem(item);
          if (latest) yield latest;
        }
        startKey = result.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  }

  /**
   * One conditional update: the run's latest attempt must still be `open`'s, in the same state
   * (status, and the lease or retry deadline its `sweepAt` holds), so that an outcome a worker
   * wrote meanwhile, or a later attempt a delivery claimed, is never overwritten.
   */
  async settle(open: Execution, settled: Execution): Promise<boolean> {
    const due = sweepTimeOf(open);
    if (due === undefined || settled.attempt !== open.attempt) return false;
    const update = new UpdateBuilder();
    this.setOutcomeFields(update, settled);
    update.remove('leaseExpiresAt');
    setOpenRunKeys(update, settled);
    try {
      // Not retried here: a retry whose first try went through would find its own write and
      // report the run moved on. The next sweep tries again whatever failed.
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(open),
          ...update.build(),
          ConditionExpression:
            '#latestAttempt = :openAttempt AND #status = :openStatus AND #sweepAt = :openDue',
          ExpressionAttributeNames: {
            ...update.names,
            '#latestAttempt': 'latestAttempt',
            '#status': 'status',
            '#sweepAt': 'sweepAt',
          },
          ExpressionAttributeValues: {
            ...update.values,
            ':openAttempt': open.attempt,
            ':openStatus': open.status,
            ':openDue': due,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw translateStoreError(error, this.tableName);
    }
  }

  private async getItem(
    jobName: string,
    runId: string,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { Item } = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { jobName, runId },
          ConsistentRead: true,
        }),
      );
      return Item;
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }

  async listRuns(jobName: string, page: PageRequest = {}): Promise<Page<Execution>> {
    const limit = pageSize(page);
    const startKey =
      page.cursor === undefined
        ? undefined
        : decodeCursor(page.cursor, BY_JOB.indexName, jobName).key;
    const result = await this.query({
      IndexName: BY_JOB.indexName,
      KeyConditionExpression: '#jobName = :jobName',
      ExpressionAttributeNames: { '#jobName': BY_JOB.partitionKey.name },
      ExpressionAttributeValues: { ':jobName': jobName },
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    });
    return {
      items: result.items.flatMap((item) => latestAttemptOfItem(item) ?? []),
      ...(result.lastKey
        ? { nextCursor: encodeCursor(BY_JOB.indexName, { key: result.lastKey }) }
        : {}),
    };
  }

  /**
   * The job's runs, newest first, filtered to those reported missed: DynamoDB reads the runs it
   * passes over, so one call reads at most `MISSED_SCAN_LIMIT` of them and gives a cursor on.
   */
  async listMissed(jobName: string, page: PageRequest = {}): Promise<Page<Execution>> {
    const limit = pageSize(page);
    let startKey =
      page.cursor === undefined
        ? undefined
        : decodeCursor(page.cursor, BY_JOB.indexName, jobName).key;
    const items: Execution[] = [];
    for (let scanned = 0; items.length < limit && scanned < MISSED_SCAN_LIMIT; ) {
      const result = await this.query({
        IndexName: BY_JOB.indexName,
        KeyConditionExpression: '#jobName = :jobName',
        FilterExpression: '#status = :missed',
        ExpressionAttributeNames: { '#jobName': BY_JOB.partitionKey.name, '#status': 'status' },
        ExpressionAttributeValues: { ':jobName': jobName, ':missed': 'missed' },
        // Limit counts the runs read, before the filter.
        Limit: Math.min(MISSED_SCAN_PAGE, MISSED_SCAN_LIMIT - scanned),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      scanned += MISSED_SCAN_PAGE;
      for (const item of result.items) {
        const latest = latestAttemptOfItem(item);
        if (latest && items.length < limit) items.push(latest);
      }
      startKey = result.lastKey;
      if (!startKey) break;
    }
    return {
      items,
      ...(startKey ? { nextCursor: encodeCursor(BY_JOB.indexName, { key: startKey }) } : {}),
    };
  }

  listRecentRuns(page: PageRequest = {}): Promise<Page<Execution>> {
    return this.listByDay(RECENT_RUNS, page);
  }

  listRecentFailures(page: PageRequest = {}): Promise<Page<Execution>> {
    return this.listByDay(RECENT_FAILURES, page);
  }

  /**
   * Walks the days of a cross-job index from today back to the retention horizon, newest
   * first, until the page is full: each day a merge of its partitions (`takeFromDay`), and the
   * cursor says which day, and where in it each partition resumes.
   */
  private async listByDay(index: DayIndex, page: PageRequest): Promise<Page<Execution>> {
    const limit = pageSize(page);
    const cursor = page.cursor === undefined ? undefined : this.decodeDayCursor(page.cursor, index);
    const now = this.clock.now();
    const horizon = dayOf(now - this.retentionSeconds * 1000);
    const today = dayOf(now);
    if (cursor !== undefined && (cursor.day > today || cursor.day < horizon)) {
      throw invalidCursor(page.cursor ?? '');
    }
    let day = cursor?.day ?? today;
    let position = cursor?.position;
    const items: Execution[] = [];
    let taken = 0;
    let queries = 0;
    const layout: DayIndexLayout = {
      table: [EXECUTIONS_TABLE.partitionKey.name, EXECUTIONS_TABLE.sortKey.name],
      partition: index.partitionKey.name,
      sort: index.sortKey.name,
      buckets: this.recentIndexBuckets,
    };
    while (day >= horizon) {
      const wanted = limit - taken;
      const { items: dayItems, rest } = await takeFromDay(
        layout,
        day,
        position,
        wanted,
        (partition, partitionLimit, startKey) => {
          queries++;
          return this.query({
            IndexName: index.indexName,
            KeyConditionExpression: '#day = :day',
            ExpressionAttributeNames: { '#day': index.partitionKey.name },
            ExpressionAttributeValues: { ':day': partition },
            Limit: partitionLimit,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          });
        },
      );
      taken += dayItems.length;
      items.push(...dayItems.flatMap((item) => latestAttemptOfItem(item) ?? []));
      if (rest) {
        return { items, nextCursor: encodeCursor(index.indexName, dayCursorOf(day, rest, index)) };
      }
      position = undefined;
      day = dayOf(Date.parse(`${day}T00:00:00Z`) - DAY_MS);
      // A page may hold fewer items than asked and still have a cursor, as DynamoDB's own do.
      if (taken >= limit || queries >= DAY_LIST_QUERY_BUDGET) {
        return day >= horizon
          ? { items, nextCursor: encodeCursor(index.indexName, { day }) }
          : { items };
      }
    }
    return { items };
  }

  /** A day list's cursor, each stream's key rebuilt in the partition that stream queries. */
  private decodeDayCursor(text: string, index: DayIndex): { day: string; position?: DayPosition } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor(text);
    }
    const result = dayCursorSchema.safeParse(parsed);
    if (!result.success) throw invalidCursor(text);
    const { list, day, from } = result.data;
    if (list !== index.indexName || dayOf(Date.parse(`${day}T00:00:00Z`)) !== day) {
      throw invalidCursor(text);
    }
    if (from === undefined) return { day };
    const streams = dayStreams(this.recentIndexBuckets);
    const position = new Map<string, Record<string, unknown> | undefined>();
    for (const [stream, resume] of Object.entries(from)) {
      if (!streams.includes(stream)) throw invalidCursor(text);
      if (resume === null) {
        position.set(stream, undefined);
        continue;
      }
      const partition = streamPartition(day, stream, this.recentIndexBuckets);
      const [jobName, runId, sortKey] = resume;
      const key = {
        [EXECUTIONS_TABLE.partitionKey.name]: jobName,
        [EXECUTIONS_TABLE.sortKey.name]: runId,
        [index.partitionKey.name]: partition,
        [index.sortKey.name]: sortKey,
      };
      if (!isStartKeyOf(key, EXECUTIONS_TABLE, index, partition)) throw invalidCursor(text);
      position.set(stream, key);
    }
    return { day, position };
  }

  private async query(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<{ items: Record<string, unknown>[]; lastKey?: Record<string, unknown> }> {
    try {
      const result = await this.documents.send(
        new QueryCommand({ TableName: this.tableName, ScanIndexForward: false, ...input }),
      );
      return {
        items: result.Items ?? [],
        ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}),
      };
    } catch (error) {
      throw translateQueryError(error, this.tableName, input.ExclusiveStartKey);
    }
  }

  /**
   * Writes a run whose only attempt is the first, whole: the common case, and one PutItem, which
   * costs less than an update with the same effect.
   */
  private putFirstAttempt(
    operation: string,
    execution: Execution,
    condition: string,
    placeholders: {
      names: Record<string, string>;
      values?: Record<string, unknown>;
      claimId?: string;
    },
  ): Promise<unknown> {
    const { input, dropped } = storedInput(execution.input);
    const item: Record<string, unknown> = {
      jobName: execution.jobName,
      runId: execution.runId,
      [attemptAttribute(1)]: storedAttempt(execution),
      latestAttempt: 1,
      status: execution.status,
      updatedAt: execution.completedAt ?? execution.startedAt,
      startedKey: `${execution.startedAt}#${execution.runId}`,
      startedDay: this.dayPartitionOf(execution.startedAt, execution),
      expiresAt: this.expiresAt(execution),
    };
    if (input !== undefined) item.input = input;
    if (dropped) item.inputDropped = true;
    if (placeholders.claimId !== undefined) item.claimId = placeholders.claimId;
    if (execution.status === 'running') {
      item.leaseExpiresAt = execution.leaseExpiresAt;
    } else {
      item.willRetry = execution.willRetry === true;
      Object.assign(item, this.failureKeys(execution));
    }
    Object.assign(item, openRunKeys(execution));
    return this.write(operation, () =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: placeholders.names,
          ...(placeholders.values ? { ExpressionAttributeValues: placeholders.values } : {}),
        }),
      ),
    );
  }

  private expiresAt(execution: Execution): number {
    return Math.floor(Date.parse(execution.startedAt) / 1000) + this.retentionSeconds;
  }

  /** Fields of the run set by its first write, and the attempt itself. */
  private setRunFields(update: UpdateBuilder, execution: Execution): void {
    update.set(attemptAttribute(execution.attempt), storedAttempt(execution));
    update.set('status', execution.status);
    update.set('updatedAt', execution.completedAt ?? execution.startedAt);
    update.setIfMissing('startedKey', `${execution.startedAt}#${execution.runId}`);
    // Only if missing: a run written before the day indexes were bucketed keeps its bare day,
    // which the lists read too (see LEGACY_STREAM).
    update.setIfMissing('startedDay', this.dayPartitionOf(execution.startedAt, execution));
    update.setIfMissing('expiresAt', this.expiresAt(execution));
    const { input, dropped } = storedInput(execution.input);
    if (input !== undefined) update.setIfMissing('input', input);
    if (dropped) update.set('inputDropped', true);
  }

  /** The run's state after an attempt ended, and the sparse failure index's keys. */
  private setOutcomeFields(update: UpdateBuilder, execution: Execution): void {
    update.set(attemptAttribute(execution.attempt), storedAttempt(execution));
    update.set('status', execution.status);
    update.set('willRetry', execution.willRetry === true);
    const endedAt = execution.completedAt ?? execution.startedAt;
    update.set('updatedAt', endedAt);
    const failure = this.failureKeys(execution);
    if (failure.failedDay !== undefined) {
      update.set('failedDay', failure.failedDay);
      update.set('failedKey', failure.failedKey);
    } else {
      update.remove('failedDay', 'failedKey');
    }
  }

  /** The sparse failure index's keys, for a run whose latest attempt failed. */
  private failureKeys(execution: Execution): { failedDay?: string; failedKey?: string } {
    if (!FAILURE_STATUSES.has(execution.status)) return {};
    const endedAt = execution.completedAt ?? execution.startedAt;
    return {
      failedDay: this.dayPartitionOf(endedAt, execution),
      failedKey: `${endedAt}#${execution.jobName}#${execution.runId}`,
    };
  }

  /**
   * A run's partition of a day index (`startedDay`, `failedDay`): the day of `time`, and the
   * run's bucket, which its id alone decides, so that every write of the run agrees.
   */
  private dayPartitionOf(time: string, execution: Execution): string {
    return dayPartitionOf(time.slice(0, 10), execution.runId, this.recentIndexBuckets);
  }

  private write<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return retryWrite(`executions.${operation}`, send, this.writeRetry);
  }
}

/**
 * The open-runs index's keys for a run whose latest attempt is `execution`, or none once the run
 * has ended (the item then leaves the sparse index).
 */
export function openRunKeys(execution: Execution): { openBucket?: number; sweepAt?: string } {
  const sweepAt = sweepTimeOf(execution);
  return sweepAt === undefined ? {} : { openBucket: openBucketOf(execution.runId), sweepAt };
}

function setOpenRunKeys(update: UpdateBuilder, execution: Execution): void {
  const { openBucket, sweepAt } = openRunKeys(execution);
  if (sweepAt === undefined) {
    update.remove('openBucket', 'sweepAt');
    return;
  }
  update.set('openBucket', openBucket);
  update.set('sweepAt', sweepAt);
}

function keyOf(execution: Execution): { jobName: string; runId: string } {
  return { jobName: execution.jobName, runId: execution.runId };
}

function dayOf(epochMs: number): string {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString().slice(0, 10) : '';
}

function pageSize(page: PageRequest): number {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidCursorError(
      `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${limit}`,
    );
  }
  return limit;
}

interface Cursor {
  readonly day?: string;
  readonly key?: Record<string, unknown>;
}

/** A page's position, with the list it belongs to, so that it cannot be used on another. */
function encodeCursor(list: string, cursor: Cursor | DayCursor): string {
  return Buffer.from(JSON.stringify({ list, ...cursor }), 'utf8').toString('base64url');
}

/** `partition`: the index's partition key value the list queries (a day's lists: the cursor's). */
function decodeCursor(text: string, list: string, partition?: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor & {
      list?: string;
    };
    if (cursor.list !== list) throw invalidCursor(text);
    const validDay =
      cursor.day === undefined ||
      (/^\d{4}-\d{2}-\d{2}$/.test(cursor.day) &&
        dayOf(Date.parse(`${cursor.day}T00:00:00Z`) || Number.NaN) === cursor.day);
    const index = EXECUTIONS_TABLE.globalIndexes.find(({ indexName }) => indexName === list);
    const validKey =
      cursor.key === undefined ||
      (index !== undefined &&
        isStartKeyOf(cursor.key, EXECUTIONS_TABLE, index, partition ?? cursor.day ?? ''));
    if (typeof cursor === 'object' && cursor !== null && validDay && validKey) return cursor;
  } catch {
    // reported below
  }
  throw invalidCursor(text);
}

/**
 * A day list's position: the day, and, within it, where each stream of the day resumes (see
 * `takeFromDay`), by the table's keys and the index's sort key of its last item listed (its
 * partition follows from the day and the stream), or null: from its newest. A stream that is
 * not there has nothing more. Without `from`, every stream of the day from its newest.
 */
interface DayCursor {
  readonly day: string;
  readonly from?: Partial<Record<string, readonly [string, string, string] | null>>;
}

const cursorKeyPart = z.string().check(z.minLength(1));
const dayCursorSchema = z.strictObject({
  list: z.string(),
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  from: z.optional(
    z.record(z.string(), z.nullable(z.tuple([cursorKeyPart, cursorKeyPart, cursorKeyPart]))),
  ),
});

function dayCursorOf(day: string, rest: DayPosition, index: DayIndex): DayCursor {
  const from: Record<string, readonly [string, string, string] | null> = {};
  for (const [stream, key] of rest) {
    from[stream] = key
      ? [
          String(key[EXECUTIONS_TABLE.partitionKey.name]),
          String(key[EXECUTIONS_TABLE.sortKey.name]),
          String(key[index.sortKey.name]),
        ]
      : null;
  }
  return { day, from };
}

function invalidCursor(text: string): InvalidCursorError {
  return new InvalidCursorError(
    `"${text}" is not a cursor from this list; pass the nextCursor of the previous page, or none for the first page`,
  );
}

/** Collects an update expression's SET and REMOVE clauses with their placeholders. */
class UpdateBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly sets = new Map<string, string>();
  private readonly removes = new Set<string>();

  set(attribute: string, value: unknown): void {
    if (value === undefined) return;
    const name = this.name(attribute);
    this.values[`:${attribute}`] = value;
    this.sets.set(attribute, `${name} = :${attribute}`);
    this.removes.delete(attribute);
  }

  setIfMissing(attribute: string, value: unknown): void {
    const name = this.name(attribute);
    this.values[`:${attribute}`] = value;
    this.sets.set(attribute, `${name} = if_not_exists(${name}, :${attribute})`);
  }

  remove(...attributes: string[]): void {
    for (const attribute of attributes) {
      if (this.sets.has(attribute)) continue;
      this.name(attribute);
      this.removes.add(attribute);
    }
  }

  build(): { UpdateExpression: string } {
    const clauses: string[] = [];
    if (this.sets.size > 0) clauses.push(`SET ${[...this.sets.values()].join(', ')}`);
    if (this.removes.size > 0) {
      clauses.push(`REMOVE ${[...this.removes].map((attribute) => `#${attribute}`).join(', ')}`);
    }
    return { UpdateExpression: clauses.join(' ') };
  }

  private name(attribute: string): string {
    this.names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  }
}
