import {
  InvalidMessageContents,
  QueueDoesNotExist,
  RequestThrottled,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { OneOffRun, OneOffScheduler } from '../../../shared/delivery/one-off-scheduler';
import type { QueueLocator } from '../../../shared/delivery/queue-locator';
import { SqsEnqueuer } from '../../../shared/delivery/sqs-enqueuer';
import { EnqueueError, InvalidRunRequestError, NonRetriableError } from '../../../shared/errors';
import type { RunRequest } from '../../../shared/executor/run-request';

const sqs = mockClient(SQSClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  sqs.restore();
});

afterEach(() => {
  sqs.reset();
});

const NOW = '2026-06-01T09:00:00.000Z';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_send-invoice';

const queues: QueueLocator = {
  queueFor: (jobName) => ({
    url: `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_${jobName}`,
    arn: `arn:aws:sqs:eu-west-1:123456789012:jobs_${jobName}`,
  }),
  deadLetterQueueFor: (jobName) => ({
    url: `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_${jobName}_dlq`,
    arn: `arn:aws:sqs:eu-west-1:123456789012:jobs_${jobName}_dlq`,
  }),
};

const request: RunRequest = {
  jobName: 'send-invoice',
  input: { invoiceId: 'inv-42' },
  trigger: 'enqueue',
  runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0V',
  idempotencyKey: 'invoice:inv-42',
  triggeredBy: 'job:close-month',
  parent: { jobName: 'close-month', runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0A' },
};

/** A one-off scheduler that remembers what it was asked to schedule. */
function recordingScheduler() {
  const scheduled: OneOffRun[] = [];
  const scheduler: OneOffScheduler = {
    async schedule(run) {
      scheduled.push(run);
      return { scheduleName: `run-${run.request.runId}` };
    },
  };
  return { scheduler, scheduled };
}

function createEnqueuer(options: { oneOff?: OneOffScheduler } = {}) {
  return new SqsEnqueuer({
    sqsClient: new SQSClient({ region: 'eu-west-1' }),
    queues,
    clock: new ManualClock(NOW),
    ...options,
  });
}

function sentInput() {
  return sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
}

function secondsFromNow(seconds: number): Date {
  return new Date(new Date(NOW).getTime() + seconds * 1000);
}

describe('SqsEnqueuer message', () => {
  it("sends the run message to the job's queue", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await createEnqueuer().enqueue({ request });

    expect(sentInput()?.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(sentInput()?.MessageBody ?? '')).toEqual({
      job: 'send-invoice',
      input: { invoiceId: 'inv-42' },
      trigger: 'enqueue',
      runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0V',
      idempotencyKey: 'invoice:inv-42',
      triggeredBy: 'job:close-month',
      parent: { jobName: 'close-month', runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0A' },
    });
  });

  it('leaves the delay to the queue when the run names no time', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await createEnqueuer().enqueue({ request });

    expect(sentInput()).not.toHaveProperty('DelaySeconds');
  });
});

