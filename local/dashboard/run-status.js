// @ts-check
// What a run's latest attempt allows the dashboard to offer.

/** @import { Execution } from '../../shared/executor/execution' */

// And the stores' rule for what may be cancelled (shared/control/cancellable.ts).
export { isCancellable } from '../../shared/control/cancellable.js';
// The API's own rule (RunTrigger.retry uses it), which the local server serves from
// shared/control/retryable.ts: from `/`, this import reaches /shared/control/retryable.js.
export { isRetryable } from '../../shared/control/retryable.js';

/** Whether nothing more will happen to the run: no attempt running, none to follow. */
export function isFinished(/** @type {Execution} */ execution) {
  return execution.status !== 'running' && !execution.willRetry;
}
