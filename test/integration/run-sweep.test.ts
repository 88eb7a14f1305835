import { type AttributeValue, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { alertReasons } from '../../shared/alerts/alert-rules';
import { createAlertsStreamHandler } from '../../shared/alerts/alerts-stream-handler';
import { ManualClock } from '../../shared/clock/manual-clock';
import type { Execution } from '../../shared/executor/execution';
import { JobRegistry } from '../../shared/executor/job-registry';
import { tickRunId } from '../../shared/executor/schedule-tick';
import { defineJob } from '../../shared/job/define-job';
import { JobResult } from '../../shared/job/job-result';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../../shared/stores/dynamodb/dynamodb-job-state-store';
import { createMissedRunCheck } from '../../shared/sweep/missed-runs';
import { sweepFinding } from '../../shared/sweep/open-runs';
import { createRunSweep } from '../../shared/sweep/run-sweep';
import {
  OPEN_RUN_BUCKETS,
  OPEN_RUNS_INDEX,
  type TableNames,
} from '../../shared/tables/table-definitions';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';
import { appFunctionDynamoDbGrants, enforceWorkerGrants } from '../support/worker-iam-guard';

const dynamoDb = useDynamoDb();

const START = '2026-06-01T09:00:00.000Z';
const LEASE_MS = 72_000;
const leaseEnd = (startedAt = START) => Date.parse(startedAt) + LEASE_MS;

function running(runId: string, overrides: Partial<Execution> = {}): Execution {
  const startedAt = overrides.startedAt ?? START;
  return {
    jobName: 'nightly-import',
    runId,
    attempt: 1,
    maxAttempts: 1,
    trigger: 'schedule',
    status: 'running',
    startedAt,
    leaseExpiresAt: new Date(leaseEnd(startedAt)).toISOString(),
    ...overrides,
  };
}

function ended(execution: Execution, outcome: Partial<Execution>): Execution {
  const { leaseExpiresAt: _lease, ...attempt } = execution;
  return {
    ...attempt,
    status: 'succeeded',
    completedAt: new Date(Date.parse(execution.startedAt) + 5_000).toISOString(),
    durationMs: 5_000,
    willRetry: false,
    ...outcome,
  };
}

/** The tables, the store a worker writes with, and the sweep as the run sweeper's role runs it. */
async function setup() {
  const tables = await createUniqueTables(dynamoDb.current);
  const workerClient = dynamoDb.current.createClient();
  const sweeperClient = dynamoDb.current.createClient();
  onTestFinished(() => {
    workerClient.destroy();
    sweeperClient.destroy();
  });
  // Its calls are checked against the IAM statements the CDK app gives the run sweeper's role:
  // a call the role does not allow fails with AccessDeniedException, as on AWS.
  const denials = enforceWorkerGrants(
    sweeperClient,
    appFunctionDynamoDbGrants((names) => names.runSweeperFunction),
    tables,
  );
  const clock = new ManualClock(START);
  const workerStore = new DynamoDbExecutionStore({
    client: workerClient,
    tableName: tables.executions,
    clock,
  });
  const sweeperStore = new DynamoDbExecutionStore({
    client: sweeperClient,
    tableName: tables.executions,
    clock,
  });
  const sweeper = createRunSweep({ store: sweeperStore, clock });
  return {
    tables,
    workerClient,
    sweeperClient,
    workerStore,
    sweeperStore,
    sweeper,
    clock,
    denials,
  };
}

async function rawItem(
  client: ReturnType<typeof dynamoDb.current.createClient>,
  tables: TableNames,
  runId: string,
): Promise<Record<string, AttributeValue>> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tables.executions,
      Key: { jobName: { S: 'nightly-import' }, runId: { S: runId } },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`no item for ${runId}`);
  return Item;
}

/** Every (bucket, run id) the open-runs index holds. */
async function openRunsIndex(
  client: ReturnType<typeof dynamoDb.current.createClient>,
  tables: TableNames,
): Promise<{ bucket: number; runId: string; sweepAt: string }[]> {
  const found: { bucket: number; runId: string; sweepAt: string }[] = [];
  for (let bucket = 0; bucket < OPEN_RUN_BUCKETS; bucket++) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tables.executions,
        IndexName: OPEN_RUNS_INDEX,
        KeyConditionExpression: 'openBucket = :bucket',
        ExpressionAttributeValues: { ':bucket': { N: String(bucket) } },
      }),
    );
    for (const item of Items) {
      found.push({ bucket, runId: String(item.runId?.S), sweepAt: String(item.sweepAt?.S) });
    }
  }
  return found;
}

