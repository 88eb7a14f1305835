import { abandonedAttempt, leaseEndOf, retryDeadline } from '../executor/attempt-claim';
import type { Execution, ExecutionStatus } from '../executor/execution';

const FAILED: ReadonlySet<ExecutionStatus> = new Set(['failed', 'timed_out', 'cancelled']);

/**
 * When the sweep may act on a run whose latest attempt is `latest`, or `undefined` once the run
 * has ended: the sort key of the open-runs index, under which every run waits that something
 * must still happen to.
 * - `running`: when its lease ends. The lease outlasts the worker function's timeout, so no
 *   worker of the attempt can still be alive to record an outcome after it.
 * - failed and will retry: its `retryBy`, after which no delivery of its message can still come.
 */
export function sweepTimeOf(latest: Execution): string | undefined {
  if (latest.status === 'running') return new Date(leaseEndOf(latest)).toISOString();
  if (!FAILED.has(latest.status) || latest.willRetry !== true) return undefined;
  return (
    latest.retryBy ?? retryDeadline(latest, Date.parse(latest.completedAt ?? latest.startedAt))
  );
}

/** What the sweep found about one open run, and what it records for it. */
export type SweepFinding =
  /** The latest attempt's worker died on the run's last attempt: the run ends `timed_out`. */
  | { readonly kind: 'abandoned'; readonly settled: Execution }
  /**
   * The latest attempt's worker died with retries left: recorded `timed_out`, will retry, so
   * that the message's redelivery (after the queue's visibility timeout) starts the next one.
   */
  | { readonly kind: 'abandonedWillRetry'; readonly settled: Execution }
  /** A retry was due and never came: its message was lost, and the run ends here. */
  | { readonly kind: 'retryLost'; readonly settled: Execution };

/**
 * What the sweep records for a run whose latest attempt is `latest`, at `now`; `undefined` when
 * nothing is due: the run ended, its attempt's lease runs on, or its retry may still come.
 *
 * The sweep acts only once no worker and no delivery can still act for the run, so that it never
 * races one: a running attempt once its lease ended (its worker is gone; a redelivery that
 * takes it over needs the same expired lease, and the claim and the sweep's write are both
 * conditional on the attempt as it was, so one of them wins), a promised retry once it is past
 * `retryBy` (see `retryDeadline`). A dead attempt with retries left is not ended: its message
 * comes back after the queue's visibility timeout and retries it, or, lost, lets its `retryBy`
 * pass, and then the run ends.
 */
export function sweepFinding(latest: Execution, now: number): SweepFinding | undefined {
  const due = sweepTimeOf(latest);
  if (due === undefined || Date.parse(due) > now) return undefined;
  const at = new Date(now).toISOString();
  if (latest.status === 'running') {
    if (latest.attempt >= latest.maxAttempts) {
      return { kind: 'abandoned', settled: abandonedAttempt(latest, at) };
    }
    const retryBy = retryDeadline(latest, now);
    return { kind: 'abandonedWillRetry', settled: abandonedAttempt(latest, at, { retryBy }) };
  }
  const { retryBy: _retryBy, ...attempt } = latest;
  const lost = `No retry came by ${due}: the run's message was lost (it used up its queue's receive limit and went to the dead-letter queue, or it expired), so the run ended with attempt ${latest.attempt}`;
  return {
    kind: 'retryLost',
    settled: {
      ...attempt,
      willRetry: false,
      message: latest.message === undefined ? lost : `${lost}. ${latest.message}`,
    },
  };
}
