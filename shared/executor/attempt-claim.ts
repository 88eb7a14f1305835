import { VISIBILITY_TIMEOUT_FACTOR } from '../delivery/queue-class-settings';
import { DEFAULT_MAX_RETRY_DELAY_SECONDS } from '../worker/retry-backoff';
import { claimConditionFor, claimConditionHolds } from './claim-condition';
import type { Execution, ExecutionStatus } from './execution';

/**
 * Whether `candidate` (a `running` attempt) may start, given the latest attempt recorded for
 * its run (`CLAIM_CONDITIONS`, which every execution store applies atomically):
 * - a run with no attempt yet starts with attempt 1;
 * - the attempt after a failed one that said it would retry starts;
 * - the attempt after one whose lease expired with no outcome (its worker died) takes over;
 * - anything else is a duplicate delivery.
 */
export function mayStartAttempt(latest: Execution | undefined, candidate: Execution): boolean {
  return claimConditionHolds(claimConditionFor(candidate), latest, candidate);
}

export function isLeaseExpired(attempt: Execution, now: number): boolean {
  return attempt.leaseExpiresAt !== undefined && Date.parse(attempt.leaseExpiresAt) <= now;
}

/** What a delivery of a run that already has attempts may do. */
export type NextAttempt =
  /** Start this attempt: the latest one failed and will retry, or its worker died. */
  | { readonly kind: 'start'; readonly attempt: number }
  /**
   * The latest attempt's worker died (its lease expired with no outcome) and it was the last
   * the job allows: record it as the run's outcome, which no later attempt will change.
   */
  | { readonly kind: 'abandoned' }
  /** The run failed for good, or can never run; a delivery of it goes to the dead letters. */
  | { readonly kind: 'spent' }
  /** Another delivery holds the latest attempt, or the run ended: nothing to do. */
  | { readonly kind: 'duplicate' };

const FAILED_STATUSES: ReadonlySet<ExecutionStatus> = new Set(['failed', 'timed_out', 'cancelled']);

/**
 * The next step of a run whose latest attempt is `latest`, for a job that now allows
 * `maxAttempts` (a deploy may have changed its retries since the run started).
 */
export function nextAttemptAfter(latest: Execution, now: number, maxAttempts: number): NextAttempt {
  const hasAttemptsLeft = latest.attempt < maxAttempts;
  if (latest.status === 'running') {
    if (!isLeaseExpired(latest, now)) return { kind: 'duplicate' };
    return hasAttemptsLeft ? { kind: 'start', attempt: latest.attempt + 1 } : { kind: 'abandoned' };
  }
  if (latest.status === 'rejected') return { kind: 'spent' };
  if (!FAILED_STATUSES.has(latest.status)) return { kind: 'duplicate' };
  if (latest.willRetry === true) {
    return hasAttemptsLeft ? { kind: 'start', attempt: latest.attempt + 1 } : { kind: 'spent' };
  }
  // Failed with no retry promised: its retries were spent (its run goes to the dead letters),
  // or it said no retry could help (NonRetriableError), which is done.
  return latest.attempt >= latest.maxAttempts ? { kind: 'spent' } : { kind: 'duplicate' };
}

/**
 * The record of an attempt whose worker stopped before writing an outcome. `then` says what
 * follows it: the attempt that took it over (a number), the retry its message's next delivery
 * brings (`{ retryBy }`, the sweep's finding), or nothing: it was the last, and its outcome is
 * the run's, which no later attempt will change.
 */
export function abandonedAttempt(
  attempt: Execution,
  endedAt: string,
  then?: number | { readonly retryBy: string },
): Execution {
  const { leaseExpiresAt: _lease, retryBy: _retryBy, ...rest } = attempt;
  const what =
    then === undefined
      ? 'it was the last attempt the job allows'
      : typeof then === 'number'
        ? `attempt ${then} took over`
        : `the next delivery of its message retries it (due by ${then.retryBy})`;
  return {
    ...rest,
    status: 'timed_out',
    completedAt: endedAt,
    durationMs: Math.max(0, Date.parse(endedAt) - Date.parse(attempt.startedAt)),
    message: `No outcome was recorded before the attempt's lease expired (the worker crashed, ran out of memory or was stopped); ${what}`,
    error: {
      name: 'AttemptAbandoned',
      message: `Attempt ${attempt.attempt} recorded no outcome before ${attempt.leaseExpiresAt}`,
    },
    willRetry: then !== undefined,
    ...(typeof then === 'object' ? { retryBy: then.retryBy } : {}),
  };
}

/** Beyond the latest a retry's message can come back, for the poller to pick it up. */
const RETRY_MARGIN_MS = 5 * 60_000;
/** The longest function timeout Lambda allows, for an attempt recorded without a lease. */
const MAX_LEASE_MS = 900_000 + 60_000;

/**
 * By when the retry of an attempt that ended at `endedAt` and will be retried must have been
 * delivered: past it, no delivery of its message can still come, so the run lost its message
 * (it used up the queue's receive limit and went to the dead-letter queue, or it expired) and
 * the sweep ends it. The message of a failed attempt comes back:
 * - after the backoff the worker sets (at most 15 minutes), which starts when the worker's batch
 *   ends, at most one function timeout after the attempt ended;
 * - or, if setting it failed or the worker died, after the queue's visibility timeout (6 function
 *   timeouts) from when it was received, which was before the attempt started;
 * whichever is later; then one more visibility timeout, for a receive that ran nothing (a
 * throttled invocation, a crash at start puts it back), and 5 minutes for the poller. The
 * attempt's lease outlasts its worker function's timeout, so it stands for that timeout here.
 */
export function retryDeadline(attempt: Execution, endedAt: number): string {
  const leaseMs = leaseSpanMs(attempt);
  const visibilityMs = VISIBILITY_TIMEOUT_FACTOR * leaseMs;
  const backoffMs = DEFAULT_MAX_RETRY_DELAY_SECONDS * 1000;
  const comesBackMs = Math.max(leaseMs + backoffMs, visibilityMs);
  return new Date(endedAt + comesBackMs + visibilityMs + RETRY_MARGIN_MS).toISOString();
}

/** The length of the attempt's lease: its worker function's timeout and a grace. */
function leaseSpanMs(attempt: Execution): number {
  const span = Date.parse(attempt.leaseExpiresAt ?? '') - Date.parse(attempt.startedAt);
  return Number.isFinite(span) && span > 0 ? span : MAX_LEASE_MS;
}

/** When the lease of a running attempt ends; one recorded without a lease gets the longest. */
export function leaseEndOf(attempt: Execution): number {
  const lease = Date.parse(attempt.leaseExpiresAt ?? '');
  return Number.isFinite(lease) ? lease : Date.parse(attempt.startedAt) + MAX_LEASE_MS;
}
