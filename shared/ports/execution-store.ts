import type { Execution } from '../executor/execution';

export type ClaimResult =
  | { readonly claimed: true }
  /**
   * Another delivery holds or has finished this attempt; `existing` is the run's latest attempt,
   * absent when the run has none (only a first attempt creates a run).
   */
  | { readonly claimed: false; readonly existing?: Execution };

/**
 * Execution history, and the claim that makes a run happen once per attempt however often its
 * message is delivered.
 */
export interface ExecutionStore {
  /**
   * Records `execution` (status `running`) as the start of its attempt, if the attempt may start:
   * see `mayStartAttempt`. Atomic: of concurrent calls for one run, at most one claims it.
   */
  start(execution: Execution): Promise<ClaimResult>;
  /** Records the outcome of an attempt that `start` claimed. */
  complete(execution: Execution): Promise<void>;
  /** Records an execution that never started (rejected, or a skipped duplicate). */
  record(execution: Execution): Promise<void>;
  /** Every attempt of one run, oldest first. */
  getRun(jobName: string, runId: string): Promise<Execution[]>;
}
