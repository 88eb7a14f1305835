import type { Execution, ExecutionStatus } from './execution';

/**
 * Whether `candidate` (a `running` attempt) may start, given the latest attempt recorded for
 * its run. Attempts are numbered from the run's history, one after another, so every execution
 * store applies this rule atomically:
 * - a run with no attempt yet starts with attempt 1;
 * - the attempt after a failed one that said it would retry starts;
 * - the attempt after one whose lease expired with no outcome (its worker died) takes over;
 * - anything else is a duplicate delivery.
 */
export function mayStartAttempt(latest: Execution | undefined, candidate: Execution): boolean {
  if (!latest) return candidate.attempt === 1;
  if (candidate.attempt !== latest.attempt + 1) return false;
  if (latest.status === 'running') return isLeaseExpired(latest, Date.parse(candidate.startedAt));
  return latest.willRetry === true;
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
 * The record of an attempt whose worker stopped before writing an outcome: taken over by a
 * later attempt (which retries it), or, when it was the last, the run's final outcome.
 */
export function abandonedAttempt(
  attempt: Execution,
  endedAt: string,
  takenOverBy?: number,
): Execution {
  const { leaseExpiresAt: _lease, ...rest } = attempt;
  const what =
    takenOverBy === undefined
      ? 'it was the last attempt the job allows'
      : `attempt ${takenOverBy} took over`;
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
    willRetry: takenOverBy !== undefined,
  };
}