describe(`the run sweep on ${awsTestServerNames.dynamoDb}, under the run sweeper's role`, () => {
  it("ends a run whose last attempt's worker died, in a way the alerts function alerts", async () => {
    const { tables, workerClient, workerStore, sweeper, clock, denials } = await setup();
    await workerStore.start(running('run-killed'));

    clock.set(leaseEnd());
    const report = await sweeper.sweep();

    expect(denials).toEqual([]);
    expect(report).toMatchObject({ due: 1, abandoned: 1, failed: 0 });
    const [attempt] = await workerStore.getRun('nightly-import', 'run-killed');
    expect(attempt).toMatchObject({ status: 'timed_out', willRetry: false });
    // The table's stream hands the alerts function the item's new image, as it is now.
    const alerted: Execution[] = [];
    const handler = createAlertsStreamHandler({
      evaluator: { handle: async (execution) => void alerted.push(execution) },
    });
    const event = {
      Records: [
        {
          eventName: 'MODIFY',
          dynamodb: {
            SequenceNumber: '1',
            NewImage: await rawItem(workerClient, tables, 'run-killed'),
          },
        },
      ],
    } as DynamoDBStreamEvent;
    await handler(event);
    expect(alerted).toHaveLength(1);
    expect(
      alertReasons(alerted[0] as Execution, {
        onFailure: true,
        onSuccess: false,
        onDeadLetter: false,
        onMissed: true,
      }),
    ).toEqual(['failure']);
    expect(await openRunsIndex(workerClient, tables)).toEqual([]);
  });

  it('keeps every open run in the index, spread over its buckets, until it ends', async () => {
    const { tables, workerClient, workerStore, sweeperStore, clock, denials } = await setup();
    const runIds = Array.from({ length: 24 }, (_, index) => `run-${index}`);
    for (const runId of runIds) await workerStore.start(running(runId, { maxAttempts: 2 }));
    const [first, second, third] = runIds;
    await workerStore.complete(ended(running(first ?? ''), { status: 'succeeded' }));
    await workerStore.complete(
      ended(running(second ?? '', { maxAttempts: 2 }), {
        status: 'failed',
        willRetry: true,
        retryBy: '2026-06-01T09:30:00.000Z',
      }),
    );
    await workerStore.complete(ended(running(third ?? ''), { status: 'failed' }));

    const indexed = await openRunsIndex(workerClient, tables);
    clock.set(leaseEnd());
    const due: string[] = [];
    for await (const open of sweeperStore.openRunsDue(new Date(clock.now()).toISOString())) {
      due.push(open.runId);
    }

    expect(denials).toEqual([]);
    expect(indexed.map((entry) => entry.runId).sort()).toEqual(
      runIds.filter((runId) => runId !== first && runId !== third).sort(),
    );
    expect(new Set(indexed.map((entry) => entry.bucket)).size).toBeGreaterThan(2);
    expect(indexed.find((entry) => entry.runId === second)?.sweepAt).toBe(
      '2026-06-01T09:30:00.000Z',
    );
    expect(indexed.find((entry) => entry.runId === 'run-5')?.sweepAt).toBe(
      new Date(leaseEnd()).toISOString(),
    );
    // At the lease's end, the running ones are due; the one waiting for its retry is not.
    expect(due.sort()).toEqual(
      runIds.filter((runId) => ![first, second, third].includes(runId)).sort(),
    );
  });

  it('writes nothing over an outcome the worker recorded after the sweep read the run', async () => {
    const { workerStore, sweeperStore, clock, denials } = await setup();
    const claimed = running('run-late');
    await workerStore.start(claimed);
    clock.set(leaseEnd());
    const [open] = await listDue(sweeperStore, clock);
    const succeeded = ended(claimed, { status: 'succeeded', message: 'imported 3 files' });
    await workerStore.complete(succeeded);

    const finding = sweepFinding(open as Execution, clock.now());
    const written = await sweeperStore.settle(open as Execution, finding?.settled as Execution);

    expect(denials).toEqual([]);
    expect(written).toBe(false);
    expect(await workerStore.getRun('nightly-import', 'run-late')).toEqual([succeeded]);
  });

  it("leaves a dead attempt with retries left to its message's redelivery, which takes it over", async () => {
    const { workerStore, sweeper, clock, denials } = await setup();
    await workerStore.start(running('run-retried', { maxAttempts: 3 }));

    clock.set(leaseEnd());
    const report = await sweeper.sweep();
    const redelivered = running('run-retried', {
      attempt: 2,
      maxAttempts: 3,
      startedAt: new Date(clock.now() + 6 * LEASE_MS).toISOString(),
    });
    const claim = await workerStore.start(redelivered);

    expect(denials).toEqual([]);
    expect(report).toMatchObject({ due: 1, abandonedWillRetry: 1 });
    expect(claim).toEqual({ claimed: true });
    expect(
      (await workerStore.getRun('nightly-import', 'run-retried')).map((attempt) => [
        attempt.status,
        attempt.willRetry,
      ]),
    ).toEqual([
      ['timed_out', true],
      ['running', undefined],
    ]);
  });

  it('writes nothing over a later attempt a delivery claimed after the sweep read the run', async () => {
    const { workerStore, sweeperStore, clock, denials } = await setup();
    await workerStore.start(running('run-taken-over', { maxAttempts: 3 }));
    clock.set(leaseEnd());
    const [open] = await listDue(sweeperStore, clock);
    await workerStore.start(
      running('run-taken-over', {
        attempt: 2,
        maxAttempts: 3,
        startedAt: new Date(clock.now()).toISOString(),
      }),
    );

    const finding = sweepFinding(open as Execution, clock.now());
    const written = await sweeperStore.settle(open as Execution, finding?.settled as Execution);

    expect(denials).toEqual([]);
    expect(written).toBe(false);
    expect(
      (await workerStore.getRun('nightly-import', 'run-taken-over')).map((a) => a.status),
    ).toEqual(['timed_out', 'running']);
  });

  it('ends a run whose promised retry never came, once past its deadline', async () => {
    const { workerStore, sweeper, clock, denials } = await setup();
    const claimed = running('run-lost', { maxAttempts: 3 });
    await workerStore.start(claimed);
    await workerStore.complete(
      ended(claimed, {
        status: 'failed',
        message: 'the upstream file is missing',
        willRetry: true,
        retryBy: '2026-06-01T09:30:05.000Z',
      }),
    );

    clock.set(Date.parse('2026-06-01T09:30:04.999Z'));
    const early = await sweeper.sweep();
    clock.set(Date.parse('2026-06-01T09:30:05.000Z'));
    const due = await sweeper.sweep();

    expect(denials).toEqual([]);
    expect(early).toMatchObject({ due: 0 });
    expect(due).toMatchObject({ due: 1, retryLost: 1 });
    const [attempt] = await workerStore.getRun('nightly-import', 'run-lost');
    expect(attempt).toMatchObject({ status: 'failed', willRetry: false });
    expect(attempt?.message).toContain('No retry came by 2026-06-01T09:30:05.000Z');
  });

  it('records the tick whose delivery never came as missed, and not the one a worker ran, within its role', async () => {
    const { tables, workerStore, sweeperClient, clock, denials } = await setup();
    const quarterHourly = JobRegistry.from([
      defineJob({
        name: 'nightly-import',
        schedule: { cron: '*/15 * * * *' },
        run: async () => JobResult.success(),
      }),
    ]).all();
    const store = new DynamoDbExecutionStore({
      client: sweeperClient,
      tableName: tables.executions,
      clock,
    });
    const sweeper = createRunSweep({
      store,
      clock,
      missedRuns: createMissedRunCheck({
        jobs: () => quarterHourly,
        recorder: store,
        marks: new DynamoDbJobStateStore({ client: sweeperClient, tableName: tables.jobState }),
        clock,
      }),
    });
    await sweeper.sweep();
    // 09:15's tick reached a worker (Scheduler's form of its time); 09:30's never came.
    const delivered = running(tickRunId('nightly-import', '2026-06-01T09:15:00Z'), {
      startedAt: '2026-06-01T09:15:02.000Z',
      scheduledTime: '2026-06-01T09:15:00Z',
    });
    await workerStore.start(delivered);
    await workerStore.complete(ended(delivered, {}));

    clock.set('2026-06-01T09:45:00.000Z');
    const report = await sweeper.sweep();

    expect(denials).toEqual([]);
    expect(report.missedRuns).toMatchObject({ ticks: 2, missed: 1 });
    const missedId = tickRunId('nightly-import', '2026-06-01T09:30:00Z');
    expect(await workerStore.getRun('nightly-import', missedId)).toEqual([
      expect.objectContaining({ status: 'missed', scheduledTime: '2026-06-01T09:30:00Z' }),
    ]);
    expect((await workerStore.listMissed('nightly-import')).items.map((run) => run.runId)).toEqual([
      missedId,
    ]);
  });
});

async function listDue(store: DynamoDbExecutionStore, clock: ManualClock): Promise<Execution[]> {
  const found: Execution[] = [];
  for await (const open of store.openRunsDue(new Date(clock.now()).toISOString())) {
    found.push(open);
  }
  return found;
}
