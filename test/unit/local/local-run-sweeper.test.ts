import { describe, expect, it } from 'vitest';
import { LOCAL_SWEEP_INTERVAL_MS, startLocalRunSweeper } from '../../../local/local-run-sweeper';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { Execution } from '../../../shared/executor/execution';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';

const START = '2026-06-01T09:00:00.000Z';

function deadLastAttempt(runId: string, startedAt: number): Execution {
  return {
    jobName: 'report',
    runId,
    attempt: 1,
    maxAttempts: 1,
    trigger: 'api',
    status: 'running',
    startedAt: new Date(startedAt).toISOString(),
    leaseExpiresAt: new Date(startedAt + 72_000).toISOString(),
  };
}

/** Lets the sweep's promises settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("the local runtime's run sweeper", () => {
  it('sweeps at once, then every few seconds, until stopped', async () => {
    const clock = new ManualClock(START);
    const store = new InMemoryExecutionStore();
    const ended: Execution[] = [];
    // Left by the last session, which was killed: its lease is over.
    await store.start(deadLastAttempt('run-before', clock.now() - 100_000));
    const sweeper = startLocalRunSweeper({
      store,
      clock,
      logger: new MemoryLogger(),
      onSettled: async (execution) => void ended.push(execution),
    });
    await settle();
    const atStart = ended.map((execution) => execution.runId);

    await store.start(deadLastAttempt('run-during', clock.now()));
    clock.advance(72_000);
    await settle();
    clock.advance(LOCAL_SWEEP_INTERVAL_MS);
    await settle();
    await sweeper.stop();
    await store.start(deadLastAttempt('run-after', clock.now()));
    clock.advance(10 * 72_000);
    await settle();

    expect(atStart).toEqual(['run-before']);
    // A lease that ends while the runtime runs: a sweep within seconds ends it.
    expect(ended.map((execution) => execution.runId)).toEqual(['run-before', 'run-during']);
    expect((await store.getRun('report', 'run-after'))[0]?.status).toBe('running');
  });

  it('logs a failed sweep and runs again', async () => {
    const clock = new ManualClock(START);
    const logger = new MemoryLogger();
    let calls = 0;
    const sweeper = startLocalRunSweeper({
      store: {
        // biome-ignore lint/correctness/useYield: it fails before listing anything
        async *openRunsDue() {
          calls++;
          throw new Error('Database is closed');
        },
        settle: async () => false,
      },
      clock,
      logger,
      onSettled: async () => {},
    });
    await settle();
    clock.advance(LOCAL_SWEEP_INTERVAL_MS);
    await settle();
    await sweeper.stop();

    expect(calls).toBe(2);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: { error: 'Database is closed' },
      }),
    );
  });
});
