// The executor on real DynamoDB wire protocol (dynalite on loopback): its cost per run against
// two raw PutItem calls on the same server (target: at most 1.3x), and the DynamoDB round trips
// a successful run makes (target: 2). The raw calls write the same execution record the store
// writes (a hand-written "put running, put outcome"), so the ratio is what the executor and the
// store add; the ratio to two puts of a three-attribute item is printed too, since dynalite's
// cost grows with the item and its index entries.

import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb';
import { createExecutor } from '../shared/executor/executor';
import { newRunId } from '../shared/executor/run-id';
import { defineJob } from '../shared/job/define-job';
import { JobResult } from '../shared/job/job-result';
import { CachedJobStateStore } from '../shared/stores/cached-job-state-store';
import { DynamoDbExecutionStore } from '../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../shared/stores/dynamodb/dynamodb-job-state-store';
import { dayPartitionOf } from '../shared/stores/dynamodb/run-buckets';
import { median, report } from './report';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const RUNS = Number(process.env.RUNS ?? 400);
const ROUNDS = 5;

const nightly = defineJob({
  name: 'nightly-export',
  schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
  run: async () => JobResult.success('exported').withMetadata('rows', 120),
});

async function main(): Promise<void> {
  const dynamoDb = await startEmbeddedDynamoDb();
  const tables = {
    executions: 'bench-executions',
    jobState: 'bench-job-state',
    alertConfig: 'bench-alert-config',
  };
  await dynamoDb.createTables(tables);
  const client = dynamoDb.createClient();
  let calls = 0;
  client.middlewareStack.add(
    (next) => (args) => {
      calls++;
      return next(args);
    },
    { step: 'initialize', name: 'count-calls' },
  );

  const executor = createExecutor({
    jobs: [nightly],
    executionStore: new DynamoDbExecutionStore({ client, tableName: tables.executions }),
    jobStateStore: new CachedJobStateStore(
      new DynamoDbJobStateStore({ client, tableName: tables.jobState }),
    ),
    enqueuer: { enqueue: async () => {} },
  });
  const documents = DynamoDBDocumentClient.from(client);
  const tinyPutPair = async (index: number) => {
    const item = {
      jobName: { S: 'raw-put' },
      runId: { S: newRunId(Date.now()) },
      sequence: { N: String(index) },
    };
    await client.send(new PutItemCommand({ TableName: tables.executions, Item: item }));
    await client.send(new PutItemCommand({ TableName: tables.executions, Item: item }));
  };
  const recordPutPair = async () => {
    const runId = newRunId(Date.now());
    const startedAt = new Date().toISOString();
    const running = {
      jobName: 'raw-put',
      runId,
      attempt: 1,
      maxAttempts: 4,
      trigger: 'schedule',
      triggeredBy: 'scheduler',
      scheduledTime: startedAt,
      idempotencyKey: `schedule:raw-put@${startedAt}`,
      status: 'running',
      startedAt,
      leaseExpiresAt: new Date(Date.now() + 62_000).toISOString(),
    };
    const item = {
      ...running,
      attempt_1: running,
      latestAttempt: 1,
      startedKey: `${startedAt}#${runId}`,
      startedDay: dayPartitionOf(startedAt.slice(0, 10), runId),
      updatedAt: startedAt,
      expiresAt: Math.floor(Date.now() / 1000) + 90 * 86_400,
    };
    const outcome = { ...running, status: 'succeeded', completedAt: startedAt, durationMs: 1 };
    await documents.send(new PutCommand({ TableName: tables.executions, Item: item }));
    await documents.send(
      new PutCommand({
        TableName: tables.executions,
        Item: { ...item, ...outcome, attempt_1: outcome },
      }),
    );
  };
  let tick = Date.parse('2026-01-01T02:00:00Z');
  const scheduledRun = () => {
    tick += 86_400_000;
    return executor.execute({
      jobName: 'nightly-export',
      trigger: 'schedule',
      scheduledTime: new Date(tick).toISOString(),
    });
  };

  // Warm both paths (connections, JIT, the job-state cache) before measuring.
  for (let index = 0; index < 50; index++) {
    await tinyPutPair(index);
    await recordPutPair();
    await scheduledRun();
  }

  const tinyTimes: number[] = [];
  const rawTimes: number[] = [];
  const executorTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    tinyTimes.push(await timePerRun(RUNS, tinyPutPair));
    rawTimes.push(await timePerRun(RUNS, recordPutPair));
    executorTimes.push(await timePerRun(RUNS, scheduledRun));
  }
  calls = 0;
  const execution = await scheduledRun();
  const roundTrips = calls;

  const tiny = median(tinyTimes);
  const raw = median(rawTimes);
  const executed = median(executorTimes);
  const rounds = `median of ${ROUNDS} rounds of ${RUNS}`;
  report('dynalite: two raw PutItem calls, the execution record', raw, 'µs', rounds);
  report('dynalite: two raw PutItem calls, a 3-attribute item', tiny, 'µs', rounds);
  report('dynalite: executor run (claim + outcome), schedule tick', executed, 'µs', rounds);
  report('dynalite: executor run / two PutItem of the record', executed / raw, 'x', 'target ≤ 1.3');
  report('dynalite: executor run / two PutItem of a tiny item', executed / tiny, 'x');
  report(
    'dynalite: DynamoDB round trips per successful run',
    roundTrips,
    'calls',
    `status ${execution.status}; target 2`,
  );
  client.destroy();
  await dynamoDb.stop();
}

async function timePerRun(
  runs: number,
  once: (index: number) => Promise<unknown>,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < runs; index++) await once(index);
  return Number(process.hrtime.bigint() - started) / 1000 / runs;
}

await main();
