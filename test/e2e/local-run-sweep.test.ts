import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createTableInput, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import { validAlertConfig } from '../../shared/alerts/validate-alert-config';
import type { Execution } from '../../shared/executor/execution';
import { defineJob } from '../../shared/job/define-job';
import type { AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { silentLogger } from '../../shared/logging/silent-logger';
import { ResourceNames } from '../../shared/naming/resource-names';
import { DynamoDbAlertConfigStore } from '../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  OPEN_RUNS_INDEX,
} from '../../shared/tables/table-definitions';
import { eventually } from '../support/eventually';

// Each runtime starts dynalite, fauxqs and a server: allow for a busy machine.
const E2E_TIMEOUT_MS = 60_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const report = defineJob({
  name: 'report',
  retries: 0,
  run: async () => JobResult.success('reported'),
}) as unknown as AnyNamedJobDefinition;

interface Seed {
  /** Tables as a data folder from before the open-runs index has them. */
  readonly olderTables?: boolean;
}

/**
 * A data folder whose history holds the run `runId` of `report` as `npm run dev` leaves it when
 * killed (`kill -9`, a crash) after claiming the run's last attempt: running, its lease long
 * over. The job alerts its failures by email.
 */
async function killedAfterClaiming(runId: string, seed: Seed = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobs-sweep-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const appName = `e2e-${randomUUID().slice(0, 8)}`;
  const { tables } = new ResourceNames(appName);
  const dynamoDb = await startEmbeddedDynamoDb({ path: join(dataDir, 'dynamodb') });
  const client = dynamoDb.createClient();
  try {
    if (seed.olderTables) {
      const older = {
        ...EXECUTIONS_TABLE,
        globalIndexes: EXECUTIONS_TABLE.globalIndexes.filter(
          (index) => index.indexName !== OPEN_RUNS_INDEX,
        ),
      };
      for (const [definition, name] of [
        [older, tables.executions],
        [JOB_STATE_TABLE, tables.jobState],
        [ALERT_CONFIG_TABLE, tables.alertConfig],
      ] as const) {
        await client.send(new CreateTableCommand(createTableInput(definition, name)));
      }
    } else {
      await dynamoDb.createTables(tables);
    }
    const startedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const claimed: Execution = {
      jobName: 'report',
      runId,
      attempt: 1,
      maxAttempts: 1,
      trigger: 'api',
      status: 'running',
      startedAt,
      leaseExpiresAt: new Date(Date.parse(startedAt) + 72_000).toISOString(),
    };
    await new DynamoDbExecutionStore({ client, tableName: tables.executions }).start(claimed);
    if (seed.olderTables) {
      // An older version wrote no place among open runs.
      await client.send(
        new UpdateItemCommand({
          TableName: tables.executions,
          Key: { jobName: { S: 'report' }, runId: { S: runId } },
          UpdateExpression: 'REMOVE openBucket, sweepAt',
        }),
      );
    }
    await new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig }).put(
      'report',
      validAlertConfig('report', { emailRecipients: ['ops@example.com'] }),
    );
  } finally {
    client.destroy();
    await dynamoDb.stop();
  }
  return { dataDir, appName };
}

async function start(dataDir: string, appName: string): Promise<LocalRuntime> {
  const runtime = await startLocalRuntime({
    jobs: [report],
    port: 0,
    logger: silentLogger,
    appName,
    dataDir,
    shutdownGraceMs: 2_000,
  });
  cleanups.push(() => runtime.stop());
  return runtime;
}

async function api(runtime: LocalRuntime, path: string, method = 'GET') {
  const response = await fetch(`${runtime.url}${path}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The status of the run's latest attempt, as `GET /jobs/{name}/runs/{runId}` shows it. */
async function latestStatus(runtime: LocalRuntime, runId: string): Promise<string | undefined> {
  const { body } = await api(runtime, `/jobs/report/runs/${runId}`);
  return (body.attempts as Execution[] | undefined)?.at(-1)?.status;
}

async function outbox(dataDir: string): Promise<{ runId: string; subject: string }[]> {
  const text = await readFile(join(dataDir, 'outbox.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { runId: string; subject: string });
}

describe('the local runtime, on a run whose worker died after claiming its last attempt', {
  timeout: E2E_TIMEOUT_MS,
}, () => {
  it.each<[string, Seed]>([
    ['a data folder of this version', {}],
    ['a data folder from before the open-runs index', { olderTables: true }],
  ])('ends it timed out, alerts it and lets it be retried, in %s', async (_what, seed) => {
    const { dataDir, appName } = await killedAfterClaiming('run-killed', seed);

    const runtime = await start(dataDir, appName);
    await eventually(
      () => latestStatus(runtime, 'run-killed'),
      (status) => status !== 'running',
    );
    const run = await api(runtime, '/jobs/report/runs/run-killed');
    const emails = await eventually(
      () => outbox(dataDir),
      (found) => found.some((email) => email.runId === 'run-killed'),
    );
    const retry = await api(runtime, '/jobs/report/runs/run-killed/retry', 'POST');
    const retried = await eventually(
      () => latestStatus(runtime, String(retry.body.runId)),
      (status) => status === 'succeeded' || status === 'failed',
    );

    expect(run.body).toMatchObject({
      attempts: [
        {
          attempt: 1,
          status: 'timed_out',
          willRetry: false,
          message: expect.stringContaining('the worker crashed, ran out of memory or was stopped'),
        },
      ],
    });
    expect(emails.filter((email) => email.runId === 'run-killed')).toHaveLength(1);
    expect(retry.status).toBe(202);
    expect(retried).toBe('succeeded');
  });
});
