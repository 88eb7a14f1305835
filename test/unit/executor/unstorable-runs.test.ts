import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { UnstorableRecordError } from '../../../shared/errors';
import type { Execution } from '../../../shared/executor/execution';
import { createExecutor } from '../../../shared/executor/executor';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import type { ExecutionStore } from '../../../shared/ports/execution-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { createTestInvoker } from '../../../shared/testing/test-invoker';

// Every run reaches a final status under its own run id, whatever it carries: input history
// cannot store is rejected before the body runs, and a write history refuses for good (which
// no redelivery could get past) is recorded again with less, rather than left to redelivery.

const START = '2026-06-01T09:00:00.000Z';

const sum = defineJob({
  name: 'sum',
  retries: 2,
  input: z.object({ values: z.array(z.number()) }),
  run: async (ctx) => JobResult.success(`${ctx.input.values.reduce((a, b) => a + b, 0)}`),
});

describe('input history cannot store', () => {
  it('is rejected before the body runs, with the reason, and recorded without it', async () => {
    const invoker = createTestInvoker({ jobs: [sum], clock: new ManualClock(START) });

    const execution = await invoker.run('sum', { values: [1, 1e20] });

    expect(execution).toMatchObject({
      status: 'rejected',
      willRetry: false,
      truncated: ['input'],
      message: expect.stringContaining(
        'input.values.1: 100000000000000000000 is beyond the numbers history stores exactly',
      ),
    });
    expect(execution).not.toHaveProperty('input');
    expect(invoker.history('sum')).toHaveLength(1);
  });

  it('fails a ctx.enqueue for good, as a deployed enqueue does: the run that sent it is not retried', async () => {
    const child = defineJob({ name: 'child', run: async () => JobResult.success() });
    const parent = defineJob({
      name: 'parent',
      retries: 3,
      enqueues: [child],
      run: async (ctx) => {
        await ctx.enqueue(child, {
          depth: JSON.parse(`${'['.repeat(35)}${']'.repeat(35)}`),
        } as never);
        return JobResult.success();
      },
    });
    const invoker = createTestInvoker({ jobs: [parent, child], clock: new ManualClock(START) });

    const execution = await invoker.run('parent');

    expect(execution).toMatchObject({
      status: 'failed',
      attempt: 1,
      willRetry: false,
      error: {
        name: 'NonRetriableError',
        message: expect.stringMatching(/nested more than 30 levels deep/),
      },
    });
    expect(invoker.history('child')).toEqual([]);
  });
});

/** The in-memory store, but refusing for good each write `refuse` says to, once each. */
function refusingStore(refuse: (operation: string, execution: Execution) => boolean) {
  const store = new InMemoryExecutionStore();
  const refused: string[] = [];
  const attempt = (operation: 'start' | 'complete' | 'record', execution: Execution) => {
    if (!refused.includes(operation) && refuse(operation, execution)) {
      refused.push(operation);
      throw new UnstorableRecordError(`executions.${operation}`, {
        cause: Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
          name: 'ValidationException',
        }),
      });
    }
  };
  const wrapped: ExecutionStore = {
    start: async (execution) => {
      attempt('start', execution);
      return store.start(execution);
    },
    complete: async (execution) => {
      attempt('complete', execution);
      return store.complete(execution);
    },
    record: async (execution) => {
      attempt('record', execution);
      return store.record(execution);
    },
    getRun: (jobName, runId) => store.getRun(jobName, runId),
  };
  return { store, wrapped, refused };
}

function executorWith(executionStore: ExecutionStore, jobs: AnyJobDefinition[] = [sum]) {
  const clock = new ManualClock(START);
  return createExecutor({
    jobs,
    executionStore,
    jobStateStore: new InMemoryJobStateStore(() => clock.now()),
    enqueuer: { enqueue: async () => {} },
    clock,
  });
}

describe('a write history refuses for good', () => {
  it('of the claim: the attempt never runs, and the run is recorded rejected under its own id, without its input', async () => {
    let ran = false;
    const watched = defineJob({
      name: 'watched',
      run: async () => {
        ran = true;
        return JobResult.success();
      },
    });
    const { store, wrapped } = refusingStore((operation) => operation === 'start');

    const execution = await executorWith(wrapped, [watched]).execute({
      jobName: 'watched',
      trigger: 'api',
      runId: 'run-7',
      input: { payload: 'p' },
    });

    expect(ran).toBe(false);
    expect(execution).toMatchObject({
      runId: 'run-7',
      status: 'rejected',
      willRetry: false,
      truncated: ['input', 'error'],
      message: expect.stringMatching(
        /^History refused to record this run as it was sent, so it cannot run.* History could not store this record as it was \(ValidationException: Item size has exceeded the maximum allowed size\), so its input, error were dropped\.$/,
      ),
    });
    expect(await store.getRun('watched', 'run-7')).toEqual([execution]);
  });

  it('of the outcome: the outcome is recorded stripped, with its status, so the run still ends', async () => {
    const noisy = defineJob({
      name: 'noisy',
      run: async () => JobResult.success('Done').withMetadata('report', { rows: 3 }),
    });
    const { store, wrapped } = refusingStore((operation) => operation === 'complete');

    const execution = await executorWith(wrapped, [noisy]).execute({
      jobName: 'noisy',
      trigger: 'api',
      runId: 'run-8',
    });

    expect(execution).toMatchObject({
      runId: 'run-8',
      status: 'succeeded',
      truncated: ['metadata'],
    });
    expect(execution).not.toHaveProperty('metadata');
    expect(execution.message).toMatch(/^Done History could not store this record as it was/);
    expect((await store.getRun('noisy', 'run-8')).map((attempt) => attempt.status)).toEqual([
      'succeeded',
    ]);
  });

  it('of a rejection: it is recorded again without the input, the reason kept', async () => {
    const { store, wrapped } = refusingStore((operation) => operation === 'record');

    const execution = await executorWith(wrapped).execute({
      jobName: 'sum',
      trigger: 'api',
      runId: 'run-9',
      input: { values: 'not numbers' },
    });

    expect(execution).toMatchObject({
      status: 'rejected',
      message: expect.stringMatching(
        /^Input for job "sum" is invalid: .*its input, error were dropped\.$/,
      ),
    });
    expect(await store.getRun('sum', 'run-9')).toEqual([execution]);
  });

  it('leaves any other failed write to the caller, for redelivery', async () => {
    const store = new InMemoryExecutionStore();
    const flaky: ExecutionStore = {
      start: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      complete: (execution) => store.complete(execution),
      record: (execution) => store.record(execution),
      getRun: (jobName, runId) => store.getRun(jobName, runId),
    };

    const executing = executorWith(flaky).execute({
      jobName: 'sum',
      trigger: 'api',
      input: { values: [] },
    });

    await expect(executing).rejects.toMatchObject({
      name: 'HistoryWriteError',
      operation: 'start',
    });
  });
});
