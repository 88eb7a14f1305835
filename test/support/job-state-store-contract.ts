import { expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock/manual-clock';
import type { JobStateStore } from '../../shared/ports/job-state-store';
import type { TickCheckMarks } from '../../shared/ports/missed-runs';

const NOW = '2026-06-01T09:00:00.000Z';

/**
 * The pause state and overlap lock every JobStateStore must share, so that the in-memory store
 * the test invoker uses is as honest as the DynamoDB one. Call it inside a describe;
 * `openStore` gives a store over empty state each time, which tells time by `clock`.
 */
export function describeJobStateStoreContract(
  openStore: (clock: ManualClock) => Promise<JobStateStore>,
): void {
  const open = () => openStore(new ManualClock(NOW));

  it('reports no pause state for a job never paused or resumed', async () => {
    const store = await open();

    expect(await store.get('daily-report')).toEqual({});
  });

  it('writes an initial pause state once, answering whether it wrote', async () => {
    const store = await open();

    const first = await store.setInitialPauseState('daily-report', true, 'definition');
    const second = await store.setInitialPauseState('daily-report', false);

    expect([first, second]).toEqual([true, false]);
    expect(await store.get('daily-report')).toMatchObject({
      paused: true,
      pausedBy: 'definition',
    });
  });

  it('never overrides a resume with an initial pause state', async () => {
    const store = await open();
    await store.setPaused('daily-report', false);

    const written = await store.setInitialPauseState('daily-report', true, 'definition');

    expect(written).toBe(false);
    expect(await store.get('daily-report')).toEqual({ paused: false });
  });

  it('never overrides a pause with an initial pause state', async () => {
    const store = await open();
    await store.setPaused('daily-report', true, 'alice');

    await store.setInitialPauseState('daily-report', true, 'definition');

    expect(await store.get('daily-report')).toMatchObject({ paused: true, pausedBy: 'alice' });
  });

  it('writes an initial pause state for a job that has only held the overlap lock', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    const written = await store.setInitialPauseState('daily-report', true);

    expect(written).toBe(true);
    expect(await store.get('daily-report')).toMatchObject({ paused: true });
    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-2', expiresAt: 2000 }, 1000),
    ).toBe(false);
  });

  it('lets exactly one of concurrent initial writes win', async () => {
    const store = await open();

    const written = await Promise.all(
      Array.from({ length: 10 }, () => store.setInitialPauseState('daily-report', true)),
    );

    expect(written.filter(Boolean)).toHaveLength(1);
  });

  it('pauses a job, saying when and by whom, and returns the new state', async () => {
    const store = await open();

    const state = await store.setPaused('daily-report', true, 'alice');

    expect(state).toEqual({ paused: true, pausedAt: NOW, pausedBy: 'alice' });
    expect(await store.get('daily-report')).toEqual(state);
  });

  it('forgets who paused a job before when it is paused again without a name', async () => {
    const store = await open();
    await store.setPaused('daily-report', true, 'alice');

    await store.setPaused('daily-report', true);

    expect(await store.get('daily-report')).toEqual({ paused: true, pausedAt: NOW });
  });

  it('resumes a paused job, forgetting when and by whom it was paused', async () => {
    const store = await open();
    await store.setPaused('daily-report', true, 'alice');

    const state = await store.setPaused('daily-report', false);

    expect(state).toEqual({ paused: false });
    expect(await store.get('daily-report')).toEqual({ paused: false });
  });

  it('keeps the pause state of each job on its own', async () => {
    const store = await open();

    await store.setPaused('daily-report', true, 'alice');

    expect(await store.get('weekly-report')).toEqual({});
  });

  it('refuses the overlap lock while another run holds it unexpired', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    const taken = await store.acquireOverlapLock(
      'daily-report',
      { runId: 'run-2', expiresAt: 3000 },
      1999,
    );

    expect(taken).toBe(false);
  });

  it('keeps the overlap lock of each job on its own', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    const taken = await store.acquireOverlapLock(
      'weekly-report',
      { runId: 'run-2', expiresAt: 2000 },
      1000,
    );

    expect(taken).toBe(true);
  });

  it('keeps the lock of a job while pausing it', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    await store.setPaused('daily-report', true);

    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-2', expiresAt: 2000 }, 1000),
    ).toBe(false);
  });

  it('gives the lock to exactly one of many concurrent runs', async () => {
    const store = await open();

    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.acquireOverlapLock(
          'daily-report',
          { runId: `run-${index}`, expiresAt: 60_000 },
          1000,
        ),
      ),
    );

    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('lets the holder take its own lock again', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    const taken = await store.acquireOverlapLock(
      'daily-report',
      { runId: 'run-1', expiresAt: 3000 },
      1500,
    );

    expect(taken).toBe(true);
  });

  it('lets another run take an expired lock', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'crashed', expiresAt: 2000 }, 1000);

    const taken = await store.acquireOverlapLock(
      'daily-report',
      { runId: 'run-2', expiresAt: 4000 },
      2000,
    );

    expect(taken).toBe(true);
  });

  it('frees the lock when its holder releases it', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    await store.releaseOverlapLock('daily-report', 'run-1');

    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-2', expiresAt: 2000 }, 1000),
    ).toBe(true);
  });

  it('ignores a release by a run that does not hold the lock', async () => {
    const store = await open();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    await store.releaseOverlapLock('daily-report', 'run-2');

    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-3', expiresAt: 2000 }, 1000),
    ).toBe(false);
  });

  it('ignores a release of a job that was never locked', async () => {
    const store = await open();

    await store.releaseOverlapLock('daily-report', 'run-1');

    expect(await store.get('daily-report')).toEqual({});
  });

  it('keeps a pause when a lock is taken and released', async () => {
    const store = await open();
    await store.setPaused('daily-report', true, 'alice');

    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);
    await store.releaseOverlapLock('daily-report', 'run-1');

    expect(await store.get('daily-report')).toEqual({
      paused: true,
      pausedAt: NOW,
      pausedBy: 'alice',
    });
  });
}

