import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { InvalidRunMessageError, NonRetriableError } from '../../../shared/errors';
import type { Execution } from '../../../shared/executor/execution';
import { createExecutor } from '../../../shared/executor/executor';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import { ResourceNames } from '../../../shared/naming/resource-names';
import type { EnqueuedRun } from '../../../shared/ports/enqueuer';
import type { ExecutionStore } from '../../../shared/ports/execution-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { createWorkerHandler } from '../../../shared/worker/worker-handler';

const sqs = mockClient(SQSClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  sqs.restore();
});

afterEach(() => {
  sqs.reset();
});

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:jobs_x';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_x';
const DEAD_LETTER_QUEUE_URL = `${QUEUE_URL}_dlq`;

interface SetupOptions {
  readonly executionStore?: ExecutionStore;
  readonly recordingReserveMs?: number;
  /** The app's names, which say which job each queue feeds. */
  readonly names?: ResourceNames;
  readonly recycle?: () => void;
}

/** A worker over in-memory stores, with a backoff of 10 s doubling and no jitter. */
function setup(jobs: AnyJobDefinition[], options: SetupOptions = {}) {
  const history = new InMemoryExecutionStore();
  const enqueued: EnqueuedRun[] = [];
  const logger = new MemoryLogger();
  const executor = createExecutor({
    jobs,
    executionStore: options.executionStore ?? history,
    jobStateStore: new InMemoryJobStateStore(),
    enqueuer: { enqueue: async (run) => void enqueued.push(run) },
    cancellations: history,
    cancelPollMs: 5,
    ...(options.recordingReserveMs !== undefined
      ? { recordingReserveMs: options.recordingReserveMs }
      : {}),
  });
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dead-letter-1' });
  const handler = createWorkerHandler({
    executor,
    sqsClient: new SQSClient({ region: 'eu-west-1' }),
    ...(options.names ? { names: options.names } : {}),
    ...(options.recycle ? { recycle: options.recycle } : {}),
    backoff: { baseSeconds: 10, jitter: 0 },
    logger,
  });
  return { handler, history, logger, enqueued };
}

