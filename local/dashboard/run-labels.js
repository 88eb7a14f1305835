// @ts-check
// The dashboard's words for a run's status, trigger and skip reason. Each table is keyed by the
// union from shared/executor/execution.ts, so `npm run typecheck` fails when a status, trigger
// or skip reason is added there without words here, or removed there but left here.

/** @import { ExecutionStatus, SkipReason, Trigger } from '../../shared/executor/execution' */

/** @type {Readonly<Record<ExecutionStatus, string>>} */
export const STATUS_LABELS = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  rejected: 'Rejected',
  missed: 'Missed',
};

/** @type {Readonly<Record<Trigger, string>>} */
export const TRIGGER_LABELS = {
  schedule: 'Schedule',
  manual: 'Manual',
  api: 'API',
  enqueue: 'Enqueued',
  retry: 'Retry',
};

/**
 * Completes "Skipped because …".
 * @type {Readonly<Record<SkipReason, string>>}
 */
export const SKIP_REASONS = {
  paused: 'the job was paused',
  overlap: 'a run of the job was still running',
  duplicate: 'a duplicate delivery of a run already recorded',
};
