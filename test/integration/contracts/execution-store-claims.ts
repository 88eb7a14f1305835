import type { Execution } from '../../../shared/executor/execution';
import type { ExecutionStore } from '../../../shared/ports/execution-store';

export const STARTED = '2026-11-23T12:00:00.000Z';
export const LEASE_MS = 60_000;

/** The time `offsetMs` after STARTED. */
export function at(offsetMs: number): string {
  return new Date(Date.parse(STARTED) + offsetMs).toISOString();
}

/** Attempt `attempt` of the run, claimed at `startedAt` with a lease of LEASE_MS. */
export function running(
  runId: string,
  attempt: number,
  startedAt = STARTED,
  jobName = 'contract-job',
): Execution {
  return {
    jobName,
    runId,
    attempt,
    maxAttempts: 3,
    trigger: 'manual',
    status: 'running',
    startedAt,
    leaseExpiresAt: new Date(Date.parse(startedAt) + LEASE_MS).toISOString(),
  };
}

/** The attempt with its outcome: succeeded 1.5 s after it started, unless `outcome` says else. */
export function ended(execution: Execution, outcome: Partial<Execution>): Execution {
  const { leaseExpiresAt: _lease, ...rest } = execution;
  return {
    ...rest,
    status: 'succeeded',
    completedAt: new Date(Date.parse(execution.startedAt) + 1500).toISOString(),
    durationMs: 1500,
    willRetry: false,
    ...outcome,
  };
}

/** The missed-run check's record of a tick that started no run. */
export function missedTick(runId: string, jobName = 'contract-job'): Execution {
  return {
    jobName,
    runId,
    attempt: 1,
    maxAttempts: 3,
    trigger: 'schedule',
    triggeredBy: 'scheduler',
    scheduledTime: '2026-11-23T07:00:00Z',
    status: 'missed',
    startedAt: '2026-11-23T07:00:00.000Z',
    completedAt: '2026-11-23T07:10:00.000Z',
    message: 'No run started for the tick due at 2026-11-23T07:00:00Z',
    willRetry: false,
  };
}

export function failedWillRetry(execution: Execution): Execution {
  return ended(execution, {
    status: 'failed',
    willRetry: true,
    error: { name: 'Error', message: 'db down' },
  });
}

/** A claim of `candidate` on a run whose latest attempt is `latest`, and whether it may be made. */
export interface ClaimCase {
  readonly name: string;
  /** None: the run does not exist. */
  readonly latest?: Execution;
  readonly candidate: Execution;
  readonly claims: boolean;
}

const RUN = 'run-claim-case';
const first = running(RUN, 1);
const retry = running(RUN, 2, at(LEASE_MS));
const { leaseExpiresAt: _lease, ...withoutLease } = first;

/**
 * The claim rule (`CLAIM_CONDITIONS`) as a table, run against the TypeScript predicate and,
 * through the contract suite, against every store: DynamoDB evaluates its own condition
 * expression, derived from the same rule, so the two forms must agree on every row.
 */
export const CLAIM_CASES: readonly ClaimCase[] = [
  { name: 'a new run, by its first attempt', candidate: first, claims: true },
  { name: 'a new run, by a later attempt', candidate: running(RUN, 2), claims: false },
  {
    name: 'the running attempt again',
    latest: first,
    candidate: running(RUN, 1, at(1000)),
    claims: false,
  },
  {
    name: 'the next attempt, a moment before the running one’s lease expires',
    latest: first,
    candidate: running(RUN, 2, at(LEASE_MS - 1)),
    claims: false,
  },
  {
    name: 'the next attempt, as the running one’s lease expires',
    latest: first,
    candidate: running(RUN, 2, at(LEASE_MS)),
    claims: true,
  },
  {
    name: 'the next attempt, long after the running one’s lease expired',
    latest: first,
    candidate: running(RUN, 2, at(10 * LEASE_MS)),
    claims: true,
  },
  {
    name: 'an attempt that skips one, after the running one’s lease expired',
    latest: first,
    candidate: running(RUN, 3, at(LEASE_MS)),
    claims: false,
  },
  {
    name: 'the next attempt, after a running one recorded without a lease',
    latest: withoutLease,
    candidate: running(RUN, 2, at(100 * LEASE_MS)),
    claims: false,
  },
  {
    name: 'the next attempt, after a failure that will retry, within its lease',
    latest: failedWillRetry(first),
    candidate: running(RUN, 2, at(2000)),
    claims: true,
  },
  {
    name: 'an attempt that skips one, after a failure that will retry',
    latest: failedWillRetry(first),
    candidate: running(RUN, 3, at(LEASE_MS)),
    claims: false,
  },
  {
    name: 'the failed attempt again, after a failure that will retry',
    latest: failedWillRetry(first),
    candidate: running(RUN, 1, at(LEASE_MS)),
    claims: false,
  },
  {
    name: 'the next attempt, after a failure that will not retry',
    latest: ended(first, { status: 'failed', willRetry: false }),
    candidate: running(RUN, 2, at(LEASE_MS)),
    claims: false,
  },
  {
    name: 'the next attempt, after a timeout that will retry',
    latest: ended(first, { status: 'timed_out', willRetry: true }),
    candidate: running(RUN, 2, at(LEASE_MS)),
    claims: true,
  },
  {
    name: 'the next attempt, after a success',
    latest: ended(first, {}),
    candidate: running(RUN, 2, at(LEASE_MS)),
    claims: false,
  },
  {
    name: 'the next attempt, after a rejection',
    latest: ended(first, {
      status: 'rejected',
      completedAt: STARTED,
      durationMs: 0,
      error: { name: 'InputValidationError', message: 'rows must be a number' },
    }),
    candidate: running(RUN, 2, at(LEASE_MS)),
    claims: false,
  },
  {
    name: 'the attempt after a retry whose lease expired',
    latest: retry,
    candidate: running(RUN, 3, at(3 * LEASE_MS)),
    claims: true,
  },
  {
    name: 'the attempt after a retry that will retry again',
    latest: failedWillRetry(retry),
    candidate: running(RUN, 3, at(2 * LEASE_MS)),
    claims: true,
  },
  {
    name: 'a schedule tick reported missed, by its late first attempt',
    latest: missedTick(RUN),
    candidate: first,
    claims: true,
  },
  {
    name: 'a schedule tick reported missed, by a later attempt',
    latest: missedTick(RUN),
    candidate: running(RUN, 2, at(LEASE_MS)),
    claims: false,
  },
];

/**
 * Writes, through the store's own operations, a run whose latest attempt is `latest`: each
 * attempt before it failed and said it would retry.
 */
export async function seedLatestAttempt(
  store: ExecutionStore,
  latest: Execution | undefined,
): Promise<void> {
  if (!latest) return;
  for (let attempt = 1; attempt < latest.attempt; attempt++) {
    const earlier = running(latest.runId, attempt, at((attempt - 1) * LEASE_MS), latest.jobName);
    await store.start(earlier);
    await store.complete(failedWillRetry(earlier));
  }
  if (latest.status === 'rejected' || latest.status === 'missed') {
    await store.record(latest);
    return;
  }
  if (latest.status === 'running') {
    await store.start(latest);
    return;
  }
  await store.start(running(latest.runId, latest.attempt, latest.startedAt, latest.jobName));
  await store.complete(latest);
}
