import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { NonRetriableError } from '../../../shared/errors';
import { createExecutor } from '../../../shared/executor/executor';
import type { RunRequest } from '../../../shared/executor/run-request';
import { defineJob } from '../../../shared/job/define-job';
import type {
  AnyJobDefinition,
  EnqueueDeclaration,
  JobOptions,
} from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import type { StandardSchemaV1 } from '../../../shared/job/standard-schema';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import type { EnqueuedRun } from '../../../shared/ports/enqueuer';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';

const START = '2026-06-01T09:00:00.000Z';

function job<
  TSchema extends StandardSchemaV1 | undefined = undefined,
  TDeps = undefined,
  const TEnqueues extends readonly EnqueueDeclaration[] = readonly [],
>(options: JobOptions<TSchema, TDeps, TEnqueues>) {
  return defineJob(options);
}

function setup(
  jobs: AnyJobDefinition[],
  options: { depsOverrides?: Record<string, unknown> } = {},
) {
  const clock = new ManualClock(START);
  const executionStore = new InMemoryExecutionStore();
  const jobStateStore = new InMemoryJobStateStore(() => clock.now());
  const enqueued: EnqueuedRun[] = [];
  const logger = new MemoryLogger();
  const executor = createExecutor({
    jobs,
    executionStore,
    jobStateStore,
    enqueuer: { enqueue: async (run) => void enqueued.push(run) },
    clock,
    logger,
    codeVersion: '7',
    ...options,
  });
  return { executor, executionStore, jobStateStore, enqueued, clock, logger };
}

function manual(jobName: string, extra: Partial<RunRequest> = {}): RunRequest {
  return { jobName, trigger: 'manual', triggeredBy: 'alice', ...extra };
}