function record(
  body: unknown,
  options: { messageId?: string; receiveCount?: number; queueArn?: string } = {},
) {
  const messageId = options.messageId ?? randomUUID();
  const receiveCount = options.receiveCount ?? 1;
  return {
    messageId,
    receiptHandle: `receipt-of-${messageId}-${receiveCount}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1780304400000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1780304400000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn ?? QUEUE_ARN,
    awsRegion: 'eu-west-1',
  } satisfies SQSRecord;
}

function batch(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

function visibilityChanges() {
  return sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
}

function deadLetters() {
  return sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
}

const succeeds = defineJob({ name: 'succeeds', run: async () => JobResult.success('done') });

function failing(retries: number) {
  return defineJob({
    name: 'fails',
    retries,
    run: async () => {
      throw new Error('The upstream API is down');
    },
  });
}

describe('a message whose run succeeds', () => {
  it('is done, with no change to its visibility', async () => {
    const { handler, history } = setup([succeeds]);

    const response = await handler(batch(record({ job: 'succeeds' })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(visibilityChanges()).toEqual([]);
    expect(history.list().map((execution) => execution.status)).toEqual(['succeeded']);
  });
});

describe('a message whose attempt fails with retries left', () => {
  it('is left on the queue, visible again after the backoff of its first attempt', async () => {
    const { handler } = setup([failing(2)]);
    const message = record({ job: 'fails' }, { receiveCount: 1 });

    const response = await handler(batch(message));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(visibilityChanges()).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [{ Id: '0', ReceiptHandle: message.receiptHandle, VisibilityTimeout: 10 }],
      },
    ]);
  });

  it('waits twice as long after its second attempt', async () => {
    const { handler } = setup([failing(2)]);

    await handler(batch(record({ job: 'fails' }, { messageId: 'm-1', receiveCount: 1 })));
    await handler(batch(record({ job: 'fails' }, { messageId: 'm-1', receiveCount: 2 })));

    expect(visibilityChanges().map((change) => change.Entries?.[0]?.VisibilityTimeout)).toEqual([
      10, 20,
    ]);
  });

  it("numbers its attempt from the run's history, not from SQS's receive count", async () => {
    const { handler, history } = setup([failing(2)]);

    await handler(batch(record({ job: 'fails' }, { receiveCount: 4 })));

    expect(history.list()).toMatchObject([{ attempt: 1, maxAttempts: 3, willRetry: true }]);
  });
});

describe('a message whose receive was lost to a throttle', () => {
  // Lambda counts a receive whose invocation was throttled, or whose function crashed while it
  // started, as a receive like any other (AWS's guidance on SQS event sources): it ran nothing.
  it('still gets every retry its job allows', async () => {
    const { handler, history } = setup([failing(1)]);

    const first = await handler(
      batch(record({ job: 'fails' }, { messageId: 't', receiveCount: 2 })),
    );
    const second = await handler(
      batch(record({ job: 'fails' }, { messageId: 't', receiveCount: 3 })),
    );

    expect(first.batchItemFailures).toHaveLength(1);
    expect(deadLetters()).toHaveLength(1);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(history.list()).toMatchObject([
      { attempt: 1, status: 'failed', willRetry: true },
      { attempt: 2, status: 'failed', willRetry: false },
    ]);
  });
});

describe('a message whose last attempt fails', () => {
  it("is sent to its queue's dead-letter queue by the worker, with why, and is done", async () => {
    const { handler } = setup([failing(0)]);
    const message = record({ job: 'fails' }, { receiveCount: 1 });

    const response = await handler(batch(message));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(visibilityChanges()).toEqual([]);
    expect(deadLetters()).toEqual([
      {
        QueueUrl: DEAD_LETTER_QUEUE_URL,
        MessageBody: message.body,
        MessageAttributes: {
          jobsDeadLetterReason: {
            DataType: 'String',
            StringValue: expect.stringMatching(
              /^Attempt 1 of 1 ended failed: .*upstream API is down/,
            ),
          },
          jobsRunId: { DataType: 'String', StringValue: expect.any(String) },
        },
      },
    ]);
  });

  it('is done, not dead-lettered, when someone cancelled it', async () => {
    const { handler, history } = setup([
      defineJob({
        name: 'stops',
        retries: 0,
        run: async (ctx) => {
          await history.requestCancel('stops', ctx.runId, {
            by: 'local:alice',
            at: new Date().toISOString(),
          });
          await new Promise((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
          );
        },
      }),
    ]);

    const response = await handler(batch(record({ job: 'stops' }, { receiveCount: 1 })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(history.list()).toMatchObject([{ status: 'cancelled', cancelledBy: 'local:alice' }]);
    expect(deadLetters()).toEqual([]);
  });

  it('is dead-lettered again when it is delivered again, without running', async () => {
    let bodies = 0;
    const doomed = defineJob({
      name: 'doomed',
      retries: 0,
      run: async () => {
        bodies += 1;
        throw new Error('down');
      },
    });
    const { handler, history } = setup([doomed]);

    await handler(batch(record({ job: 'doomed' }, { messageId: 'd-1', receiveCount: 1 })));
    const again = await handler(
      batch(record({ job: 'doomed' }, { messageId: 'd-1', receiveCount: 2 })),
    );

    expect(bodies).toBe(1);
    expect(again).toEqual({ batchItemFailures: [] });
    expect(deadLetters()).toHaveLength(2);
    expect(history.list()).toHaveLength(1);
  });

  it('goes with its run id alone when SQS refuses it with the reason, as for a message near the size limit', async () => {
    const { handler } = setup([failing(0)]);
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(
        Object.assign(new Error('Message must be shorter than 1048576 bytes.'), {
          name: 'InvalidParameterValue',
        }),
      )
      .resolves({ MessageId: 'dead-letter-2' });

    const response = await handler(batch(record({ job: 'fails' })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters().map((sent) => Object.keys(sent.MessageAttributes ?? {}))).toEqual([
      ['jobsDeadLetterReason', 'jobsRunId'],
      ['jobsRunId'],
    ]);
  });

  it('stays on its queue when the dead-letter queue refuses it, and says so', async () => {
    const { handler, logger } = setup([failing(0)]);
    sqs.on(SendMessageCommand).rejects(new Error('Access denied'));
    const message = record({ job: 'fails' });

    const response = await handler(batch(message));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(logger.entries.filter((entry) => entry.level === 'error')).toMatchObject([
      {
        attributes: {
          deadLetterQueueUrl: DEAD_LETTER_QUEUE_URL,
          error: { message: 'Access denied' },
        },
      },
    ]);
  });
});

describe('a message whose run throws a NonRetriableError before its last attempt', () => {
  it('is done: history has the failure, and no retry follows', async () => {
    const permanent = defineJob({
      name: 'permanent',
      retries: 3,
      run: async () => {
        throw new NonRetriableError('Customer 42 does not exist');
      },
    });
    const { handler, history } = setup([permanent]);

    const response = await handler(batch(record({ job: 'permanent' })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(visibilityChanges()).toEqual([]);
    expect(history.list()).toMatchObject([{ status: 'failed', willRetry: false }]);
  });
});

describe('a message that can never run', () => {
  const greet = defineJob({
    name: 'greet',
    input: z.object({ who: z.string() }),
    run: async () => JobResult.success(),
  });

  it.each([
    ['a body that is not JSON', '{not json', 'InvalidRunMessageError'],
    ['a job that does not exist', { job: 'no-such-job' }, 'UnknownJobError'],
    ['input that fails the schema', { job: 'greet', input: { who: 7 } }, 'InputValidationError'],
  ])('is rejected in history for %s', async (_case, body, errorName) => {
    const { handler, history } = setup([greet, succeeds]);

    await handler(batch(record(body)));

    expect(history.list()).toMatchObject([
      { status: 'rejected', error: { name: errorName }, willRetry: false },
    ]);
  });

  it.each([
    ['a body that is not JSON', '{not json'],
    ['a job that does not exist', { job: 'no-such-job' }],
    ['input that fails the schema', { job: 'greet', input: { who: 7 } }],
  ])(
    'goes to the dead-letter queue at once for %s, while a good message of its batch succeeds',
    async (_case, body) => {
      const { handler, history } = setup([greet, succeeds]);
      const bad = record(body);
      const good = record({ job: 'greet', input: { who: 'ada' } });

      const response = await handler(batch(bad, good));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(visibilityChanges()).toEqual([]);
      expect(deadLetters()).toMatchObject([
        { QueueUrl: DEAD_LETTER_QUEUE_URL, MessageBody: bad.body },
      ]);
      expect(history.list('greet').at(-1)).toMatchObject({ status: 'succeeded' });
    },
  );

  it("is recorded under the queue's own job, and dead-lettered at once, when it names another job", async () => {
    const names = new ResourceNames('jobs');
    const { handler, history } = setup([greet, succeeds], { names });
    const stray = record(
      { job: 'succeeds' },
      { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs_greet' },
    );

    const response = await handler(batch(stray));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(history.list()).toMatchObject([
      {
        jobName: 'greet',
        status: 'rejected',
        error: {
          name: 'InvalidRunMessageError',
          message: expect.stringContaining('names job "succeeds", but this queue runs job "greet"'),
        },
      },
    ]);
    expect(deadLetters()).toMatchObject([
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_greet_dlq',
        MessageBody: stray.body,
      },
    ]);
  });

  it('is recorded under the job its body names, when that much is legible', async () => {
    const { handler, history } = setup([greet, succeeds]);

    await handler(batch(record({ job: 'greet', imput: { who: 'ada' } })));

    expect(history.list()).toMatchObject([
      { jobName: 'greet', status: 'rejected', error: { name: 'InvalidRunMessageError' } },
    ]);
  });

  it('is recorded under the only job when the worker has one', async () => {
    const { handler, history } = setup([succeeds]);

    await handler(batch(record('{not json')));

    expect(history.list()).toMatchObject([{ jobName: 'succeeds', status: 'rejected' }]);
  });
});

describe('redeliveries of one message', () => {
  it('share one run: its first and second attempts', async () => {
    let calls = 0;
    const flaky = defineJob({
      name: 'flaky',
      retries: 1,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('Connection reset');
        return JobResult.success();
      },
    });
    const { handler, history } = setup([flaky]);

    await handler(batch(record({ job: 'flaky' }, { messageId: 'm-1', receiveCount: 1 })));
    await handler(batch(record({ job: 'flaky' }, { messageId: 'm-1', receiveCount: 2 })));

    const [first, second] = history.list();
    expect(second?.runId).toBe(first?.runId);
    expect(await history.getRun('flaky', first?.runId ?? '')).toMatchObject([
      { attempt: 1, status: 'failed', willRetry: true },
      { attempt: 2, status: 'succeeded' },
    ]);
  });

  it('keep the run id the message carries', async () => {
    const { handler, history } = setup([succeeds]);

    await handler(batch(record({ job: 'succeeds', runId: '01JRUNIDFROMTHEAPI00000000' })));

    expect(history.list()).toMatchObject([{ runId: '01JRUNIDFROMTHEAPI00000000' }]);
  });
});

describe('a schedule tick', () => {
  const tick = { job: 'succeeds', trigger: 'schedule', scheduledTime: '2026-06-01T02:00:00Z' };

  it('runs as triggered by the scheduler', async () => {
    const { handler, history } = setup([succeeds]);

    await handler(batch(record(tick)));

    expect(history.list()).toMatchObject([
      {
        trigger: 'schedule',
        triggeredBy: 'scheduler',
        scheduledTime: '2026-06-01T02:00:00Z',
        status: 'succeeded',
      },
    ]);
  });

  it('runs once however many messages deliver it', async () => {
    const { handler, history } = setup([succeeds]);

    await handler(batch(record(tick)));
    await handler(batch(record(tick)));

    expect(history.list().map((execution) => execution.status)).toEqual(['succeeded', 'skipped']);
  });
});

describe('a run redriven from the dead-letter queue', () => {
  it('runs again, as a new run that retries the one that failed for good', async () => {
    let calls = 0;
    const recovering = defineJob({
      name: 'recovering',
      retries: 0,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('down');
        return JobResult.success('back up');
      },
    });
    const { handler, history } = setup([recovering]);
    const original = record({ job: 'recovering', runId: 'run-1' });
    await handler(batch(original));
    const [deadLetter] = deadLetters();
    const redriven = {
      ...record({ job: 'recovering', runId: 'run-1' }),
      messageAttributes: Object.fromEntries(
        Object.entries(deadLetter?.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          { dataType: value.DataType ?? 'String', stringValue: value.StringValue },
        ]),
      ),
    };

    const response = await handler(batch(redriven));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(calls).toBe(2);
    expect(history.list()).toMatchObject([
      { runId: 'run-1', status: 'failed', willRetry: false },
      { trigger: 'retry', retryOf: 'run-1', triggeredBy: 'redrive', status: 'succeeded' },
    ]);
  });
});

describe('a run redriven by the API', () => {
  const redriven = (body: unknown, messageId: string, redriveOf: string) => ({
    ...record(body, { messageId }),
    messageAttributes: { jobsRedriveOf: { dataType: 'String', stringValue: redriveOf } },
  });

  it('runs a message with no run id as a new run, named after its dead letter, once however often it is sent back', async () => {
    let calls = 0;
    const { handler, history } = setup([
      defineJob({ name: 'tidy', run: async () => void calls++ }),
    ]);

    // The same dead letter sent back twice (its delete from the dead-letter queue failed).
    await handler(batch(redriven({ job: 'tidy' }, 'new-message-1', 'dead-letter-7')));
    await handler(batch(redriven({ job: 'tidy' }, 'new-message-2', 'dead-letter-7')));

    expect(calls).toBe(1);
    expect(history.list()).toMatchObject([
      { trigger: 'retry', triggeredBy: 'redrive', status: 'succeeded' },
      { status: 'skipped', skipReason: 'duplicate' },
    ]);
  });
});

describe('a delivery of an attempt in flight elsewhere', () => {
  // SQS may deliver a message twice at once. Deleting the second copy would delete the message,
  // and the retry the running attempt may yet ask for (its visibility change would find the
  // message gone).
  it("stays on the queue until the attempt's lease ends, and is recorded nowhere", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = defineJob({
      name: 'slow',
      timeout: 60,
      run: async () => {
        started();
        await released;
      },
    });
    const { handler, history } = setup([slow]);
    const first = handler(batch(record({ job: 'slow', runId: 'run-1' })));
    await running;
    const copy = record({ job: 'slow', runId: 'run-1' });

    const response = await handler(batch(copy));
    release();
    await first;

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: copy.messageId }] });
    const seconds = visibilityChanges()[0]?.Entries?.[0]?.VisibilityTimeout ?? 0;
    expect(seconds).toBeGreaterThanOrEqual(70);
    expect(seconds).toBeLessThanOrEqual(80);
    expect(history.list()).toHaveLength(1);
  });
});

describe('a job body that outlives its attempt (it ignores its signal)', () => {
  function stubborn() {
    let letGo!: () => void;
    const mayEnd = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const job = defineJob({
      name: 'stubborn',
      retries: 1,
      run: async () => {
        await mayEnd; // ignores ctx.signal
      },
    });
    return { job, letGo };
  }
  const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

  // Lambda freezes a sandbox between invocations, and thaws it for the next: a pending body
  // would resume then, beside the next invocation's bodies.
  it("has its sandbox recycled, after the batch's messages are settled by the worker itself", async () => {
    const { job, letGo } = stubborn();
    const recycled: number[] = [];
    const { handler } = setup([job, succeeds], {
      recordingReserveMs: 50,
      recycle: () => recycled.push(Date.now()),
    });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const slow = record({ job: 'stubborn' });
    const quick = record({ job: 'succeeds' });

    const response = await handler(batch(slow, quick), context(300));
    letGo();

    expect(recycled).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: slow.messageId }]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [{ Id: '0', ReceiptHandle: quick.receiptHandle }],
      },
    ]);
    expect(visibilityChanges()[0]?.Entries?.[0]?.ReceiptHandle).toBe(slow.receiptHandle);
  });

  it('keeps the sandbox when every body ended with its attempt', async () => {
    const recycled: number[] = [];
    const { handler } = setup([succeeds], { recycle: () => recycled.push(Date.now()) });

    await handler(batch(record({ job: 'succeeds' })), context(300));

    expect(recycled).toEqual([]);
  });

  it('leaves a delivery of its run for later while it still runs here', async () => {
    const { job, letGo } = stubborn();
    const { handler } = setup([job], { recordingReserveMs: 50 });
    await handler(batch(record({ job: 'stubborn', runId: 'run-1' })), context(300));
    const retry = record({ job: 'stubborn', runId: 'run-1' });

    const response = await handler(batch(retry), context(200));
    letGo();

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: retry.messageId }] });
    expect(visibilityChanges().at(-1)?.Entries).toEqual([
      { Id: '0', ReceiptHandle: retry.receiptHandle, VisibilityTimeout: 30 },
    ]);
  });
});

describe('a history store that fails to record an outcome', () => {
  function storeFailingOnComplete(): ExecutionStore {
    const store = new InMemoryExecutionStore();
    return {
      start: (execution) => store.start(execution),
      complete: async () => {
        throw new Error('Rate exceeded');
      },
      record: (execution) => store.record(execution),
      getRun: (jobName, runId) => store.getRun(jobName, runId),
    };
  }

  it('leaves the message for redelivery after the queue’s own visibility timeout', async () => {
    const { handler } = setup([succeeds], { executionStore: storeFailingOnComplete() });
    const message = record({ job: 'succeeds' });

    const response = await handler(batch(message));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(visibilityChanges()).toEqual([]);
  });

  it('logs one error whose replay holds the outcome to write', async () => {
    const { handler, logger } = setup([succeeds], { executionStore: storeFailingOnComplete() });

    await handler(batch(record({ job: 'succeeds' })));

    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.attributes.replay).toEqual({
      operation: 'complete',
      execution: expect.objectContaining({ jobName: 'succeeds', status: 'succeeded' }),
    });
    expect(errors[0]?.attributes.error).toEqual({ name: 'Error', message: 'Rate exceeded' });
  });
});

describe('a visibility change that SQS refuses', () => {
  it('does not fail the batch, and is logged as a warning', async () => {
    const { handler, logger } = setup([failing(2)]);
    sqs.on(ChangeMessageVisibilityBatchCommand).rejects(new Error('Access denied'));
    const message = record({ job: 'fails' });

    const response = await handler(batch(message));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toMatchObject([
      { attributes: { queueUrl: QUEUE_URL, error: { message: 'Access denied' } } },
    ]);
  });

  it('logs each entry SQS reports as failed', async () => {
    const { handler, logger } = setup([failing(2)]);
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'gone' }],
    });

    await handler(batch(record({ job: 'fails' })));

    expect(logger.entries.filter((entry) => entry.level === 'warn')).toMatchObject([
      { attributes: { queueUrl: QUEUE_URL, code: 'ReceiptHandleIsInvalid', reason: 'gone' } },
    ]);
  });
});

describe('a batch of more than ten messages to send back', () => {
  it('changes their visibility ten at a time', async () => {
    const { handler } = setup([failing(2)]);
    const messages = Array.from({ length: 12 }, () => record({ job: 'fails' }));

    await handler(batch(...messages));

    expect(visibilityChanges().map((change) => change.Entries?.length)).toEqual([10, 2]);
  });
});

describe('a direct invocation', () => {
  it('runs the job once and returns its execution', async () => {
    const { handler } = setup([succeeds]);

    const execution: Execution = await handler({ job: 'succeeds', input: { day: 'monday' } });

    expect(execution).toMatchObject({
      jobName: 'succeeds',
      trigger: 'manual',
      triggeredBy: 'lambda-invoke',
      input: { day: 'monday' },
      attempt: 1,
      status: 'succeeded',
    });
  });

  it('refuses an event that names another job than the function runs, writing nothing', async () => {
    const { handler, history } = setup([succeeds]);

    const invoking = handler({ job: 'another-job' });

    await expect(invoking).rejects.toThrow(
      'The message names job "another-job", but this function runs job "succeeds" only',
    );
    expect(history.list()).toEqual([]);
  });

  it('throws InvalidRunMessageError for an event that is not a run message', async () => {
    const { handler } = setup([succeeds]);

    const invoking = handler({ jobb: 'succeeds' } as never);

    await expect(invoking).rejects.toThrow(InvalidRunMessageError);
    await expect(invoking).rejects.toThrow(/jobb/);
  });
});

describe('the Lambda deadline', () => {
  const slow = defineJob({
    name: 'slow',
    timeout: 60,
    run: (ctx) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        ctx.signal.addEventListener('abort', () => clearTimeout(timer));
      }),
  });
  const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops a run well before its own timeout, keeping time to record it', async () => {
    const { handler } = setup([slow], { recordingReserveMs: 100 });

    const invoking = handler({ job: 'slow' }, context(300));
    await vi.advanceTimersByTimeAsync(300);
    const execution = await invoking;

    expect(execution).toMatchObject({ status: 'timed_out', error: { name: 'JobTimeoutError' } });
    expect(execution.durationMs).toBe(200);
  });

  it('reaches the runs of an SQS batch', async () => {
    const { handler, history } = setup([slow], { recordingReserveMs: 100 });

    const invoking = handler(batch(record({ job: 'slow' })), context(300));
    await vi.advanceTimersByTimeAsync(300);
    await invoking;

    expect(history.list()).toMatchObject([{ status: 'timed_out', willRetry: true }]);
  });
});
