import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../../../shared/executor/executor';
import { runIdForKey } from '../../../shared/executor/run-id';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { createWorkerHandler } from '../../../shared/worker/worker-handler';

// A message the worker cannot run or record as it is (sent by hand, or by code that skipped
// the API's checks) is recorded as rejected under the run id it asks for, where its sender
// looks, and dead-lettered at once rather than redelivered until SQS gives up.

const sqs = mockClient(SQSClient);
// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  sqs.restore();
});

afterEach(() => {
  sqs.reset();
});

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:jobs_tally';

const tally = defineJob({ name: 'tally', run: async () => JobResult.success('counted') });

function setup() {
  const history = new InMemoryExecutionStore();
  const executor = createExecutor({
    jobs: [tally],
    executionStore: history,
    jobStateStore: new InMemoryJobStateStore(),
    enqueuer: { enqueue: async () => {} },
  });
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dead-letter-1' });
  const handler = createWorkerHandler({
    executor,
    sqsClient: new SQSClient({ region: 'eu-west-1' }),
    backoff: { baseSeconds: 10, jitter: 0 },
  });
  return { handler, history };
}

function event(body: string, messageId = 'message-1'): SQSEvent {
  const record: SQSRecord = {
    messageId,
    receiptHandle: `receipt-of-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1780304400000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1780304400000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'eu-west-1',
  };
  return { Records: [record] };
}

describe('a message with input history cannot store', () => {
  it('is rejected under its own run id, with the field and the limit, and dead-lettered at once', async () => {
    const { handler, history } = setup();

    const response = await handler(
      event('{"job":"tally","trigger":"api","runId":"run-1e20","input":{"n":1e20}}'),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const [rejected] = await history.getRun('tally', 'run-1e20');
    expect(rejected).toMatchObject({
      status: 'rejected',
      willRetry: false,
      message: expect.stringContaining(
        'input.n: 100000000000000000000 is beyond the numbers history stores exactly',
      ),
    });
    expect(rejected).not.toHaveProperty('input');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('with an idempotency key over 512 characters is rejected under that key’s run id', async () => {
    const { handler, history } = setup();
    const idempotencyKey = 'k'.repeat(600);

    await handler(event(JSON.stringify({ job: 'tally', idempotencyKey })));

    expect(await history.getRun('tally', runIdForKey('tally', idempotencyKey))).toEqual([
      expect.objectContaining({
        status: 'rejected',
        message: expect.stringContaining('idempotencyKey: is 600 characters, over the 512'),
      }),
    ]);
  });

  it('without a legible run id is rejected under the id of its SQS message, as before', async () => {
    const { handler, history } = setup();

    await handler(event('{"job":"tally","runId":"","input":[1e400]}', 'message-9'));

    expect(await history.getRun('tally', runIdForKey('tally', 'sqs-message:message-9'))).toEqual([
      expect.objectContaining({ status: 'rejected' }),
    ]);
  });
});
