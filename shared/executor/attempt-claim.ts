import type { Execution } from './execution';

/**
 * Whether `candidate` (a `running` attempt) may start, given the latest attempt recorded for
 * its run. Every execution store applies this rule atomically:
 * - a run with no attempt yet starts;
 * - a later attempt starts after a failed attempt that said it would retry;
 * - a later attempt takes over one whose lease expired with no outcome (its worker died);
 * - anything else is a duplicate delivery.
 */
export function mayStartAttempt(latest: Execution | undefined, candidate: Execution): boolean {
  if (!latest) return true;
  if (candidate.attempt <= latest.attempt) return false;
  if (latest.status === 'running') return isLeaseExpired(latest, Date.parse(candidate.startedAt));
  return latest.willRetry === true;
}

export function isLeaseExpired(attempt: Execution, now: number): boolean {
  return attempt.leaseExpiresAt !== undefined && Date.parse(attempt.leaseExpiresAt) <= now;
}

/** The record of an attempt whose worker stopped before writing an outcome. */
export function abandonedAttempt(attempt: Execution, takenOverBy: Execution): Execution {
  const { leaseExpiresAt: _lease, ...rest } = attempt;
  return {
    ...rest,
    status: 'timed_out',
    completedAt: takenOverBy.startedAt,
    message: `No outcome was recorded before the attempt's lease expired (the worker crashed or was stopped); attempt ${takenOverBy.attempt} took over`,
    error: {
      name: 'AttemptAbandoned',
      message: `Attempt ${attempt.attempt} recorded no outcome before ${attempt.leaseExpiresAt}`,
    },
    willRetry: true,
  };
}
