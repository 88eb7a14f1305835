import type { Execution } from '../executor/execution';

/** Someone asked for a run to stop. */
export interface CancelRequest {
  /** Who asked: the API caller's principal, `local:<user>`. */
  readonly by: string;
  /** ISO time. */
  readonly at: string;
}

export type CancelRequestResult =
  /** Recorded: the worker running the run stops it, and no retry of it runs. */
  | { readonly requested: true }
  /** Not recorded: the run is unknown (`latest` absent) or has ended (`latest` says how). */
  | { readonly requested: false; readonly latest?: Execution };

/** Cancel requests, kept with the run's history: the API writes them, the worker watches. */
export interface RunCancellations {
  /**
   * Records that `by` asks the run to stop, while it can: its latest attempt runs, or failed
   * and will be retried.
   */
  requestCancel(
    jobName: string,
    runId: string,
    request: CancelRequest,
  ): Promise<CancelRequestResult>;
  /**
   * The run's cancel request, if one was made; `consistent` reads what was just written (the
   * check before a retry's body starts), else a read may lag it by a moment.
   */
  cancelRequestOf(
    jobName: string,
    runId: string,
    options?: { readonly consistent?: boolean },
  ): Promise<CancelRequest | undefined>;
}
