import { expect, it } from 'vitest';
import type { JobStateStore } from '../../shared/ports/job-state-store';

/**
 * The pause-state behaviour every JobStateStore must share, so that the in-memory store the test
 * invoker uses is as honest as the DynamoDB one. Call it inside a describe; `openStore` gives a
 * store over empty state each time.
 */
export function describeJobStateStoreContract(openStore: () => Promise<JobStateStore>): void {
  it('reports no pause state for a job never paused or resumed', async () => {
    const store = await openStore();

    expect(await store.get('daily-report')).toEqual({});
  });

  it('writes an initial pause state once, answering whether it wrote', async () => {
    const store = await openStore();

    const first = await store.setInitialPauseState('daily-report', true, 'definition');
    const second = await store.setInitialPauseState('daily-report', false);

    expect([first, second]).toEqual([true, false]);
    expect(await store.get('daily-report')).toMatchObject({
      paused: true,
      pausedBy: 'definition',
    });
  });

  it('never overrides a resume with an initial pause state', async () => {
    const store = await openStore();
    await store.setPaused('daily-report', false);

    const written = await store.setInitialPauseState('daily-report', true, 'definition');

    expect(written).toBe(false);
    expect(await store.get('daily-report')).toEqual({ paused: false });
  });

  it('never overrides a pause with an initial pause state', async () => {
    const store = await openStore();
    await store.setPaused('daily-report', true, 'alice');

    await store.setInitialPauseState('daily-report', true, 'definition');

    expect(await store.get('daily-report')).toMatchObject({ paused: true, pausedBy: 'alice' });
  });

  it('writes an initial pause state for a job that has only held the overlap lock', async () => {
    const store = await openStore();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    const written = await store.setInitialPauseState('daily-report', true);

    expect(written).toBe(true);
    expect(await store.get('daily-report')).toMatchObject({ paused: true });
    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-2', expiresAt: 2000 }, 1000),
    ).toBe(false);
  });

  it('lets exactly one of concurrent initial writes win', async () => {
    const store = await openStore();

    const written = await Promise.all(
      Array.from({ length: 10 }, () => store.setInitialPauseState('daily-report', true)),
    );

    expect(written.filter(Boolean)).toHaveLength(1);
  });
}
