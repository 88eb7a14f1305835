import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiHandler } from '../../shared/api/create-api-handler';
import { ManualClock } from '../../shared/clock/manual-clock';
import { JobControl } from '../../shared/control/job-control';
import { RunCancel } from '../../shared/control/run-cancel';
import { RunTrigger } from '../../shared/control/run-trigger';
import { createExecutor } from '../../shared/executor/executor';
import { JobRegistry } from '../../shared/executor/job-registry';
import { defineJob } from '../../shared/job/define-job';
import { JobResult } from '../../shared/job/job-result';
import type { EnqueuedRun } from '../../shared/ports/enqueuer';
import { DynamoDbAlertConfigStore } from '../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../../shared/stores/dynamodb/dynamodb-job-state-store';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';
import { noDeadLetters } from '../support/no-dead-letters';

const dynamoDb = useDynamoDb();

const ALICE = 'arn:aws:iam::123456789012:user/alice';

const greet = defineJob({
  name: 'greet',
  input: z.object({ who: z.string() }),
  run: async (ctx) => JobResult.success(`hello ${ctx.input.who}`),
});

const importLedger = defineJob({
  name: 'import-ledger',
  schedule: { cron: '0 3 * * *', timezone: 'Europe/London' },
  retries: 0,
  run: async () => JobResult.failure('the ledger file is missing'),
});

/**
 * The API over the DynamoDB stores on dynalite, triggering through a recording enqueuer;
 * `runEnqueued` then runs what was enqueued through the executor, as the worker would.
 */
async function setup() {
  const tables = await createUniqueTables(dynamoDb.current);
  const client = dynamoDb.current.createClient();
  const clock = new ManualClock('2026-11-23T12:00:00Z');
  const jobs = JobRegistry.from([greet, importLedger]);
  const executionStore = new DynamoDbExecutionStore({
    client,
    tableName: tables.executions,
    clock,
  });
  const jobStateStore = new DynamoDbJobStateStore({ client, tableName: tables.jobState, clock });
  const enqueued: EnqueuedRun[] = [];
  const enqueuer = { enqueue: async (run: EnqueuedRun) => void enqueued.push(run) };
  const executor = createExecutor({ jobs, executionStore, jobStateStore, enqueuer, clock });
  const handle = createApiHandler({
    jobs,
    history: executionStore,
    jobStateStore,
    jobControl: new JobControl({ jobs, jobStateStore }),
    alertConfigStore: new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig }),
    runTrigger: new RunTrigger({ jobs, enqueuer, history: executionStore, clock }),
    deadLetters: noDeadLetters,
    runCancel: new RunCancel({ jobs, cancellations: executionStore, clock }),
    clock,
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await handle({
      method,
      path,
      query: {},
      principal: ALICE,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { statusCode: response.statusCode, json: JSON.parse(response.body) };
  };
  const runEnqueued = async () => {
    for (let run = enqueued.shift(); run; run = enqueued.shift()) {
      await executor.execute(run.request);
      clock.advance(1000);
    }
  };
  return { call, runEnqueued };
}

describe(`the API on ${awsTestServerNames.dynamoDb}`, () => {
  it('shows a triggered run in the job’s runs and by its id once the worker ran it', async () => {
    const { call, runEnqueued } = await setup();

    const triggered = await call('POST', '/jobs/greet/runs', { input: { who: 'ada' } });
    await runEnqueued();
    const runs = await call('GET', '/jobs/greet/runs');
    const run = await call('GET', `/jobs/greet/runs/${triggered.json.runId}`);

    expect(triggered.statusCode).toBe(202);
    expect(runs.json).toEqual({
      runs: [
        expect.objectContaining({
          runId: triggered.json.runId,
          trigger: 'api',
          triggeredBy: ALICE,
          status: 'succeeded',
          message: 'hello ada',
        }),
      ],
    });
    expect(run.json).toEqual({
      runId: triggered.json.runId,
      jobName: 'greet',
      status: 'succeeded',
      willRetry: false,
      attempts: [expect.objectContaining({ attempt: 1, status: 'succeeded' })],
    });
  });

  it('shows a paused job as paused in the job list', async () => {
    const { call } = await setup();

    const paused = await call('POST', '/jobs/import-ledger/pause');
    const listed = await call('GET', '/jobs');

    expect(paused.statusCode).toBe(200);
    expect(listed.json.jobs).toEqual([
      {
        name: 'greet',
        displayName: 'greet',
        queue: 'default',
        paused: false,
        nextRunAt: null,
        lastRun: null,
      },
      expect.objectContaining({
        name: 'import-ledger',
        paused: true,
        pausedBy: ALICE,
        pausedAt: '2026-11-23T12:00:00.000Z',
        // Paused: its schedule fires nothing until it is resumed.
        nextRunAt: null,
      }),
    ]);
  });

  it('lists a failed run among the recent failures, and retries it', async () => {
    const { call, runEnqueued } = await setup();
    const triggered = await call('POST', '/jobs/import-ledger/runs');
    await call('POST', '/jobs/greet/runs', { input: { who: 'bo' } });
    await runEnqueued();

    const failures = await call('GET', '/runs/failures');
    const retried = await call('POST', `/jobs/import-ledger/runs/${triggered.json.runId}/retry`);
    await runEnqueued();
    const runs = await call('GET', '/jobs/import-ledger/runs');

    // The page may end with a cursor for older days: one page reads about a week of buckets.
    expect(failures.json.runs).toEqual([
      expect.objectContaining({
        jobName: 'import-ledger',
        runId: triggered.json.runId,
        status: 'failed',
        message: 'the ledger file is missing',
      }),
    ]);
    expect(retried.statusCode).toBe(202);
    expect(runs.json.runs).toEqual([
      expect.objectContaining({ runId: retried.json.runId, retryOf: triggered.json.runId }),
      expect.objectContaining({ runId: triggered.json.runId }),
    ]);
  });
});
