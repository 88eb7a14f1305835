import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { QueuePoller } from '../../local/queue-poller';
import { RunTrigger } from '../../shared/control/run-trigger';
import { SqsEnqueuer } from '../../shared/delivery/sqs-enqueuer';
import { CLAIM_CONDITIONS } from '../../shared/executor/claim-condition';
import { replayHistoryWrite } from '../../shared/executor/history-writes';
import { defineJob } from '../../shared/job/define-job';
import type { AnyJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { MemoryLogger } from '../../shared/logging/memory-logger';
import { ResourceNames } from '../../shared/naming/resource-names';
import { claimConditionExpression } from '../../shared/stores/dynamodb/claim-condition-expression';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../../shared/stores/dynamodb/dynamodb-job-state-store';
import { createWorker } from '../../shared/worker/create-worker';
import { createUniqueTables, useDynamoDb, useSqs } from '../support/aws-test-servers';
import {
  type Denial,
  enforceWorkerGrants,
  workerDynamoDbGrants,
} from '../support/worker-iam-guard';

const dynamoDb = useDynamoDb();
const sqs = useSqs();

/** A job's queue (with its DLQ), fresh tables, and a worker polling that queue. */
async function setup(
  jobs: AnyJobDefinition[],
  options: {
    maxReceiveCount?: number;
    dynamoDbClient?: DynamoDBClient;
    jobStateCacheMs?: number;
  } = {},
) {
  const tables = await createUniqueTables(dynamoDb.current);
  const names = new ResourceNames(`t${randomUUID().slice(0, 8)}`);
  const sqsClient = sqs.current.createClient();
  const queues = new Map(
    jobs.map((job) => [
      job.name as string,
      sqs.current.createQueueWithDlq(names.job(job.name as string), {
        maxReceiveCount: options.maxReceiveCount ?? 3,
        visibilityTimeoutSeconds: 30,
      }),
    ]),
  );
  const logger = new MemoryLogger();
  const dynamoDbClient = options.dynamoDbClient ?? dynamoDb.current.createClient();
  // Every test's worker calls DynamoDB under the IAM policy the CDK app gives its job's role, as
  // on AWS: a call outside its own job's items fails with AccessDeniedException. No code path of
  // a worker may make one, so every test ends by checking that none was made. (A worker of
  // several jobs here may do what each of their roles may.)
  const denials: Denial[] = enforceWorkerGrants(
    dynamoDbClient,
    jobs.flatMap(workerDynamoDbGrants),
    tables,
  );
  onTestFinished(() => {
    expect(denials, 'DynamoDB calls the worker role would be denied').toEqual([]);
  });
  const worker = createWorker({
    jobs,
    names,
    tables,
    dynamoDbClient,
    sqsClient,
    queues: sqs.current.queueLocator(names),
    queueUrlForArn: sqs.current.queueUrlForArn,
    backoff: { baseSeconds: 1, jitter: 0 },
    jobStateCacheMs: options.jobStateCacheMs ?? 0,
    writeRetry: { baseDelayMs: 5 },
    logger,
  });
  const queueOf = (jobName: string) => {
    const queue = queues.get(jobName);
    if (!queue) throw new Error(`no queue for ${jobName}`);
    return queue;
  };
  const pollerFor = (jobName: string) =>
    new QueuePoller({
      sqsClient,
      queueUrl: queueOf(jobName).url,
      queueArn: queueOf(jobName).arn,
      handler: worker.handler,
    });
  const send = (jobName: string, body: unknown) =>
    sqsClient.send(
      new SendMessageCommand({
        QueueUrl: queueOf(jobName).url,
        MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const deadLetters = async (jobName: string) => {
    const received = await sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueOf(jobName).dlqUrl, MaxNumberOfMessages: 10 }),
    );
    return (received.Messages ?? []).map((message) => message.Body);
  };
  // What the tests read history with: an operator's view, outside the worker's role.
  const history = new DynamoDbExecutionStore({
    client: dynamoDb.current.createClient(),
    tableName: tables.executions,
  });
  return {
    worker,
    history,
    tables,
    sqsClient,
    queueOf,
    pollerFor,
    send,
    deadLetters,
    logger,
    names,
  };
}

/** Polls until `done` holds, a batch at a time, failing after `timeoutMs`. */
async function pollUntil(poller: QueuePoller, done: () => Promise<boolean>, timeoutMs = 10_000) {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > giveUpAt) throw new Error('condition not reached in time');
    const handled = await poller.pollOnce();
    if (handled === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the worker on fauxqs and dynalite', () => {
  it('sends messages that can never run to the DLQ on their first receive, while batch-mates succeed', async () => {
    const ran: string[] = [];
    const greet = defineJob({
      name: 'greet',
      input: z.object({ who: z.string() }),
      run: async (ctx) => {
        ran.push(ctx.input.who);
        return JobResult.success();
      },
    });
    const { history, pollerFor, sqsClient, queueOf, deadLetters } = await setup([greet], {
      maxReceiveCount: 3,
    });
    await sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: queueOf('greet').url,
        Entries: [
          { Id: 'a', MessageBody: JSON.stringify({ job: 'greet', input: { who: 'ada' } }) },
          { Id: 'poison', MessageBody: '{not json' },
          { Id: 'b', MessageBody: JSON.stringify({ job: 'greet', input: { who: 'bo' } }) },
          { Id: 'bad-input', MessageBody: JSON.stringify({ job: 'greet', input: { who: 7 } }) },
        ],
      }),
    );

    const poller = pollerFor('greet');
    await poller.pollOnce();

    expect(await deadLetters('greet')).toHaveLength(2);
    expect(ran.sort()).toEqual(['ada', 'bo']);
    const recent = await history.listRuns('greet', { limit: 10 });
    const byStatus = recent.items.map((run) => [run.status, run.attempt]).sort();
    expect(byStatus).toEqual([
      ['rejected', 1],
      ['rejected', 1],
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
    const rejected = recent.items.filter((run) => run.status === 'rejected');
    expect(rejected.map((run) => run.error?.name).sort()).toEqual([
      'InputValidationError',
      'InvalidRunMessageError',
    ]);
  });

  it('records a message that names another job under its own job, and dead-letters it at once', async () => {
    const greet = defineJob({ name: 'greet', run: async () => JobResult.success() });
    const { history, pollerFor, send, deadLetters } = await setup([greet]);
    await send('greet', { job: 'payroll', input: { month: '2026-11' } });

    await pollerFor('greet').pollOnce();

    expect(await deadLetters('greet')).toEqual([
      JSON.stringify({ job: 'payroll', input: { month: '2026-11' } }),
    ]);
    const runs = await history.listRuns('greet');
    expect(runs.items).toMatchObject([
      {
        jobName: 'greet',
        status: 'rejected',
        error: { message: expect.stringContaining('names job "payroll"') },
      },
    ]);
  });

  it('gives a run every retry even when a receive of its message ran nothing', async () => {
    let calls = 0;
    const fragile = defineJob({
      name: 'fragile',
      retries: 1,
      run: async () => {
        calls++;
        throw new Error(`call ${calls} fails`);
      },
    });
    const { history, pollerFor, send, sqsClient, queueOf, deadLetters } = await setup([fragile], {
      maxReceiveCount: 6,
    });
    await send('fragile', { job: 'fragile', runId: 'fragile-run' });
    // A receive that ran nothing, as when Lambda's invocation is throttled: SQS counts it.
    await sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueOf('fragile').url, VisibilityTimeout: 0 }),
    );

    await pollUntil(pollerFor('fragile'), async () => (await deadLetters('fragile')).length === 1);

    expect(calls).toBe(2);
    const attempts = await history.getRun('fragile', 'fragile-run');
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.willRetry])).toEqual(
      [
        [1, 'failed', true],
        [2, 'failed', false],
      ],
    );
  });

  // The bound is the 30 s visibility timeout, not the 1 s backoff: room for a busy machine.
  it('retries a failed attempt after a backoff, not after the visibility timeout', {
    timeout: 40_000,
  }, async () => {
    let calls = 0;
    const flaky = defineJob({
      name: 'flaky',
      retries: 2,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return JobResult.success('second call works');
      },
    });
    const { history, pollerFor, send } = await setup([flaky]);
    await send('flaky', { job: 'flaky', runId: 'flaky-run-1' });
    const poller = pollerFor('flaky');

    const failedAt = Date.now();
    await poller.pollOnce();
    expect(await poller.pollOnce()).toBe(0);
    await pollUntil(poller, async () => calls === 2, 25_000);
    const retriedAfterMs = Date.now() - failedAt;

    // backoff 1 s (jitter off) against a 30 s visibility timeout
    expect(retriedAfterMs).toBeGreaterThanOrEqual(900);
    expect(retriedAfterMs).toBeLessThan(30_000);
    const attempts = await history.getRun('flaky', 'flaky-run-1');
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
  });

  it('runs the body once for 20 concurrent deliveries of one tick', async () => {
    let bodies = 0;
    const tick = defineJob({
      name: 'tick',
      schedule: { rate: '1 hour' },
      run: async () => {
        bodies++;
        await sleep(50);
        return JobResult.success();
      },
    });
    const { history, worker, queueOf } = await setup([tick]);
    const message = JSON.stringify({
      job: 'tick',
      trigger: 'schedule',
      scheduledTime: '2026-11-23T10:00:00Z',
    });
    const records = Array.from({ length: 20 }, (_, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body: message,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'scheduler',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueOf('tick').arn,
      awsRegion: 'us-east-1',
    }));

    const responses = await Promise.all(
      records.map((record) => worker.handler({ Records: [record] })),
    );

    expect(bodies).toBe(1);
    const runs = await history.listRuns('tick', { limit: 50 });
    const statuses = runs.items.map((run) => run.status);
    expect(statuses.filter((status) => status === 'succeeded')).toHaveLength(1);
    // A delivery that found the tick in flight stays on its queue until the attempt's lease
    // ends; one that found it done is recorded as a duplicate and deleted.
    const leftOnQueue = responses.flatMap((response) => response.batchItemFailures).length;
    const duplicates = runs.items.filter((run) => run.skipReason === 'duplicate').length;
    expect(leftOnQueue + duplicates).toBe(19);
  });

  it('honours a pause made before a redeploy, and runs ticks again after resume', async () => {
    const ran: string[] = [];
    const nightly = defineJob({
      name: 'nightly',
      schedule: { cron: '0 2 * * *' },
      run: async (ctx) => {
        ran.push(ctx.scheduledTime?.toISOString() ?? '');
        return JobResult.success();
      },
    });
    const { history, tables, pollerFor, send, worker } = await setup([nightly]);
    await new DynamoDbJobStateStore({
      client: dynamoDb.current.createClient(),
      tableName: tables.jobState,
    }).setPaused('nightly', true, 'ops@example.com');

    await send('nightly', {
      job: 'nightly',
      trigger: 'schedule',
      scheduledTime: '2026-11-23T02:00:00Z',
    });
    await pollerFor('nightly').pollOnce();
    await worker.jobStateStore.setPaused('nightly', false);
    await send('nightly', {
      job: 'nightly',
      trigger: 'schedule',
      scheduledTime: '2026-11-24T02:00:00Z',
    });
    await pollerFor('nightly').pollOnce();

    expect(ran).toEqual(['2026-11-24T02:00:00.000Z']);
    const runs = await history.listRuns('nightly');
    const skipped = runs.items.find((run) => run.status === 'skipped');
    expect(skipped).toMatchObject({ skipReason: 'paused', scheduledTime: '2026-11-23T02:00:00Z' });
    expect(skipped?.message).toContain('ops@example.com');
  });

  it('runs a "trigger now" from the API under the run id it answered with', async () => {
    const report = defineJob({
      name: 'report',
      input: z.object({ month: z.string() }),
      run: async (ctx) => JobResult.success(`report for ${ctx.input.month}`),
    });
    const { history, worker, pollerFor, sqsClient, names } = await setup([report]);
    const runTrigger = new RunTrigger({
      jobs: worker.executor.jobs,
      enqueuer: new SqsEnqueuer({ sqsClient, queues: sqs.current.queueLocator(names) }),
      history,
    });

    const { runId } = await runTrigger.trigger('report', {
      input: { month: '2026-10' },
      triggeredBy: 'alice',
    });
    await pollerFor('report').pollOnce();

    const [attempt] = await history.getRun('report', runId);
    expect(attempt).toMatchObject({
      status: 'succeeded',
      trigger: 'api',
      triggeredBy: 'alice',
      message: 'report for 2026-10',
    });
  });

  it('costs two DynamoDB round trips for a successful tick once job state is cached', async () => {
    const hourly = defineJob({
      name: 'hourly',
      schedule: { rate: '1 hour' },
      run: async () => JobResult.success(),
    });
    const dynamoDbClient = dynamoDb.current.createClient();
    const calls: string[] = [];
    dynamoDbClient.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'count-calls' },
    );
    const { send, pollerFor } = await setup([hourly], { dynamoDbClient, jobStateCacheMs: 60_000 });
    await send('hourly', {
      job: 'hourly',
      trigger: 'schedule',
      scheduledTime: '2026-11-23T10:00:00Z',
    });
    await pollerFor('hourly').pollOnce();
    calls.length = 0;

    await send('hourly', {
      job: 'hourly',
      trigger: 'schedule',
      scheduledTime: '2026-11-23T11:00:00Z',
    });
    await pollerFor('hourly').pollOnce();

    expect(calls).toEqual(['PutItemCommand', 'PutItemCommand']);
  });

  it('retries a throttled history write and keeps the result', async () => {
    const report = defineJob({ name: 'report', run: async () => JobResult.success('42 rows') });
    const dynamoDbClient = dynamoDb.current.createClient();
    let throttled = 0;
    injectThrottling(dynamoDbClient, () => throttled++ < 2);
    const { history, send, pollerFor } = await setup([report], { dynamoDbClient });

    await send('report', { job: 'report', runId: 'throttled-run' });
    await pollerFor('report').pollOnce();

    expect(throttled).toBeGreaterThanOrEqual(2);
    const [attempt] = await history.getRun('report', 'throttled-run');
    expect(attempt).toMatchObject({ status: 'succeeded', message: '42 rows' });
  });

  it('leaves the message and logs a replayable line when history stays unavailable', async () => {
    const report = defineJob({ name: 'report', run: async () => JobResult.success('done') });
    const dynamoDbClient = dynamoDb.current.createClient();
    let outage = true;
    injectThrottling(dynamoDbClient, (input) => outage && !isStart(input));
    const { history, send, pollerFor, logger, queueOf } = await setup([report], {
      dynamoDbClient,
    });

    await send('report', { job: 'report', runId: 'lost-write' });
    await pollerFor('report').pollOnce();

    const line = logger.entries.find((entry) => entry.message.startsWith('History write failed'));
    expect(line?.attributes.replay).toMatchObject({
      operation: 'complete',
      execution: { runId: 'lost-write', status: 'succeeded', message: 'done' },
    });
    const inspected = sqs.current.server.inspectQueue(queueOf('report').url.split('/').pop() ?? '');
    expect(inspected?.messages.inflight).toHaveLength(1);
    outage = false;
    await replayHistoryWrite(JSON.stringify(line?.attributes), history);
    const [attempt] = await history.getRun('report', 'lost-write');
    expect(attempt).toMatchObject({ status: 'succeeded', message: 'done' });
  });
});

