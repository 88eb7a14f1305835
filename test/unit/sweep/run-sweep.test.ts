import { describe, expect, it } from 'vitest';
import { alertReasons } from '../../../shared/alerts/alert-rules';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { RunTrigger } from '../../../shared/control/run-trigger';
import { RunStateConflictError } from '../../../shared/errors';
import type { Execution } from '../../../shared/executor/execution';
import { createExecutor } from '../../../shared/executor/executor';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import type { EnqueuedRun } from '../../../shared/ports/enqueuer';
import type { OpenRunStore } from '../../../shared/ports/execution-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { createRunSweep } from '../../../shared/sweep/run-sweep';

const START = '2026-06-01T09:00:00.000Z';
const LEASE_MS = 72_000;
const ALERT_ON_FAILURE = { onFailure: true, onSuccess: false, onDeadLetter: true, onMissed: true };

const importJob = defineJob({
  name: 'nightly-import',
  retries: 1,
  input: undefined,
  run: async () => JobResult.success('imported'),
});

function setup() {
  const clock = new ManualClock(START);
  const store = new InMemoryExecutionStore();
  const logger = new MemoryLogger();
  const settled: Execution[] = [];
  const sweeper = createRunSweep({
    store,
    clock,
    logger,
    onSettled: async (execution) => void settled.push(execution),
  });
  const enqueued: EnqueuedRun[] = [];
  const trigger = new RunTrigger({
    jobs: JobRegistry.from([importJob]),
    history: store,
    enqueuer: { enqueue: async (run) => void enqueued.push(run) },
    clock,
  });
  const executor = createExecutor({
    jobs: [importJob],
    executionStore: store,
    jobStateStore: new InMemoryJobStateStore(() => clock.now()),
    enqueuer: { enqueue: async () => {} },
    clock,
  });
  return { clock, store, logger, settled, sweeper, trigger, enqueued, executor };
}

/**
 * Attempt `attempt` of run-1 claimed as a worker claims it, by a worker that then died (killed,
 * out of memory): its claim is all history has. `maxAttempts` 1 makes it the run's last.
 */
async function claimedByADeadWorker(
  store: InMemoryExecutionStore,
  attempt: number,
  startedAt = START,
  maxAttempts = 2,
): Promise<Execution> {
  const running: Execution = {
    jobName: 'nightly-import',
    runId: 'run-1',
    attempt,
    maxAttempts,
    trigger: 'api',
    status: 'running',
    startedAt,
    input: { day: 'monday' },
    leaseExpiresAt: new Date(Date.parse(startedAt) + LEASE_MS).toISOString(),
  };
  expect(await store.start(running)).toEqual({ claimed: true });
  return running;
}

async function latestOf(store: InMemoryExecutionStore): Promise<Execution | undefined> {
  return (await store.getRun('nightly-import', 'run-1')).at(-1);
}

describe('the sweep, on a run whose last attempt was claimed by a worker that died', () => {
  it('ends it timed out once its lease ends, so that it alerts and can be retried', async () => {
    const { clock, store, sweeper, trigger, settled } = setup();
    const first = await claimedByADeadWorker(store, 1);
    await store.complete({
      ...first,
      status: 'failed',
      completedAt: START,
      willRetry: true,
      retryBy: '2026-06-01T09:00:30.000Z',
    });
    await claimedByADeadWorker(store, 2, '2026-06-01T09:01:00.000Z');
    // Before the sweep, a retry is refused: the run is still running.
    await expect(trigger.retry('nightly-import', 'run-1')).rejects.toThrow(RunStateConflictError);

    clock.set(Date.parse('2026-06-01T09:01:00.000Z') + LEASE_MS);
    const report = await sweeper.sweep();

    const latest = await latestOf(store);
    expect(report).toMatchObject({ due: 1, abandoned: 1, failed: 0, complete: true });
    expect(latest).toMatchObject({
      attempt: 2,
      status: 'timed_out',
      willRetry: false,
      completedAt: '2026-06-01T09:02:12.000Z',
    });
    expect(latest?.message).toContain('the worker crashed, ran out of memory or was stopped');
    expect(alertReasons(latest as Execution, ALERT_ON_FAILURE)).toEqual(['failure', 'dead_letter']);
    expect(settled).toEqual([latest]);
    await expect(trigger.retry('nightly-import', 'run-1')).resolves.toEqual({
      runId: expect.any(String),
    });
  });

  it('does nothing while its lease runs: the worker may yet record its outcome', async () => {
    const { clock, store, sweeper } = setup();
    await claimedByADeadWorker(store, 1, START, 1);

    clock.set(Date.parse(START) + LEASE_MS - 1);
    const report = await sweeper.sweep();

    expect(report).toMatchObject({ due: 0, abandoned: 0 });
    expect((await latestOf(store))?.status).toBe('running');
  });

  it('is done once: a second sweep finds nothing left to do', async () => {
    const { clock, store, sweeper, settled } = setup();
    await claimedByADeadWorker(store, 1, START, 1);
    clock.set(Date.parse(START) + LEASE_MS);
    await sweeper.sweep();

    const again = await sweeper.sweep();

    expect(again).toMatchObject({ due: 0, abandoned: 0 });
    expect(settled).toHaveLength(1);
  });
});