describe('SqsEnqueuer delaySeconds', () => {
  it.each([
    { delaySeconds: 0, expected: 0 },
    { delaySeconds: 30, expected: 30 },
    { delaySeconds: 12.2, expected: 13 },
    { delaySeconds: 899.5, expected: 900 },
    { delaySeconds: 900, expected: 900 },
  ])(
    'delays by $delaySeconds s in the queue as DelaySeconds $expected',
    async ({ delaySeconds, expected }) => {
      sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

      await createEnqueuer().enqueue({ request, delaySeconds });

      expect(sentInput()?.DelaySeconds).toBe(expected);
    },
  );

  it('hands a delay beyond 900 s to the Scheduler as a time that far from now', async () => {
    const { scheduler, scheduled } = recordingScheduler();

    await createEnqueuer({ oneOff: scheduler }).enqueue({ request, delaySeconds: 901 });

    expect(scheduled).toEqual([{ request, at: secondsFromNow(901) }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('rejects a negative delay', async () => {
    const enqueue = createEnqueuer().enqueue({ request, delaySeconds: -1 });

    await expect(enqueue).rejects.toThrow(/delaySeconds must be a number of seconds, 0 or more/);
  });

  it('rejects a delay and a time together', async () => {
    const enqueue = createEnqueuer().enqueue({
      request,
      delaySeconds: 10,
      at: secondsFromNow(10),
    });

    await expect(enqueue).rejects.toThrow(EnqueueError);
  });
});

describe('SqsEnqueuer at', () => {
  it('delays a run due within 900 s in the queue, rounded up to the second', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await createEnqueuer().enqueue({ request, at: secondsFromNow(120.4) });

    expect(sentInput()?.DelaySeconds).toBe(121);
  });

  it('delays a run due exactly 900 s from now in the queue', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await createEnqueuer().enqueue({ request, at: secondsFromNow(900) });

    expect(sentInput()?.DelaySeconds).toBe(900);
  });

  it('sends a run due in the past at once', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await createEnqueuer().enqueue({ request, at: secondsFromNow(-60) });

    expect(sentInput()?.DelaySeconds).toBe(0);
  });

  it('hands a run due more than 900 s from now to the Scheduler', async () => {
    const { scheduler, scheduled } = recordingScheduler();
    const at = secondsFromNow(900.001);

    await createEnqueuer({ oneOff: scheduler }).enqueue({ request, at });

    expect(scheduled).toEqual([{ request, at }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('says what to configure when a later run has no Scheduler to go to', async () => {
    const enqueue = createEnqueuer().enqueue({ request, at: secondsFromNow(3600) });

    await expect(enqueue).rejects.toThrow(EnqueueError);
    await expect(enqueue).rejects.toThrow(
      /at most 15 minutes.*EventBridge Scheduler.*JOBS_SCHEDULE_GROUP and JOBS_SCHEDULER_ROLE_ARN/,
    );
  });

  it('rejects an invalid date', async () => {
    const enqueue = createEnqueuer().enqueue({ request, at: new Date('not a date') });

    await expect(enqueue).rejects.toThrow(/"at" is an invalid date/);
  });
});

describe('SqsEnqueuer errors', () => {
  // SendMessage's InvalidMessageContents: "The message contains characters outside the allowed set."
  it('makes a message the queue refuses for its characters a NonRetriableError naming the refusal', async () => {
    sqs.on(SendMessageCommand).rejects(
      new InvalidMessageContents({
        message: 'Invalid characters found.',
        $metadata: {},
      }),
    );

    const enqueue = createEnqueuer().enqueue({ request });

    await expect(enqueue).rejects.toThrow(NonRetriableError);
    await expect(enqueue).rejects.toMatchObject({
      cause: expect.objectContaining({
        name: 'InvalidRunRequestError',
        issues: [{ path: 'message', message: 'the queue refused it: Invalid characters found.' }],
      }),
    });
  });

  it('explains a missing queue, naming the job and the queue, and asks to deploy', async () => {
    sqs
      .on(SendMessageCommand)
      .rejects(
        new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }),
      );

    const enqueue = createEnqueuer().enqueue({ request });

    await expect(enqueue).rejects.toThrow(EnqueueError);
    await expect(enqueue).rejects.toThrow(
      `Cannot enqueue job "send-invoice": its queue ${QUEUE_URL} does not exist. Deploy the app`,
    );
  });

  it('explains a missing queue reported by its query-protocol error code', async () => {
    const legacy = Object.assign(new Error('The specified queue does not exist.'), {
      name: 'AWS.SimpleQueueService.NonExistentQueue',
    });
    sqs.on(SendMessageCommand).rejects(legacy);

    const enqueue = createEnqueuer().enqueue({ request });

    await expect(enqueue).rejects.toMatchObject({ name: 'EnqueueError', cause: legacy });
  });

  it('rethrows other SQS errors as they are', async () => {
    const throttled = new RequestThrottled({ message: 'Rate exceeded', $metadata: {} });
    sqs.on(SendMessageCommand).rejects(throttled);

    const enqueue = createEnqueuer().enqueue({ request });

    await expect(enqueue).rejects.toBe(throttled);
  });
});

describe('SqsEnqueuer limits', () => {
  it.each([
    ['now', {}],
    ['after an SQS delay', { delaySeconds: 60 }],
    ['at a time for the Scheduler', { delaySeconds: 3600 }],
  ])(
    'refuses a run whose input history cannot store, sent %s, for good and before anything is sent',
    async (_when, timing) => {
      const { scheduler, scheduled } = recordingScheduler();
      sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

      const enqueuing = createEnqueuer({ oneOff: scheduler }).enqueue({
        request: { ...request, input: { total: 1e20 } },
        ...timing,
      });

      await expect(enqueuing).rejects.toThrow(NonRetriableError);
      await expect(enqueuing).rejects.toMatchObject({
        cause: expect.any(InvalidRunRequestError),
        message: expect.stringContaining('input.total: 100000000000000000000 is beyond'),
      });
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
      expect(scheduled).toHaveLength(0);
    },
  );

  it('refuses an idempotency key over 512 characters', async () => {
    const enqueuing = createEnqueuer().enqueue({
      request: { ...request, idempotencyKey: 'k'.repeat(513) },
    });

    await expect(enqueuing).rejects.toThrow(/idempotencyKey: is 513 characters, over the 512/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('sends U+FFFF escaped, as SQS takes only the characters XML allows', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await createEnqueuer().enqueue({ request: { ...request, input: { note: 'end\uffff' } } });

    const body = sentInput()?.MessageBody ?? '';
    expect(body).toContain('"note":"end\\uffff"');
    expect(JSON.parse(body).input).toEqual({ note: 'end\uffff' });
  });
});
