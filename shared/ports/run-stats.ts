import type { Execution, ExecutionStatus } from '../executor/execution';

/** Every status an ended attempt can have. */
export type EndedStatus = Exclude<ExecutionStatus, 'running'>;

/** One job's runs in one clock hour (UTC), as counted when each attempt ended. */
export interface HourlyRunStats {
  /** The hour's start, ISO: `2026-12-06T07:00:00.000Z`. */
  readonly hour: string;
  /** Ended runs by outcome: a failed attempt that will be retried counts under `retried`. */
  readonly outcomes: Readonly<Partial<Record<EndedStatus, number>>>;
  readonly retried: number;
  /** How many ended attempts took up to each of `DURATION_BUCKETS_MS`, in order. */
  readonly durationBuckets: readonly number[];
}

/**
 * Per-job hourly aggregates of runs, kept off the hot path: deployed, the stream consumer that
 * evaluates alerts records them; locally, the runtime after each run.
 */
export interface RunStats {
  /** Counts one ended attempt in its hour. */
  record(execution: Execution): Promise<void>;
  /** The job's hours from `fromHour` to `toHour` (ISO hour starts, both included) that had runs. */
  hourly(jobName: string, fromHour: string, toHour: string): Promise<HourlyRunStats[]>;
}
