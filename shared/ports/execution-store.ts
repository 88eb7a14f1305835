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

/**
 * The runs that have not ended (latest attempt `running`, or failed and will retry), for the
 * sweep that ends those no worker or delivery will end: see `sweepFinding`.
 */
export interface OpenRunStore {
  /**
   * The latest attempt of every open run that the sweep may act on at `now` (an ISO time: see
   * `sweepTimeOf`), soonest due first within each part of the index. What the sweep records as
   * it goes does not disturb the listing.
   */
  openRunsDue(now: string): AsyncIterable<Execution>;
  /**
   * Records `settled` as the outcome of the run's latest attempt, only if that attempt is still
   * as `open` was read: the same attempt, running under the same lease, or failed with the same
   * promise of a retry. Resolves false, writing nothing, when a worker or a delivery moved the
   * run on meanwhile: their outcome stands.
   */
  settle(open: Execution, settled: Execution): Promise<boolean>;
}
