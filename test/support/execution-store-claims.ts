import { expect, it } from 'vitest';
import type { Execution } from '../../shared/executor/execution';
import type { ExecutionStore } from '../../shared/ports/execution-store';

const STARTED = '2026-11-23T12:00:00.000Z';

function running(runId: string, attempt: number, startedAt = STARTED): Execution {
  return {
    jobName: 'claims',
    runId,
    attempt,
    maxAttempts: 4,
    trigger: 'manual',
    status: 'running',
    startedAt,
    leaseExpiresAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
  };
}

function failedWillRetry(execution: Execution): Execution {
  const { leaseExpiresAt: _lease, ...rest } = execution;
  return { ...rest, status: 'failed', completedAt: execution.startedAt, willRetry: true };
}

/**
 * The claim rule every execution store applies atomically (`mayStartAttempt`): attempts are
 * numbered from the run's history, one after another, and only the first creates a run.
 */
export function describeAttemptClaims(newStore: () => Promise<ExecutionStore>): void {
  it('creates a run only with its first attempt', async () => {
    const store = await newStore();

    const claim = await store.start(running('never-started', 2));

    expect(claim.claimed).toBe(false);
    expect(await store.getRun('claims', 'never-started')).toEqual([]);
  });

  it('claims only the attempt right after the latest, never one that skips a number', async () => {
    const store = await newStore();
    const first = running('numbered', 1);
    await store.start(first);
    await store.complete(failedWillRetry(first));

    const skipping = await store.start(running('numbered', 3, '2026-11-23T12:01:00.000Z'));
    const next = await store.start(running('numbered', 2, '2026-11-23T12:01:00.000Z'));

    expect(skipping.claimed).toBe(false);
    expect(next).toEqual({ claimed: true });
    expect((await store.getRun('claims', 'numbered')).map((attempt) => attempt.attempt)).toEqual([
      1, 2,
    ]);
  });

  it('refuses an attempt again once another delivery claimed it', async () => {
    const store = await newStore();
    const first = running('twice', 1);
    await store.start(first);
    await store.complete(failedWillRetry(first));
    await store.start(running('twice', 2, '2026-11-23T12:01:00.000Z'));

    const again = await store.start(running('twice', 2, '2026-11-23T12:01:01.000Z'));

    expect(again).toMatchObject({ claimed: false, existing: { attempt: 2, status: 'running' } });
  });
}
