import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QueuePoller } from '../../local/queue-poller';
import { RunTrigger } from '../../shared/control/run-trigger';
import { SqsEnqueuer } from '../../shared/delivery/sqs-enqueuer';
import { UnstorableRecordError } from '../../shared/errors';
import type { Execution } from '../../shared/executor/execution';
import { JobRegistry } from '../../shared/executor/job-registry';
import { defineJob } from '../../shared/job/define-job';
import { JobResult } from '../../shared/job/job-result';
import { ResourceNames } from '../../shared/naming/resource-names';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { createWorker } from '../../shared/worker/create-worker';
import {
  awsTestServerNames,
  createUniqueTables,
  useDynamoDb,
  useSqs,
} from '../support/aws-test-servers';

// What history cannot store as it is, against a real wire protocol: dynalite (or moto with
// JOBS_TEST_AWS=moto) for DynamoDB, fauxqs for SQS.

const dynamoDb = useDynamoDb();
const sqs = useSqs();

const STARTED = '2026-06-01T09:00:00.000Z';

async function storeWithTries() {
  const tables = await createUniqueTables(dynamoDb.current);
  const waits: number[] = [];
  const store = new DynamoDbExecutionStore({
    client: dynamoDb.current.createClient(),
    tableName: tables.executions,
    writeRetry: { sleep: async (ms) => void waits.push(ms) },
  });
  return { store, waits, tables };
}

function execution(overrides: Partial<Execution> = {}): Execution {
  return {
    jobName: 'tally',
    runId: `run-${randomUUID()}`,
    attempt: 1,
    maxAttempts: 3,
    trigger: 'api',
    status: 'failed',
    startedAt: STARTED,
    completedAt: '2026-06-01T09:00:01.000Z',
    willRetry: false,
    ...overrides,
  };
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe(`history on ${awsTestServerNames.dynamoDb}: cursors that are not this list's`, () => {
  it.each([
    ['a key of a foreign shape', { list: 'byJob', key: { foo: 'bar' } }],
    [
      'a key without the index’s sort key',
      { list: 'byJob', key: { jobName: 'tally', runId: 'r' } },
    ],
    [
      'another job’s key',
      { list: 'byJob', key: { jobName: 'other', runId: 'r', startedKey: `${STARTED}#r` } },
    ],
    [
      'a key over DynamoDB’s key size',
      { list: 'byJob', key: { jobName: 'tally', runId: 'r'.repeat(2000), startedKey: 's' } },
    ],
    [
      'a key with a number',
      { list: 'byJob', key: { jobName: 'tally', runId: 1, startedKey: 's' } },
    ],
  ])('refuses %s as an invalid cursor, not a failure of the store', async (_what, cursor) => {
    const { store } = await storeWithTries();

    await expect(store.listRuns('tally', { cursor: cursorOf(cursor) })).rejects.toMatchObject({
      name: 'InvalidCursorError',
    });
  });

  it('refuses a cursor of one job’s runs for another job’s', async () => {
    const { store } = await storeWithTries();
    for (const minute of [1, 2, 3]) {
      await store.record(
        execution({ jobName: 'tally', startedAt: `2026-06-01T09:0${minute}:00.000Z` }),
      );
    }
    const page = await store.listRuns('tally', { limit: 1 });

    expect(page.nextCursor).toBeDefined();
    await expect(store.listRuns('other', { cursor: page.nextCursor ?? '' })).rejects.toMatchObject({
      name: 'InvalidCursorError',
    });
    const rest = await store.listRuns('tally', { cursor: page.nextCursor ?? '' });
    expect(rest.items.map((run) => run.jobName)).toEqual(['tally', 'tally']);
  });
});

describe(`history on ${awsTestServerNames.dynamoDb}: writes refused for good`, () => {
  it('are not tried again, and say so: a run id over the key limit', async () => {
    const { store, waits } = await storeWithTries();

    const recording = store.record(execution({ runId: 'r'.repeat(1025) }));

    await expect(recording).rejects.toThrow(UnstorableRecordError);
    await expect(recording).rejects.toMatchObject({
      cause: expect.objectContaining({ name: 'ValidationException' }),
    });
    expect(waits).toEqual([]);
  });

  it('never happen for an input or metadata the document client cannot marshal: both are left out, and say so', async () => {
    const { store } = await storeWithTries();
    const running = execution({
      status: 'running',
      input: { n: 1e20 },
      leaseExpiresAt: '2026-06-01T09:10:00.000Z',
    });
    delete (running as { completedAt?: string }).completedAt;

    await store.start(running);
    await store.complete({
      ...running,
      status: 'succeeded',
      completedAt: '2026-06-01T09:00:01.000Z',
      metadata: { total: 1e20, nested: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) },
      willRetry: false,
    });

    const [stored] = await store.getRun('tally', running.runId);
    expect(stored).toMatchObject({
      status: 'succeeded',
      metadata: { truncated: expect.stringContaining('metadata could not be stored as it was') },
    });
    expect([...(stored?.truncated ?? [])].sort()).toEqual(['input', 'metadata']);
    expect(stored).not.toHaveProperty('input');
  });
});