/**
 * What the missed-run check reads and writes beside each job's pause state (`TickCheckMarks`),
 * the same in memory and in DynamoDB.
 */
export function describeTickCheckMarksContract(
  openStore: (clock: ManualClock) => Promise<JobStateStore & TickCheckMarks>,
): void {
  it('reads nothing for a job never checked, paused or resumed', async () => {
    const store = await openStore(new ManualClock(NOW));

    expect(await store.readTickCheck('daily-report')).toEqual({});
  });

  it('keeps the mark it is given, beside the pause state, and moves it on', async () => {
    const store = await openStore(new ManualClock(NOW));
    await store.setPaused('daily-report', true, 'alice');

    await store.markTicksChecked('daily-report', {
      checkedUntil: '2026-06-01T08:50:00.000Z',
      schedule: 'cron(0 7 * * ? *) Europe/London',
    });
    await store.markTicksChecked('daily-report', {
      checkedUntil: '2026-06-01T08:55:00.000Z',
      schedule: 'cron(0 7 * * ? *) Europe/London',
    });

    expect(await store.readTickCheck('daily-report')).toEqual({
      paused: true,
      pausedAt: NOW,
      pausedBy: 'alice',
      mark: {
        checkedUntil: '2026-06-01T08:55:00.000Z',
        schedule: 'cron(0 7 * * ? *) Europe/London',
      },
    });
    expect(await store.get('daily-report')).toEqual({
      paused: true,
      pausedAt: NOW,
      pausedBy: 'alice',
    });
  });

  it('says when a job was last resumed, which the pause state itself does not', async () => {
    const clock = new ManualClock(NOW);
    const store = await openStore(clock);
    await store.setPaused('daily-report', true);
    clock.advance(60_000);

    await store.setPaused('daily-report', false);

    expect(await store.readTickCheck('daily-report')).toEqual({
      paused: false,
      resumedAt: '2026-06-01T09:01:00.000Z',
    });
    expect(await store.get('daily-report')).toEqual({ paused: false });
  });
}
