import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { RunTrigger } from '../../../shared/control/run-trigger';
import {
  InputValidationError,
  InvalidRunRequestError,
  RunNotFoundError,
  RunStateConflictError,
  UnknownJobError,
} from '../../../shared/errors';
import type { Execution } from '../../../shared/executor/execution';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { runIdForKey } from '../../../shared/executor/run-id';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import type { EnqueuedRun } from '../../../shared/ports/enqueuer';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';

const invoice = defineJob({
  name: 'invoice',
  input: z.object({ customerId: z.string(), copies: z.number().int().default(1) }),
  run: async () => JobResult.success(),
});

function setup() {
  const enqueued: EnqueuedRun[] = [];
  const history = new InMemoryExecutionStore();
  const trigger = new RunTrigger({
    jobs: JobRegistry.from([invoice]),
    enqueuer: { enqueue: async (run) => void enqueued.push(run) },
    history,
    clock: new ManualClock('2026-11-23T12:00:00Z'),
  });
  return { trigger, enqueued, history };
}

function finishedRun(overrides: Partial<Execution>): Execution {
  return {
    jobName: 'invoice',
    runId: 'run-1',
    attempt: 4,
    maxAttempts: 4,
    trigger: 'api',
    status: 'failed',
    startedAt: '2026-11-23T11:00:00.000Z',
    completedAt: '2026-11-23T11:00:01.000Z',
    input: { customerId: 'c-9' },
    willRetry: false,
    ...overrides,
  };
}

describe('RunTrigger.trigger', () => {
  it('enqueues the run with its input as sent and answers with its run id', async () => {
    const { trigger, enqueued } = setup();

    const { runId } = await trigger.trigger('invoice', {
      input: { customerId: 'c-1' },
      triggeredBy: 'alice',
    });

    expect(enqueued).toEqual([
      {
        request: {
          jobName: 'invoice',
          trigger: 'api',
          runId,
          input: { customerId: 'c-1' },
          triggeredBy: 'alice',
        },
      },
    ]);
    expect(runId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('gives the same run id to requests with the same idempotency key', async () => {
    const { trigger } = setup();

    const first = await trigger.trigger('invoice', {
      input: { customerId: 'c-1' },
      idempotencyKey: 'k',
    });
    const second = await trigger.trigger('invoice', {
      input: { customerId: 'c-1' },
      idempotencyKey: 'k',
    });

    expect(first.runId).toBe(second.runId);
    expect(first.runId).toBe(runIdForKey('invoice', 'k'));
  });

  it('rejects input that fails the schema before sending anything', async () => {
    const { trigger, enqueued } = setup();

    const attempt = trigger.trigger('invoice', { input: { customerId: 7 } });

    await expect(attempt).rejects.toThrow(InputValidationError);
    await expect(attempt).rejects.toMatchObject({
      issues: [{ path: 'input.customerId', message: expect.any(String) }],
    });
    expect(enqueued).toEqual([]);
  });

  it('refuses input history cannot store before sending anything, naming the field and the limit', async () => {
    const { trigger, enqueued } = setup();

    // The schema lets the extra field through (and drops it), the queue would carry it as sent.
    const triggering = trigger.trigger('invoice', { input: { customerId: 'c-1', ref: 1e20 } });

    await expect(triggering).rejects.toThrow(InvalidRunRequestError);
    await expect(triggering).rejects.toMatchObject({
      issues: [
        {
          path: 'input.ref',
          message: expect.stringContaining('9007199254740991 (Number.MAX_SAFE_INTEGER)'),
        },
      ],
    });
    expect(enqueued).toHaveLength(0);
  });

  it('refuses an idempotency key the worker would refuse, rather than send it', async () => {
    const { trigger, enqueued } = setup();

    const triggering = trigger.trigger('invoice', {
      input: { customerId: 'c-1' },
      idempotencyKey: 'k'.repeat(600),
    });

    await expect(triggering).rejects.toMatchObject({
      name: 'InvalidRunRequestError',
      issues: [{ path: 'idempotencyKey', message: expect.stringContaining('600 characters') }],
    });
    expect(enqueued).toHaveLength(0);
  });

  it('rejects an unknown job with a suggestion', async () => {
    const { trigger } = setup();

    await expect(trigger.trigger('invoices')).rejects.toThrow(UnknownJobError);
  });
});

describe('RunTrigger.retry', () => {
  it('enqueues a new run with the failed run’s input, linked to it', async () => {
    const { trigger, enqueued, history } = setup();
    await history.record(finishedRun({}));

    const { runId } = await trigger.retry('invoice', 'run-1', { triggeredBy: 'bob' });

    expect(runId).not.toBe('run-1');
    expect(enqueued[0]?.request).toEqual({
      jobName: 'invoice',
      trigger: 'retry',
      runId,
      retryOf: 'run-1',
      input: { customerId: 'c-9' },
      triggeredBy: 'bob',
    });
  });

  it('refuses a run that succeeded', async () => {
    const { trigger, history } = setup();
    await history.record(finishedRun({ status: 'succeeded' }));

    await expect(trigger.retry('invoice', 'run-1')).rejects.toThrow(RunStateConflictError);
  });

  it('refuses a run that will be retried anyway', async () => {
    const { trigger, history } = setup();
    await history.record(finishedRun({ attempt: 1, willRetry: true }));

    await expect(trigger.retry('invoice', 'run-1')).rejects.toThrow(/retried automatically/);
  });

  it('refuses a run whose input was not kept', async () => {
    const { trigger, history } = setup();
    await history.record(finishedRun({ input: undefined, truncated: ['input'] }));

    await expect(trigger.retry('invoice', 'run-1')).rejects.toThrow(
      /did not keep its input \(too large, or not storable/,
    );
  });

  it('reports a run that does not exist', async () => {
    const { trigger } = setup();

    await expect(trigger.retry('invoice', 'nope')).rejects.toThrow(RunNotFoundError);
  });
});
