import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { CachedJobStateStore } from '../../../shared/stores/cached-job-state-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { describeJobStateStoreContract } from '../../support/job-state-store-contract';

const START = '2026-06-01T09:00:00.000Z';

function setup(ttlMs?: number) {
  const clock = new ManualClock(START);
  const inner = new InMemoryJobStateStore(() => clock.now());
  const reads = vi.spyOn(inner, 'get');
  const cached = new CachedJobStateStore(inner, {
    clock,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  });
  return { clock, inner, reads, cached };
}

describe('CachedJobStateStore', () => {
  it('reads a job once within the ttl', async () => {
    const { clock, reads, cached } = setup(5000);

    await cached.get('daily-report');
    clock.advance(4999);
    await cached.get('daily-report');

    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('reads a job again once the ttl has passed', async () => {
    const { clock, reads, cached } = setup(5000);

    await cached.get('daily-report');
    clock.advance(5000);
    await cached.get('daily-report');

    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('keeps a state for five seconds by default', async () => {
    const { clock, reads, cached } = setup();

    await cached.get('daily-report');
    clock.advance(4999);
    await cached.get('daily-report');
    clock.advance(1);
    await cached.get('daily-report');

    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('caches each job on its own', async () => {
    const { reads, cached } = setup();

    await cached.get('daily-report');
    await cached.get('weekly-cleanup');

    expect(reads.mock.calls).toEqual([['daily-report'], ['weekly-cleanup']]);
  });

  it('serves a stale state within the ttl when another worker paused the job', async () => {
    const { inner, cached } = setup();
    await cached.get('daily-report');

    await inner.setPaused('daily-report', true, 'alice');
    const state = await cached.get('daily-report');

    expect(state).toEqual({});
  });

  it('shares one read among concurrent gets of an uncached job', async () => {
    const { reads, cached } = setup();

    const states = await Promise.all([
      cached.get('daily-report'),
      cached.get('daily-report'),
      cached.get('daily-report'),
    ]);

    expect(reads).toHaveBeenCalledTimes(1);
    expect(states).toEqual([{}, {}, {}]);
  });

  it('serves its own pause from the cache at once', async () => {
    const { reads, cached } = setup();
    await cached.get('daily-report');

    await cached.setPaused('daily-report', true, 'alice');
    const state = await cached.get('daily-report');

    expect(state).toEqual({ paused: true, pausedAt: START, pausedBy: 'alice' });
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('writes a pause through to the store it wraps', async () => {
    const { inner, cached } = setup();

    await cached.setPaused('daily-report', true, 'alice');

    expect(await inner.get('daily-report')).toEqual({
      paused: true,
      pausedAt: START,
      pausedBy: 'alice',
    });
  });

  it('does not keep a failed read', async () => {
    const { reads, cached } = setup();
    reads.mockRejectedValueOnce(new Error('throttled'));

    await expect(cached.get('daily-report')).rejects.toThrow('throttled');
    const state = await cached.get('daily-report');

    expect(state).toEqual({});
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('forgets a job whose pause failed, since the write may have landed', async () => {
    const { inner, reads, cached } = setup();
    await cached.get('daily-report');
    vi.spyOn(inner, 'setPaused').mockRejectedValueOnce(new Error('timed out'));

    await expect(cached.setPaused('daily-report', true)).rejects.toThrow('timed out');
    await cached.get('daily-report');

    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('never caches the overlap lock', async () => {
    const { inner, cached } = setup();
    const acquire = vi.spyOn(inner, 'acquireOverlapLock');
    const lock = { runId: 'run-1', expiresAt: 2000 };

    const first = await cached.acquireOverlapLock('daily-report', lock, 1000);
    const second = await cached.acquireOverlapLock(
      'daily-report',
      { ...lock, runId: 'run-2' },
      1000,
    );

    expect([first, second]).toEqual([true, false]);
    expect(acquire).toHaveBeenCalledTimes(2);
  });

  it('passes a release straight through', async () => {
    const { inner, cached } = setup();
    const release = vi.spyOn(inner, 'releaseOverlapLock');

    await cached.releaseOverlapLock('daily-report', 'run-1');

    expect(release).toHaveBeenCalledWith('daily-report', 'run-1');
  });

  it('rejects a negative ttl', () => {
    const { inner } = setup();

    expect(() => new CachedJobStateStore(inner, { ttlMs: -1 })).toThrow(
      'ttlMs must be a number of milliseconds, 0 or more, got -1',
    );
  });
});

describe('CachedJobStateStore over a store', () => {
  describeJobStateStoreContract(
    async (clock) =>
      new CachedJobStateStore(new InMemoryJobStateStore(() => clock.now()), { clock, ttlMs: 5000 }),
  );

  it('reads the state an initial pause wrote, not the one it had cached', async () => {
    const { cached } = setup();
    await cached.get('daily-report');

    await cached.setInitialPauseState('daily-report', true, 'definition');

    expect(await cached.get('daily-report')).toMatchObject({ paused: true });
  });
});