describe('the sweep, on an attempt with retries left whose worker died', () => {
  it("records it timed out and will retry, and leaves the retry to the message's redelivery", async () => {
    const { clock, store, sweeper, executor, settled } = setup();
    await claimedByADeadWorker(store, 1);

    clock.set(Date.parse(START) + LEASE_MS);
    const report = await sweeper.sweep();
    const marked = await latestOf(store);
    // The message comes back after the queue's visibility timeout and runs attempt 2.
    clock.advance(6 * LEASE_MS);
    const redelivered = await executor.execute({
      jobName: 'nightly-import',
      runId: 'run-1',
      trigger: 'api',
      input: { day: 'monday' },
    });

    expect(report).toMatchObject({ due: 1, abandonedWillRetry: 1 });
    expect(marked).toMatchObject({ attempt: 1, status: 'timed_out', willRetry: true });
    expect(alertReasons(marked as Execution, ALERT_ON_FAILURE)).toEqual([]);
    expect(settled).toEqual([marked]);
    expect(redelivered).toMatchObject({ attempt: 2, status: 'succeeded' });
    expect((await store.getRun('nightly-import', 'run-1')).map((a) => a.status)).toEqual([
      'timed_out',
      'succeeded',
    ]);
  });

  it('ends the run once no redelivery came by its deadline: its message was lost', async () => {
    const { clock, store, sweeper, trigger } = setup();
    await claimedByADeadWorker(store, 1);
    clock.set(Date.parse(START) + LEASE_MS);
    await sweeper.sweep();
    const marked = await latestOf(store);
    await expect(trigger.retry('nightly-import', 'run-1')).rejects.toThrow(
      'will be retried automatically',
    );

    clock.set(Date.parse(marked?.retryBy ?? '') - 1);
    const early = await sweeper.sweep();
    clock.set(Date.parse(marked?.retryBy ?? ''));
    const due = await sweeper.sweep();

    const latest = await latestOf(store);
    expect(early).toMatchObject({ due: 0, retryLost: 0 });
    expect(due).toMatchObject({ due: 1, retryLost: 1 });
    expect(latest).toMatchObject({ attempt: 1, status: 'timed_out', willRetry: false });
    expect(latest?.message).toMatch(/^No retry came by .*: the run's message was lost/);
    expect(alertReasons(latest as Execution, ALERT_ON_FAILURE)).toEqual(['failure']);
    await expect(trigger.retry('nightly-import', 'run-1')).resolves.toEqual({
      runId: expect.any(String),
    });
  });
});

describe('the sweep, on a run that failed and waits for its retry', () => {
  it('ends it once the retry is past due, and not before', async () => {
    const { clock, store, sweeper, executor } = setup();
    const failing = defineJob({
      name: 'nightly-import',
      retries: 1,
      run: async () => JobResult.failure('the upstream file is missing'),
    });
    const failingExecutor = createExecutor({
      jobs: [failing],
      executionStore: store,
      jobStateStore: new InMemoryJobStateStore(() => clock.now()),
      enqueuer: { enqueue: async () => {} },
      clock,
    });
    const failed = await failingExecutor.execute({
      jobName: 'nightly-import',
      runId: 'run-1',
      trigger: 'api',
    });
    expect(failed).toMatchObject({ willRetry: true, retryBy: expect.any(String) });

    clock.advance(15 * 60_000);
    const meanwhile = await sweeper.sweep();
    clock.set(Date.parse(failed.retryBy ?? ''));
    const due = await sweeper.sweep();
    // The retry's delivery comes after all: the run ended, so it is a duplicate, not run.
    const late = await executor.execute({
      jobName: 'nightly-import',
      runId: 'run-1',
      trigger: 'api',
    });

    expect(meanwhile).toMatchObject({ due: 0 });
    expect(due).toMatchObject({ retryLost: 1 });
    expect(await latestOf(store)).toMatchObject({ attempt: 1, status: 'failed', willRetry: false });
    expect(late).toMatchObject({ status: 'skipped', skipReason: 'duplicate' });
  });
});

describe("the sweep's writes", () => {
  it('never overwrite an outcome a worker recorded after the sweep read the run', async () => {
    const { clock, store, logger } = setup();
    const running = await claimedByADeadWorker(store, 1, START, 1);
    const succeeded: Execution = {
      ...running,
      status: 'succeeded',
      completedAt: '2026-06-01T09:01:11.000Z',
      willRetry: false,
    };
    // The worker records its outcome between the sweep's read and its write.
    const racing: OpenRunStore = {
      async *openRunsDue(now) {
        for await (const open of store.openRunsDue(now)) {
          await store.complete(succeeded);
          yield open;
        }
      },
      settle: (open, settled) => store.settle(open, settled),
    };
    const sweeper = createRunSweep({ store: racing, clock, logger });

    clock.set(Date.parse(START) + LEASE_MS);
    const report = await sweeper.sweep();

    expect(report).toMatchObject({ due: 1, abandoned: 0, untouched: 1 });
    expect(await latestOf(store)).toEqual(succeeded);
  });

  it('never overwrite a later attempt a delivery claimed after the sweep read the run', async () => {
    const { clock, store } = setup();
    await claimedByADeadWorker(store, 1);
    const takeover = {
      async *openRunsDue(now: string) {
        for await (const open of store.openRunsDue(now)) {
          await claimedByADeadWorker(store, 2, new Date(clock.now()).toISOString());
          yield open;
        }
      },
      settle: (open: Execution, settled: Execution) => store.settle(open, settled),
    };

    clock.set(Date.parse(START) + LEASE_MS);
    const report = await createRunSweep({ store: takeover, clock }).sweep();

    expect(report).toMatchObject({ due: 1, abandonedWillRetry: 0, untouched: 1 });
    expect((await store.getRun('nightly-import', 'run-1')).map((a) => a.status)).toEqual([
      'timed_out',
      'running',
    ]);
  });

  it('go on past a run whose write failed, which the report counts and the log names', async () => {
    const { clock, store, logger } = setup();
    await claimedByADeadWorker(store, 1, START, 1);
    const failing: OpenRunStore = {
      openRunsDue: (now) => store.openRunsDue(now),
      settle: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };

    clock.set(Date.parse(START) + LEASE_MS);
    const report = await createRunSweep({ store: failing, clock, logger }).sweep();

    expect(report).toMatchObject({ due: 1, abandoned: 0, failed: 1 });
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({ runId: 'run-1', finding: 'abandoned' }),
      }),
    );
  });

  it('stop at the deadline, leaving the rest to the next sweep', async () => {
    const { clock, store } = setup();
    await claimedByADeadWorker(store, 1, START, 1);

    clock.set(Date.parse(START) + LEASE_MS);
    const report = await createRunSweep({ store, clock }).sweep({ deadline: clock.now() });

    expect(report).toMatchObject({ due: 0, complete: false });
    expect((await latestOf(store))?.status).toBe('running');
  });
});