describe('a run message the queue or history could not take, through SQS to the worker', () => {
  const tally = defineJob({ name: 'tally', run: async () => JobResult.success('counted') });

  async function setup() {
    const tables = await createUniqueTables(dynamoDb.current);
    const names = new ResourceNames(`t${randomUUID().slice(0, 8)}`);
    const sqsClient = sqs.current.createClient();
    const queue = sqs.current.createQueueWithDlq(names.job('tally'), {
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 30,
    });
    const queues = sqs.current.queueLocator(names);
    const worker = createWorker({
      jobs: [tally],
      names,
      tables,
      dynamoDbClient: dynamoDb.current.createClient(),
      sqsClient,
      queues,
      queueUrlForArn: sqs.current.queueUrlForArn,
      jobStateCacheMs: 0,
    });
    const poller = new QueuePoller({
      sqsClient,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: worker.handler,
    });
    const history = new DynamoDbExecutionStore({
      client: dynamoDb.current.createClient(),
      tableName: tables.executions,
    });
    const trigger = new RunTrigger({
      jobs: JobRegistry.from([tally]),
      enqueuer: new SqsEnqueuer({ sqsClient, queues }),
      history,
    });
    const deadLetters = async () =>
      (
        await sqsClient.send(
          new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }),
        )
      ).Messages ?? [];
    return { sqsClient, queue, poller, history, trigger, deadLetters };
  }

  it('sent by hand with a number history cannot store: rejected under its own run id on its first receive, then dead-lettered', async () => {
    const { sqsClient, queue, poller, history, deadLetters } = await setup();
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"job":"tally","trigger":"manual","runId":"run-1e20","input":{"n":1e20}}',
      }),
    );

    await poller.pollOnce();

    expect(await history.getRun('tally', 'run-1e20')).toEqual([
      expect.objectContaining({
        status: 'rejected',
        willRetry: false,
        message: expect.stringContaining('input.n: 100000000000000000000 is beyond'),
      }),
    ]);
    expect(await deadLetters()).toHaveLength(1);
  });

  it('through the API’s trigger: refused before anything is sent', async () => {
    const { trigger, poller } = await setup();

    await expect(
      trigger.trigger('tally', { input: { n: 1e20 }, idempotencyKey: 'k'.repeat(600) }),
    ).rejects.toMatchObject({ name: 'InvalidRunRequestError' });
    expect(await poller.pollOnce()).toBe(0);
  });

  it('with text SQS refuses as it is (U+FFFF): sent escaped, run, and kept as it was', async () => {
    const { trigger, poller, history } = await setup();

    const { runId } = await trigger.trigger('tally', { input: { note: 'end\uffff' } });
    await poller.pollOnce();

    expect(await history.getRun('tally', runId)).toEqual([
      expect.objectContaining({ status: 'succeeded', input: { note: 'end\uffff' } }),
    ]);
  });
});
