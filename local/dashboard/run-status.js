// @ts-check
// What a run's latest attempt allows the dashboard to offer.

/** @import { Execution, ExecutionStatus } from '../../shared/executor/execution' */

/**
 * The statuses the API retries (RunTrigger.retry in shared/control/run-trigger.ts, which keeps
 * its set to itself); test/unit/local/dashboard/run-status.test.ts asks it about every status.
 * @type {ReadonlySet<ExecutionStatus>}
 */
const RETRYABLE_STATUSES = new Set(['failed', 'timed_out', 'cancelled', 'rejected']);

/** Whether to offer a retry: the run ended without success, and no attempt of its own follows. */
export function isRetryable(/** @type {Execution} */ execution) {
  return RETRYABLE_STATUSES.has(execution.status) && !execution.willRetry;
}

/** Whether nothing more will happen to the run: no attempt running, none to follow. */
export function isFinished(/** @type {Execution} */ execution) {
  return execution.status !== 'running' && !execution.willRetry;
}
