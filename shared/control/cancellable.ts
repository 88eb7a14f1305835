import type { Execution } from '../executor/execution';

// Browser-safe (types only): the dashboard imports this module as the local server serves it.

/**
 * Whether a run whose latest attempt is `latest` can still be cancelled: it runs, or it failed
 * and a retry is due. The stores' conditions on a cancel request say the same.
 */
export function isCancellable(latest: Pick<Execution, 'status' | 'willRetry'>): boolean {
  return latest.status === 'running' || latest.willRetry === true;
}
