import type { Execution, ExecutionStatus } from '../executor/execution';

// Browser-safe (types only): the dashboard imports this module as the local server serves it.

/** The statuses of a run's latest attempt that a retry may start again from. */
export const RETRYABLE_STATUSES: readonly ExecutionStatus[] = [
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'missed',
];

/** Whether the run whose latest attempt is `latest` can be retried: it ended, and not well. */
export function isRetryable(latest: Pick<Execution, 'status' | 'willRetry'>): boolean {
  return RETRYABLE_STATUSES.includes(latest.status) && !latest.willRetry;
}
