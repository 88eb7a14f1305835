/**
 * The DynamoDB tables: keys, indexes and TTL, in one place. The stores build their keys from
 * these names, the CDK stack creates the tables from them, and the integration tests and the
 * local runtime create the same tables on dynalite.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** The role of the table, used to name it (`<app>-<id>`) and its environment variable. */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Every index projects all attributes: list pages show each run's latest attempt in full. */
  readonly globalIndexes: readonly GlobalIndexDefinition[];
  /** Epoch seconds after which DynamoDB deletes the item. */
  readonly timeToLiveAttribute?: string;
  /** Whether the table's stream feeds the alerts pipeline (new images). */
  readonly stream: boolean;
}

/**
 * One item per run: the latest attempt's state at the top level (what the claim's condition
 * reads) and every attempt in full under `attempt_<n>`.
 * - a job's runs, newest first: `byJob` (jobName, startedKey);
 * - recent runs of all jobs, newest first: `recentRuns` (startedDay, startedKey), a day at a time;
 * - recent failures: `recentFailures` (failedDay, failedKey), sparse: only runs whose latest
 *   attempt failed carry `failedDay`, the day it ended;
 * - both day indexes spread each day over `RECENT_INDEX_BUCKETS` partitions: `startedDay` and
 *   `failedDay` hold the day and a bucket from a hash of the run id, `2026-12-06#07`, so that
 *   every run of the app does not write to one partition a day. Items written before the
 *   buckets hold the bare day, `2026-12-06`, which the lists read as one more partition;
 * - open runs, for the sweep: `openRuns` (openBucket, sweepAt), sparse: only runs whose latest
 *   attempt is running, or failed and will retry, carry `openBucket`, and `sweepAt` is when the
 *   sweep may act on them (`sweepTimeOf`). The bucket, a hash of the run id, spreads them over
 *   `OPEN_RUN_BUCKETS` partitions, so that the index's writes (two per run) never pile onto one.
 */
export const EXECUTIONS_TABLE = {
  id: 'executions',
  partitionKey: { name: 'jobName', type: 'S' },
  sortKey: { name: 'runId', type: 'S' },
  globalIndexes: [
    {
      indexName: 'byJob',
      partitionKey: { name: 'jobName', type: 'S' },
      sortKey: { name: 'startedKey', type: 'S' },
    },
    {
      indexName: 'recentRuns',
      partitionKey: { name: 'startedDay', type: 'S' },
      sortKey: { name: 'startedKey', type: 'S' },
    },
    {
      indexName: 'recentFailures',
      partitionKey: { name: 'failedDay', type: 'S' },
      sortKey: { name: 'failedKey', type: 'S' },
    },
    {
      indexName: 'openRuns',
      partitionKey: { name: 'openBucket', type: 'N' },
      sortKey: { name: 'sweepAt', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: true,
} as const satisfies TableDefinition;

/** The sweep's index of open runs; nothing else reads it. */
export const OPEN_RUNS_INDEX = 'openRuns';

/** The partitions of the open-runs index: `openBucket` is 0 to this less one. */
export const OPEN_RUN_BUCKETS = 8;

/**
 * The partitions of each day of the `recentRuns` and `recentFailures` indexes: a run's bucket is
 * 0 to this less one, from a hash of its run id alone, so that both writes of a run (its claim
 * and its outcome) land in one bucket. Every write of a run item rewrites its entry in each
 * index that holds it; DynamoDB takes at most 1,000 WCU/s per partition key (1 WCU per KB of
 * item, and an index projecting all attributes costs as much as the item). 1,000 runs/s
 * sustained, at two writes each, is 2,000 index writes/s a day; over 16 buckets that is about
 * 125 WCU/s per partition for items up to 1 KB, a quarter of the limit at 2 KB, and a
 * partition reaches the limit only at items of 8 KB. A list reads 17 partitions a day (these
 * and the bare day of older items), side by side. The local runtime's store keeps one a day
 * (`recentIndexBuckets`): dynalite has no partitions.
 * Changing the count moves new runs to other partitions, and the lists would no longer read
 * the runs written under the old count: never change it without reading both.
 */
export const RECENT_INDEX_BUCKETS = 16;

/** Pause state and the overlap lock, one item per job; never expires, never reset by a deploy. */
export const JOB_STATE_TABLE = {
  id: 'job-state',
  partitionKey: { name: 'jobName', type: 'S' },
  globalIndexes: [],
  stream: false,
} as const satisfies TableDefinition;

/**
 * Alert configuration: the `config` entry of each job and of `_default`, which applies to every
 * job without its own; alert throttling keeps its counters as other entries of the same job.
 */
export const ALERT_CONFIG_TABLE = {
  id: 'alert-config',
  partitionKey: { name: 'jobName', type: 'S' },
  sortKey: { name: 'entry', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAt',
  stream: false,
} as const satisfies TableDefinition;

export const TABLES = [EXECUTIONS_TABLE, JOB_STATE_TABLE, ALERT_CONFIG_TABLE] as const;

/** The names the deployed (or local) tables have, as the stores are told them. */
export interface TableNames {
  readonly executions: string;
  readonly jobState: string;
  readonly alertConfig: string;
}