/** A write that claims a first attempt (the later ones are updates), by the claim rule's expression. */
function isStart(input: HistoryWrite): boolean {
  return input.ConditionExpression === FIRST_CLAIM_EXPRESSION;
}

const FIRST_CLAIM_EXPRESSION = claimConditionExpression(CLAIM_CONDITIONS.first, {
  jobName: 'report',
  runId: 'lost-write',
  attempt: 1,
  maxAttempts: 1,
  trigger: 'manual',
  status: 'running',
  startedAt: '2026-06-01T09:00:00.000Z',
}).expression;

interface HistoryWrite {
  readonly UpdateExpression?: string;
  readonly Item?: unknown;
  readonly ConditionExpression?: string;
}

/**
 * Makes the store's DynamoDB client answer writes with a throttling error while `when`
 * holds, before the SDK's own retries see the request, so that the store's retries are tested.
 */
function injectThrottling(client: DynamoDBClient, when: (input: HistoryWrite) => boolean): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as HistoryWrite;
      const isWrite = input.UpdateExpression !== undefined || input.Item !== undefined;
      if (isWrite && when(input)) {
        const error = new Error('Rate of requests exceeds the allowed throughput');
        error.name = 'ProvisionedThroughputExceededException';
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name: `throttle-${randomUUID()}` },
  );
}