/** A promise with its resolve function, for bodies that wait on the test. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('a run that succeeds', () => {
  it('is recorded as running while the body runs, then as succeeded', async () => {
    const seenWhileRunning = deferred<string | undefined>();
    const { executor, executionStore, clock } = setup([
      job({
        name: 'report',
        run: async (ctx) => {
          const [attempt] = await executionStore.getRun('report', ctx.runId);
          seenWhileRunning.resolve(attempt?.status);
          clock.advance(1500);
          return JobResult.success('Reported 3 rows').withMetadata('rows', 3);
        },
      }),
    ]);

    const execution = await executor.execute(manual('report'));

    expect(await seenWhileRunning.promise).toBe('running');
    expect(execution).toMatchObject({
      jobName: 'report',
      attempt: 1,
      maxAttempts: 4,
      trigger: 'manual',
      triggeredBy: 'alice',
      status: 'succeeded',
      startedAt: START,
      completedAt: '2026-06-01T09:00:01.500Z',
      durationMs: 1500,
      message: 'Reported 3 rows',
      metadata: { rows: 3 },
      codeVersion: '7',
      willRetry: false,
    });
    expect(execution.memoryUsedMb).toBeGreaterThan(0);
    expect(await executionStore.getRun('report', execution.runId)).toEqual([execution]);
  });

  it('counts a body that returns nothing as a success', async () => {
    const { executor } = setup([job({ name: 'quiet', run: async () => {} })]);

    const execution = await executor.execute(manual('quiet'));

    expect(execution.status).toBe('succeeded');
    expect(execution.message).toBeUndefined();
  });

  it('gives the body its context', async () => {
    let seen: Record<string, unknown> = {};
    const { executor } = setup([
      job({
        name: 'context',
        retries: 2,
        run: async (ctx) => {
          seen = {
            jobName: ctx.jobName,
            runId: ctx.runId,
            attempt: ctx.attempt,
            maxAttempts: ctx.maxAttempts,
            trigger: ctx.trigger,
            triggeredBy: ctx.triggeredBy,
            scheduledTime: ctx.scheduledTime?.toISOString(),
            input: ctx.input,
            aborted: ctx.signal.aborted,
          };
        },
      }),
    ]);

    const execution = await executor.execute({
      jobName: 'context',
      trigger: 'schedule',
      triggeredBy: 'scheduler',
      scheduledTime: '2026-06-01T09:00:00Z',
      input: { day: 'monday' },
    });

    expect(seen).toEqual({
      jobName: 'context',
      runId: execution.runId,
      attempt: 1,
      maxAttempts: 3,
      trigger: 'schedule',
      triggeredBy: 'scheduler',
      scheduledTime: '2026-06-01T09:00:00.000Z',
      input: { day: 'monday' },
      aborted: false,
    });
  });

  it('adds the job, run and attempt to every line the body logs', async () => {
    const { executor, logger } = setup([
      job({ name: 'chatty', run: async (ctx) => ctx.logger.info('halfway', { step: 2 }) }),
    ]);

    const execution = await executor.execute(manual('chatty'));

    expect(logger.entries).toContainEqual({
      level: 'info',
      message: 'halfway',
      attributes: { jobName: 'chatty', runId: execution.runId, attempt: 1, step: 2 },
    });
  });
});

describe('a run that fails', () => {
  it('records a failure result with its message, and that a retry follows', async () => {
    const { executor } = setup([
      job({ name: 'flaky', run: async () => JobResult.failure('Upstream answered 503') }),
    ]);

    const execution = await executor.execute(manual('flaky'));

    expect(execution).toMatchObject({
      status: 'failed',
      message: 'Upstream answered 503',
      error: { name: 'JobFailure', message: 'Upstream answered 503' },
      willRetry: true,
    });
  });

  it('keeps the error passed to a failure result, with its stack', async () => {
    const { executor } = setup([
      job({
        name: 'flaky',
        run: async () => JobResult.failure('Could not fetch', new TypeError('fetch failed')),
      }),
    ]);

    const execution = await executor.execute(manual('flaky'));

    expect(execution.error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(execution.error?.stack).toContain('TypeError: fetch failed');
  });

  it('records a thrown error with its name, message, stack and cause', async () => {
    const { executor } = setup([
      job({
        name: 'broken',
        run: async () => {
          throw new RangeError('row 7 is out of range', { cause: new Error('bad row') });
        },
      }),
    ]);

    const execution = await executor.execute(manual('broken'));

    expect(execution.status).toBe('failed');
    expect(execution.message).toBe('row 7 is out of range');
    expect(execution.error).toMatchObject({
      name: 'RangeError',
      message: 'row 7 is out of range',
      cause: { name: 'Error', message: 'bad row' },
    });
    expect(execution.error?.stack).toMatch(/RangeError: row 7 is out of range\n\s+at /);
  });

  it('records a value thrown that is not an Error', async () => {
    const { executor } = setup([
      job({
        name: 'odd',
        run: async () => {
          throw 'plain text';
        },
      }),
    ]);

    const execution = await executor.execute(manual('odd'));

    expect(execution.error).toEqual({ name: 'NonErrorThrown', message: 'plain text' });
  });

  it('retries on the same run and records the retry that succeeds', async () => {
    let calls = 0;
    const { executor, executionStore } = setup([
      job({
        name: 'flaky',
        run: async (ctx) => {
          calls += 1;
          if (ctx.attempt === 1) throw new Error('first attempt fails');
          return JobResult.success(`attempt ${ctx.attempt}`);
        },
      }),
    ]);

    const first = await executor.execute(manual('flaky'));
    const second = await executor.execute(manual('flaky', { runId: first.runId }));

    expect(calls).toBe(2);
    expect(second).toMatchObject({ runId: first.runId, attempt: 2, status: 'succeeded' });
    const attempts = await executionStore.getRun('flaky', first.runId);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.willRetry])).toEqual(
      [
        [1, 'failed', true],
        [2, 'succeeded', false],
      ],
    );
  });

  it('does not promise a retry after the last attempt', async () => {
    const { executor } = setup([
      job({ name: 'flaky', retries: 1, run: async () => JobResult.failure('still down') }),
    ]);

    const first = await executor.execute(manual('flaky'));
    const last = await executor.execute(manual('flaky', { runId: first.runId }));

    expect(first.willRetry).toBe(true);
    expect(last).toMatchObject({ attempt: 2, maxAttempts: 2, status: 'failed', willRetry: false });
  });

  it('does not retry a NonRetriableError', async () => {
    const { executor } = setup([
      job({
        name: 'strict',
        run: async () => {
          throw new NonRetriableError('customer 42 does not exist');
        },
      }),
    ]);

    const execution = await executor.execute(manual('strict'));

    expect(execution).toMatchObject({ status: 'failed', willRetry: false });
    expect(execution.error?.name).toBe('NonRetriableError');
  });
});

describe('timeouts and cancellation', () => {
  it('records a run that outlives its timeout as timed_out, and aborts its signal', async () => {
    const started = deferred();
    let abortedWith: unknown;
    const { executor, clock } = setup([
      job({
        name: 'slow',
        timeout: 30,
        run: (ctx) =>
          new Promise<undefined>(() => {
            ctx.signal.addEventListener('abort', () => {
              abortedWith = ctx.signal.reason;
            });
            started.resolve();
          }),
      }),
    ]);

    const running = executor.execute(manual('slow'));
    await started.promise;
    clock.advance(29_999);
    const stillRunning = await Promise.race([running, Promise.resolve('pending')]);
    clock.advance(1);
    const execution = await running;

    expect(stillRunning).toBe('pending');
    expect(execution).toMatchObject({
      status: 'timed_out',
      durationMs: 30_000,
      willRetry: true,
      error: { name: 'JobTimeoutError' },
    });
    expect(execution.message).toContain('did not finish within 30 s');
    expect((abortedWith as Error).name).toBe('JobTimeoutError');
  });

  it('fires the signal before a hard deadline, keeping time back to record the outcome', async () => {
    const started = deferred();
    const { executor, clock } = setup([
      job({
        name: 'slow',
        timeout: 900,
        run: () =>
          new Promise<undefined>(() => {
            started.resolve();
          }),
      }),
    ]);

    const running = executor.execute(manual('slow'), { deadline: clock.now() + 10_000 });
    await started.promise;
    clock.advance(8_000);
    const execution = await running;

    expect(execution.status).toBe('timed_out');
    expect(execution.durationMs).toBe(8_000);
  });

  it('records a run cancelled from outside as cancelled', async () => {
    const started = deferred();
    const shutdown = new AbortController();
    const { executor } = setup([
      job({ name: 'long', run: () => new Promise<undefined>(() => started.resolve()) }),
    ]);

    const running = executor.execute(manual('long'), { signal: shutdown.signal });
    await started.promise;
    shutdown.abort();
    const execution = await running;

    expect(execution).toMatchObject({
      status: 'cancelled',
      error: { name: 'RunCancelledError' },
      willRetry: true,
    });
  });
});

describe('a run someone cancels', () => {
  function cancellable(jobs: AnyJobDefinition[], cancelPollMs = 2000) {
    const parts = setup(jobs);
    const { executionStore, clock, logger } = parts;
    const executor = createExecutor({
      jobs,
      executionStore,
      jobStateStore: parts.jobStateStore,
      enqueuer: { enqueue: async () => {} },
      clock,
      logger,
      cancellations: executionStore,
      cancelPollMs,
    });
    const cancel = (jobName: string, runId: string, by = 'arn:aws:iam::123456789012:user/alice') =>
      executionStore.requestCancel(jobName, runId, { by, at: new Date(clock.now()).toISOString() });
    return { ...parts, executor, cancel };
  }

  /** Lets the executor's timer callbacks and their reads settle. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('aborts the body’s signal within a poll, saying who cancelled it, and does not retry it', async () => {
    const started = deferred<string>();
    let reason: unknown;
    const { executor, clock, cancel } = cancellable([
      job({
        name: 'long',
        retries: 3,
        timeout: '15 minutes',
        run: (ctx) =>
          new Promise<undefined>((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              reason = ctx.signal.reason;
              reject(ctx.signal.reason);
            });
            started.resolve(ctx.runId);
          }),
      }),
    ]);

    const running = executor.execute(manual('long'));
    const runId = await started.promise;
    await cancel('long', runId);
    clock.advance(1999);
    await settle();
    const before = await Promise.race([running, Promise.resolve('pending')]);
    clock.advance(1);
    const execution = await running;

    expect(before).toBe('pending');
    expect(execution).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'arn:aws:iam::123456789012:user/alice',
      willRetry: false,
      message: 'The run was cancelled by arn:aws:iam::123456789012:user/alice',
      error: { name: 'RunCancelledError' },
    });
    expect((reason as Error).message).toBe(execution.message);
  });

  it('ends a body that ignores its signal at once, recorded as cancelled', async () => {
    const started = deferred<string>();
    const { executor, clock, cancel } = cancellable([
      job({
        name: 'stubborn',
        run: (ctx) => new Promise<undefined>(() => started.resolve(ctx.runId)),
      }),
    ]);

    const running = executor.execute(manual('stubborn'));
    await cancel('stubborn', await started.promise);
    clock.advance(2000);
    const execution = await running;

    expect(execution).toMatchObject({ status: 'cancelled', willRetry: false });
  });

  it('ends the retry of a run cancelled while it waited, before its body starts', async () => {
    let bodies = 0;
    const { executor, executionStore, cancel } = cancellable([
      job({
        name: 'flaky',
        retries: 2,
        run: async () => {
          bodies++;
          throw new Error('upstream down');
        },
      }),
    ]);
    const first = await executor.execute(manual('flaky'));
    await cancel('flaky', first.runId, 'local:bob');

    const retry = await executor.execute(manual('flaky', { runId: first.runId }));

    expect(first.willRetry).toBe(true);
    expect(bodies).toBe(1);
    expect(retry).toMatchObject({ attempt: 2, status: 'cancelled', cancelledBy: 'local:bob' });
    expect((await executionStore.getRun('flaky', first.runId)).map((a) => a.status)).toEqual([
      'failed',
      'cancelled',
    ]);
  });

  it('keeps running when the cancel request cannot be read, and says so', async () => {
    const started = deferred();
    const release = deferred();
    const { executionStore, clock, logger, jobStateStore } = setup([]);
    const jobs = [
      job({
        name: 'steady',
        run: async () => {
          started.resolve();
          await release.promise;
          return JobResult.success('done');
        },
      }),
    ];
    const executor = createExecutor({
      jobs,
      executionStore,
      jobStateStore,
      enqueuer: { enqueue: async () => {} },
      clock,
      logger,
      cancellations: {
        cancelRequestOf: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
    });

    const running = executor.execute(manual('steady'));
    await started.promise;
    clock.advance(2000);
    await settle();
    release.resolve();
    const execution = await running;

    expect(execution.status).toBe('succeeded');
    expect(logger.entries.map((entry) => entry.message)).toContain(
      'Could not read whether the run was cancelled; trying again',
    );
  });
});

describe('overlap', () => {
  it("skips a run that starts while another runs, when the job's overlap is 'skip'", async () => {
    const release = deferred();
    const started = deferred();
    let bodies = 0;
    const { executor } = setup([
      job({
        name: 'exclusive',
        overlap: 'skip',
        run: async () => {
          bodies += 1;
          started.resolve();
          await release.promise;
        },
      }),
    ]);

    const first = executor.execute(manual('exclusive'));
    await started.promise;
    const second = await executor.execute(manual('exclusive'));
    release.resolve();

    expect(second).toMatchObject({ status: 'skipped', skipReason: 'overlap' });
    expect(second.message).toContain("overlap policy is 'skip'");
    expect((await first).status).toBe('succeeded');
    expect(bodies).toBe(1);
  });

  it('lets the next run start once the previous one has finished', async () => {
    const { executor } = setup([job({ name: 'exclusive', overlap: 'skip', run: async () => {} })]);

    await executor.execute(manual('exclusive'));
    const next = await executor.execute(manual('exclusive'));

    expect(next.status).toBe('succeeded');
  });

  it("runs overlapping runs side by side when the job's overlap is 'allow'", async () => {
    const release = deferred();
    let concurrent = 0;
    let most = 0;
    const { executor } = setup([
      job({
        name: 'parallel',
        run: async () => {
          concurrent += 1;
          most = Math.max(most, concurrent);
          await release.promise;
          concurrent -= 1;
        },
      }),
    ]);

    const runs = [executor.execute(manual('parallel')), executor.execute(manual('parallel'))];
    await new Promise((resolve) => setImmediate(resolve));
    release.resolve();
    const executions = await Promise.all(runs);

    expect(most).toBe(2);
    expect(executions.map((execution) => execution.status)).toEqual(['succeeded', 'succeeded']);
  });
});

describe('idempotency', () => {
  const tick: RunRequest = {
    jobName: 'tick',
    trigger: 'schedule',
    triggeredBy: 'scheduler',
    scheduledTime: '2026-06-01T09:00:00Z',
  };

  it('records a second delivery of a schedule tick as a skipped duplicate and runs the body once', async () => {
    let bodies = 0;
    const { executor, executionStore } = setup([
      job({
        name: 'tick',
        run: async () => {
          bodies += 1;
        },
      }),
    ]);

    const first = await executor.execute(tick);
    const second = await executor.execute(tick);

    expect(bodies).toBe(1);
    expect(first.status).toBe('succeeded');
    expect(second).toMatchObject({
      status: 'skipped',
      skipReason: 'duplicate',
      duplicateOf: first.runId,
    });
    expect(second.runId).not.toBe(first.runId);
    expect(executionStore.list('tick')).toHaveLength(2);
  });

  it('runs the body once for 20 concurrent deliveries of one tick', async () => {
    let bodies = 0;
    const { executor } = setup([
      job({
        name: 'tick',
        run: async () => {
          bodies += 1;
        },
      }),
    ]);

    const executions = await Promise.all(Array.from({ length: 20 }, () => executor.execute(tick)));

    expect(bodies).toBe(1);
    expect(executions.filter((execution) => execution.status === 'succeeded')).toHaveLength(1);
    // The others found the attempt in flight (answered as it stands) or ended (a duplicate).
    const others = executions.filter((execution) => execution.status !== 'succeeded');
    expect(
      others.every(
        (execution) => execution.status === 'running' || execution.skipReason === 'duplicate',
      ),
    ).toBe(true);
  });

  it('answers a delivery of an attempt in flight elsewhere with that attempt, recording nothing', async () => {
    const started = deferred();
    const finish = deferred();
    const { executor, executionStore } = setup([
      job({
        name: 'slow',
        run: async () => {
          started.resolve();
          await finish.promise;
        },
      }),
    ]);
    const first = executor.execute(manual('slow', { runId: 'run-1' }));
    await started.promise;

    const second = await executor.execute(manual('slow', { runId: 'run-1' }));
    finish.resolve();
    await first;

    expect(second).toMatchObject({ runId: 'run-1', attempt: 1, status: 'running' });
    expect(executionStore.list('slow')).toHaveLength(1);
  });

  it('runs ticks of different scheduled times as different runs', async () => {
    let bodies = 0;
    const { executor } = setup([
      job({
        name: 'tick',
        run: async () => {
          bodies += 1;
        },
      }),
    ]);

    await executor.execute(tick);
    await executor.execute({ ...tick, scheduledTime: '2026-06-02T09:00:00Z' });

    expect(bodies).toBe(2);
  });

  it('treats requests with the same idempotency key as one run', async () => {
    let bodies = 0;
    const { executor } = setup([
      job({
        name: 'charge',
        run: async () => {
          bodies += 1;
        },
      }),
    ]);

    const first = await executor.execute(manual('charge', { idempotencyKey: 'order-17' }));
    const again = await executor.execute(manual('charge', { idempotencyKey: 'order-17' }));

    expect(bodies).toBe(1);
    expect(again).toMatchObject({ status: 'skipped', duplicateOf: first.runId });
  });

  it('does not run an attempt again after it succeeded, even if its message comes back', async () => {
    let bodies = 0;
    const { executor } = setup([
      job({
        name: 'once',
        run: async () => {
          bodies += 1;
        },
      }),
    ]);

    const first = await executor.execute(manual('once'));
    const redelivered = await executor.execute(manual('once', { runId: first.runId }));

    expect(bodies).toBe(1);
    expect(redelivered.skipReason).toBe('duplicate');
  });

  it('lets a redelivery take over an attempt whose worker died, once its lease has expired', async () => {
    const { executor, executionStore, clock } = setup([
      job({ name: 'survivor', timeout: 60, run: async () => JobResult.success('done') }),
    ]);
    await executionStore.start({
      jobName: 'survivor',
      runId: 'run-1',
      attempt: 1,
      maxAttempts: 4,
      trigger: 'manual',
      status: 'running',
      startedAt: START,
      leaseExpiresAt: '2026-06-01T09:01:02.000Z',
    });

    const tooEarly = await executor.execute(manual('survivor', { runId: 'run-1' }));
    clock.set('2026-06-01T09:01:02.000Z');
    const takeover = await executor.execute(manual('survivor', { runId: 'run-1' }));

    expect(tooEarly).toMatchObject({ runId: 'run-1', attempt: 1, status: 'running' });
    expect(takeover).toMatchObject({ runId: 'run-1', attempt: 2, status: 'succeeded' });
    const [abandoned] = await executionStore.getRun('survivor', 'run-1');
    expect(abandoned).toMatchObject({
      attempt: 1,
      status: 'timed_out',
      error: { name: 'AttemptAbandoned' },
    });
  });
});

describe("attempts numbered from the run's history", () => {
  it('claims the attempt after the latest failed one, for any delivery of the run', async () => {
    const { executor } = setup([
      job({ name: 'flaky', retries: 3, run: async () => JobResult.failure('down') }),
    ]);

    const first = await executor.execute(manual('flaky'));
    const second = await executor.execute(manual('flaky', { runId: first.runId }));
    const third = await executor.execute(manual('flaky', { runId: first.runId }));

    expect([first.attempt, second.attempt, third.attempt]).toEqual([1, 2, 3]);
    expect(third).toMatchObject({ maxAttempts: 4, willRetry: true });
  });

  it('runs nothing more for a delivery of a run whose retries are spent, and returns its outcome', async () => {
    let bodies = 0;
    const { executor, executionStore } = setup([
      job({
        name: 'doomed',
        retries: 1,
        run: async () => {
          bodies += 1;
          return JobResult.failure('still down');
        },
      }),
    ]);
    const first = await executor.execute(manual('doomed'));
    const last = await executor.execute(manual('doomed', { runId: first.runId }));

    const redelivered = await executor.execute(manual('doomed', { runId: first.runId }));

    expect(bodies).toBe(2);
    expect(redelivered).toEqual(last);
    expect(await executionStore.getRun('doomed', first.runId)).toHaveLength(2);
  });

  it('records the last attempt as timed out when its worker died, and runs nothing after it', async () => {
    let bodies = 0;
    const { executor, executionStore, clock } = setup([
      job({
        name: 'fragile',
        retries: 0,
        timeout: 60,
        run: async () => {
          bodies += 1;
        },
      }),
    ]);
    await executionStore.start({
      jobName: 'fragile',
      runId: 'run-1',
      attempt: 1,
      maxAttempts: 1,
      trigger: 'manual',
      status: 'running',
      startedAt: START,
      leaseExpiresAt: '2026-06-01T09:01:02.000Z',
    });
    clock.set('2026-06-01T09:05:00.000Z');

    const redelivered = await executor.execute(manual('fragile', { runId: 'run-1' }));

    expect(bodies).toBe(0);
    expect(redelivered).toMatchObject({
      attempt: 1,
      status: 'timed_out',
      willRetry: false,
      error: { name: 'AttemptAbandoned' },
    });
    expect(await executionStore.getRun('fragile', 'run-1')).toEqual([redelivered]);
  });

  it('ends a run whose promised retry a deploy took away, rather than retry it forever', async () => {
    const before = setup([
      job({ name: 'shrinking', retries: 3, run: async () => JobResult.failure('down') }),
    ]);
    const first = await before.executor.execute(manual('shrinking'));
    const after = createExecutor({
      jobs: [job({ name: 'shrinking', retries: 0, run: async () => JobResult.success('up') })],
      executionStore: before.executionStore,
      jobStateStore: before.jobStateStore,
      enqueuer: { enqueue: async () => {} },
      clock: before.clock,
    });

    const redelivered = await after.execute(manual('shrinking', { runId: first.runId }));

    expect(first.willRetry).toBe(true);
    expect(redelivered).toMatchObject({ attempt: 1, status: 'failed', willRetry: false });
    expect(await before.executionStore.getRun('shrinking', first.runId)).toEqual([redelivered]);
  });

  it('records a redelivery of a run that succeeded as a skipped duplicate', async () => {
    const { executor } = setup([job({ name: 'steady', run: async () => JobResult.success() })]);
    const first = await executor.execute(manual('steady'));

    const redelivered = await executor.execute(manual('steady', { runId: first.runId }));

    expect(redelivered).toMatchObject({ status: 'skipped', skipReason: 'duplicate' });
    expect(redelivered.runId).not.toBe(first.runId);
  });
});

describe('requests that can never run', () => {
  it("rejects input that fails the job's schema, with the schema's messages, without running", async () => {
    let bodies = 0;
    const { executor } = setup([
      job({
        name: 'mail',
        input: z.object({ to: z.email(), count: z.number().int() }),
        run: async () => {
          bodies += 1;
        },
      }),
    ]);

    const execution = await executor.execute(
      manual('mail', { input: { to: 'nobody', count: 1.5 } }),
    );

    expect(bodies).toBe(0);
    expect(execution).toMatchObject({
      status: 'rejected',
      willRetry: false,
      error: { name: 'InputValidationError' },
      input: { to: 'nobody', count: 1.5 },
    });
    expect(execution.message).toMatch(/input\.to: Invalid email address/);
    expect(execution.message).toMatch(/input\.count: .*expected int/);
  });

  it('passes the input the schema parsed, with its defaults, to the body', async () => {
    let received: unknown;
    const { executor } = setup([
      job({
        name: 'report',
        input: z.object({ days: z.number().default(7) }),
        run: async (ctx) => {
          received = ctx.input;
        },
      }),
    ]);

    await executor.execute(manual('report', { input: {} }));

    expect(received).toEqual({ days: 7 });
  });

  it('rejects a request for a job that does not exist, naming the closest one', async () => {
    const { executor, executionStore } = setup([
      job({ name: 'daily-report', run: async () => {} }),
    ]);

    const execution = await executor.execute(manual('daily-reprot'));

    expect(execution).toMatchObject({
      jobName: 'daily-reprot',
      status: 'rejected',
      error: { name: 'UnknownJobError' },
    });
    expect(execution.message).toContain('Did you mean "daily-report"?');
    expect(executionStore.list('daily-reprot')).toEqual([execution]);
  });
});

describe('pause', () => {
  it('skips schedule ticks and enqueued runs of a paused job', async () => {
    let bodies = 0;
    const { executor, jobStateStore } = setup([
      job({
        name: 'paused',
        run: async () => {
          bodies += 1;
        },
      }),
    ]);
    await jobStateStore.setPaused('paused', true, 'bob');

    const tick = await executor.execute({
      jobName: 'paused',
      trigger: 'schedule',
      scheduledTime: START,
    });
    const enqueued = await executor.execute({ jobName: 'paused', trigger: 'enqueue' });

    expect(bodies).toBe(0);
    expect(tick).toMatchObject({ status: 'skipped', skipReason: 'paused' });
    expect(tick.message).toContain('by bob');
    expect(enqueued).toMatchObject({ status: 'skipped', skipReason: 'paused' });
  });

  it('still runs what a person triggers by hand while the job is paused', async () => {
    const { executor, jobStateStore } = setup([job({ name: 'paused', run: async () => {} })]);
    await jobStateStore.setPaused('paused', true);

    const execution = await executor.execute(manual('paused'));

    expect(execution.status).toBe('succeeded');
  });

  it('runs ticks again after the job is resumed', async () => {
    const { executor, jobStateStore } = setup([job({ name: 'paused', run: async () => {} })]);
    await jobStateStore.setPaused('paused', true);
    await jobStateStore.setPaused('paused', false);

    const execution = await executor.execute({
      jobName: 'paused',
      trigger: 'schedule',
      scheduledTime: START,
    });

    expect(execution.status).toBe('succeeded');
  });
});

describe('dependencies', () => {
  it("builds a job's dependencies once per executor", async () => {
    let built = 0;
    const { executor } = setup([
      job({
        name: 'with-deps',
        deps: () => {
          built += 1;
          return { greeting: 'hello' };
        },
        run: async (ctx) => JobResult.success(ctx.deps.greeting),
      }),
    ]);

    const executions = await Promise.all([
      executor.execute(manual('with-deps')),
      executor.execute(manual('with-deps')),
    ]);

    expect(built).toBe(1);
    expect(executions.map((execution) => execution.message)).toEqual(['hello', 'hello']);
  });

  it('records a failed dependency build as a failed attempt and builds again next time', async () => {
    let builds = 0;
    const { executor } = setup([
      job({
        name: 'with-deps',
        deps: () => {
          builds += 1;
          if (builds === 1) throw new Error('secret not found');
          return { ok: true };
        },
        run: async () => {},
      }),
    ]);

    const first = await executor.execute(manual('with-deps'));
    const second = await executor.execute(manual('with-deps'));

    expect(first).toMatchObject({ status: 'failed', message: 'secret not found' });
    expect(second.status).toBe('succeeded');
  });

  it('uses replacement dependencies instead of calling the factory', async () => {
    let factoryCalls = 0;
    const { executor } = setup(
      [
        job({
          name: 'with-deps',
          deps: () => {
            factoryCalls += 1;
            return { source: 'real' };
          },
          run: async (ctx) => JobResult.success(ctx.deps.source),
        }),
      ],
      { depsOverrides: { 'with-deps': { source: 'fake' } } },
    );

    const execution = await executor.execute(manual('with-deps'));

    expect(execution.message).toBe('fake');
    expect(factoryCalls).toBe(0);
  });
});

describe('enqueue', () => {
  it('sends a run request for the target job and returns its run id', async () => {
    let enqueuedRunId = '';
    const { executor, enqueued } = setup([
      job({
        name: 'parent',
        enqueues: ['child'],
        run: async (ctx) => {
          enqueuedRunId = (await ctx.enqueue('child', { n: 1 }, { delay: '2 minutes' })).runId;
        },
      }),
    ]);

    const parent = await executor.execute(manual('parent'));

    expect(enqueued).toEqual([
      {
        request: expect.objectContaining({
          jobName: 'child',
          input: { n: 1 },
          trigger: 'enqueue',
          runId: enqueuedRunId,
          triggeredBy: 'job:parent',
          parent: { jobName: 'parent', runId: parent.runId },
        }),
        delaySeconds: 120,
      },
    ]);
  });

  it('gives the children of a retried run the same run ids, so they run once', async () => {
    const { executor, enqueued } = setup([
      job({
        name: 'parent',
        enqueues: ['child'],
        run: async (ctx) => {
          await ctx.enqueue('child', { n: 1 });
          await ctx.enqueue('child', { n: 2 });
          if (ctx.attempt === 1) throw new Error('fails after enqueueing');
        },
      }),
    ]);

    const first = await executor.execute(manual('parent'));
    await executor.execute(manual('parent', { runId: first.runId }));

    const runIds = enqueued.map((run) => run.request.runId);
    expect(runIds).toHaveLength(4);
    expect(runIds[2]).toBe(runIds[0]);
    expect(runIds[3]).toBe(runIds[1]);
    expect(runIds[0]).not.toBe(runIds[1]);
  });

  it('fails the run when enqueue is given both a delay and a time', async () => {
    const { executor } = setup([
      job({
        name: 'parent',
        enqueues: ['child'],
        run: async (ctx) => {
          await ctx.enqueue('child', {}, { delay: 10, at: '2026-07-01T00:00:00Z' });
        },
      }),
    ]);

    const execution = await executor.execute(manual('parent'));

    expect(execution).toMatchObject({ status: 'failed', error: { name: 'EnqueueError' } });
    expect(execution.message).toBe('enqueue takes either delay or at, not both');
  });
});

describe('history that cannot be written', () => {
  it('rejects, so that the message stays for redelivery, and releases the overlap lock', async () => {
    const { executionStore, jobStateStore, clock } = setup([]);
    const failingStore = Object.assign(Object.create(executionStore), {
      complete: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    const executor = createExecutor({
      jobs: [job({ name: 'exclusive', overlap: 'skip', run: async () => {} })],
      executionStore: failingStore,
      jobStateStore,
      enqueuer: { enqueue: async () => {} },
      clock,
    });

    await expect(executor.execute(manual('exclusive'))).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
    expect(
      await jobStateStore.acquireOverlapLock('exclusive', { runId: 'next', expiresAt: 0 }, 0),
    ).toBe(true);
  });
});
