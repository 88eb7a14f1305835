import type { Execution } from '../executor/execution';

export interface PageRequest {
  /** @default 20 */
  readonly limit?: number | undefined;
  /** The `nextCursor` of the previous page. @default - the first page */
  readonly cursor?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Present when more items follow; pass it back to get them. */
  readonly nextCursor?: string;
}

/**
 * The questions the API, CLI and dashboard ask of history. Each run is listed once, as its
 * latest attempt; `getRun` gives all of its attempts.
 */
export interface ExecutionHistory {
  /** Every attempt of one run, oldest first; empty when there is no such run. */
  getRun(jobName: string, runId: string): Promise<Execution[]>;
  /** One job's runs, newest first. */
  listRuns(jobName: string, page?: PageRequest): Promise<Page<Execution>>;
  /** Runs of every job, newest first. */
  listRecentRuns(page?: PageRequest): Promise<Page<Execution>>;
  /** Runs of every job whose latest attempt failed, timed out, was cancelled or rejected. */
  listRecentFailures(page?: PageRequest): Promise<Page<Execution>>;
}
