import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { retryDeadline } from '../../../shared/executor/attempt-claim';
import type { Execution } from '../../../shared/executor/execution';
import { createExecutor } from '../../../shared/executor/executor';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { sweepFinding, sweepTimeOf } from '../../../shared/sweep/open-runs';

const START = '2026-06-01T09:00:00.000Z';
const at = (offsetMs: number) => Date.parse(START) + offsetMs;
const iso = (offsetMs: number) => new Date(at(offsetMs)).toISOString();

/** An attempt as a worker claims it: a 60 s job's function runs 70 s, its lease 2 s more. */
function running(overrides: Partial<Execution> = {}): Execution {
  return {
    jobName: 'nightly-import',
    runId: 'run-1',
    attempt: 1,
    maxAttempts: 3,
    trigger: 'schedule',
    status: 'running',
    startedAt: START,
    leaseExpiresAt: iso(72_000),
    ...overrides,
  };
}

function failedWillRetry(overrides: Partial<Execution> = {}): Execution {
  const { leaseExpiresAt: _lease, ...attempt } = running();
  return {
    ...attempt,
    status: 'failed',
    completedAt: iso(5_000),
    durationMs: 5_000,
    message: 'the upstream file is missing',
    willRetry: true,
    retryBy: iso(5_000 + 1_704_000),
    ...overrides,
  };
}

describe('retryDeadline: by when a retry must have been delivered', () => {
  it('allows a 60 s job the 15-minute backoff after its batch ends, a second visibility timeout and 5 minutes: 28.4 minutes', () => {
    // lease 72 s: max(72 s + 900 s backoff, 6 × 72 s) + 6 × 72 s + 300 s = 1,704 s
    expect(retryDeadline(running(), at(5_000))).toBe(iso(5_000 + 1_704_000));
  });

  it('allows a 15-minute job its queue visibility timeout twice (6 function timeouts each) and 5 minutes', () => {
    const long = running({ leaseExpiresAt: iso(902_000) });

    // max(902 s + 900 s, 5,412 s) + 5,412 s + 300 s = 11,124 s, a little over 3 hours
    expect(retryDeadline(long, at(600_000))).toBe(iso(600_000 + 11_124_000));
  });

  it('is recorded on each failed attempt that will retry, from its lease', async () => {
    const clock = new ManualClock(START);
    const store = new InMemoryExecutionStore();
    const flaky = defineJob({
      name: 'flaky',
      retries: 1,
      run: async () => {
        clock.advance(5_000);
        return JobResult.failure('the upstream file is missing');
      },
    });
    const executor = createExecutor({
      jobs: [flaky],
      executionStore: store,
      jobStateStore: new InMemoryJobStateStore(() => clock.now()),
      enqueuer: { enqueue: async () => {} },
      clock,
    });

    const failed = await executor.execute({ jobName: 'flaky', trigger: 'manual' });
    const [attempt] = await store.getRun('flaky', failed.runId);

    expect(failed).toMatchObject({ status: 'failed', willRetry: true });
    // A 60 s job's lease is its function's 70 s and the executor's 2 s reserve.
    expect(attempt?.retryBy).toBe(iso(5_000 + 1_704_000));
    expect(attempt?.leaseExpiresAt).toBeUndefined();
  });
});

describe('sweepTimeOf: when the sweep may act on a run', () => {
  it('is the lease end of a running attempt', () => {
    expect(sweepTimeOf(running())).toBe(iso(72_000));
  });

  it('is the retry deadline of a failed attempt that will retry', () => {
    expect(sweepTimeOf(failedWillRetry())).toBe(iso(1_709_000));
  });

  it('allows a failed attempt recorded without a deadline the longest a retry can take', () => {
    const { retryBy: _retryBy, ...older } = failedWillRetry();

    // Its lease is unknown: the longest Lambda allows and a minute, 960 s, so
    // max(960 s + 900 s, 6 × 960 s) + 6 × 960 s + 300 s.
    expect(sweepTimeOf(older)).toBe(iso(5_000 + 2 * 6 * 960_000 + 300_000));
  });

  it.each<[string, Partial<Execution>]>([
    ['succeeded', { status: 'succeeded', willRetry: false }],
    ['failed for good', { status: 'failed', willRetry: false }],
    ['timed out for good', { status: 'timed_out', willRetry: false }],
    ['cancelled', { status: 'cancelled', willRetry: false }],
    ['rejected', { status: 'rejected', willRetry: false }],
    ['skipped', { status: 'skipped', willRetry: false }],
  ])('is none for a run that %s: it has ended', (_what, outcome) => {
    expect(sweepTimeOf(failedWillRetry(outcome))).toBeUndefined();
  });
});

describe('sweepFinding: what the sweep records', () => {
  it('ends a run whose last attempt outlived its lease: timed out, no retry', () => {
    const last = running({ attempt: 3 });

    const finding = sweepFinding(last, at(72_000));

    expect(finding).toEqual({
      kind: 'abandoned',
      settled: {
        jobName: 'nightly-import',
        runId: 'run-1',
        attempt: 3,
        maxAttempts: 3,
        trigger: 'schedule',
        status: 'timed_out',
        startedAt: START,
        completedAt: iso(72_000),
        durationMs: 72_000,
        message:
          "No outcome was recorded before the attempt's lease expired (the worker crashed, ran out of memory or was stopped); it was the last attempt the job allows",
        error: {
          name: 'AttemptAbandoned',
          message: `Attempt 3 recorded no outcome before ${iso(72_000)}`,
        },
        willRetry: false,
      },
    });
  });

  it('leaves a running attempt alone while its lease runs: its worker may still record', () => {
    expect(sweepFinding(running({ attempt: 3 }), at(71_999))).toBeUndefined();
  });

  it("records a dead attempt with retries left as timed out, to be retried by its message's redelivery", () => {
    const finding = sweepFinding(running(), at(80_000));

    expect(finding?.kind).toBe('abandonedWillRetry');
    expect(finding?.settled).toMatchObject({
      status: 'timed_out',
      willRetry: true,
      completedAt: iso(80_000),
      // from now, as for an attempt that failed now: its message comes back within that
      retryBy: iso(80_000 + 1_704_000),
    });
    expect(finding?.settled.message).toContain('the next delivery of its message retries it');
    expect(finding?.settled.leaseExpiresAt).toBeUndefined();
  });

  it('waits for a promised retry until its deadline', () => {
    expect(sweepFinding(failedWillRetry(), at(1_708_999))).toBeUndefined();
  });

  it('ends a run whose retry never came, keeping the attempt and saying why', () => {
    const finding = sweepFinding(failedWillRetry(), at(1_709_000));

    expect(finding?.kind).toBe('retryLost');
    expect(finding?.settled).toMatchObject({
      attempt: 1,
      status: 'failed',
      completedAt: iso(5_000),
      willRetry: false,
    });
    expect(finding?.settled.retryBy).toBeUndefined();
    expect(finding?.settled.message).toBe(
      `No retry came by ${iso(1_709_000)}: the run's message was lost (it used up its queue's receive limit and went to the dead-letter queue, or it expired), so the run ended with attempt 1. the upstream file is missing`,
    );
  });

  it('finds nothing to do for a run that ended', () => {
    expect(
      sweepFinding(failedWillRetry({ status: 'succeeded', willRetry: false }), at(9e9)),
    ).toBeUndefined();
  });
});
