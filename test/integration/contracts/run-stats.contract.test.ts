import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Execution } from '../../../shared/executor/execution';
import type { RunStats } from '../../../shared/ports/run-stats';
import { InMemoryRunStats } from '../../../shared/stats/in-memory-run-stats';
import { DURATION_BUCKETS_MS } from '../../../shared/stats/run-stats-math';
import { DynamoDbRunStats } from '../../../shared/stores/dynamodb/dynamodb-run-stats';
import {
  awsTestServerNames,
  createUniqueTables,
  useDynamoDb,
} from '../../support/aws-test-servers';
import { appFunctionDynamoDbGrants, enforceWorkerGrants } from '../../support/worker-iam-guard';

const ended = (jobName: string, overrides: Partial<Execution>): Execution => ({
  jobName,
  runId: randomUUID(),
  attempt: 1,
  maxAttempts: 2,
  trigger: 'schedule',
  status: 'succeeded',
  startedAt: '2026-12-06T07:10:00.000Z',
  completedAt: '2026-12-06T07:10:01.000Z',
  durationMs: 1_000,
  willRetry: false,
  ...overrides,
});

/** The behaviours both run-stats stores promise, run against each. */
function describeRunStatsContract(
  name: string,
  makeStores: () => Promise<{ writer: RunStats; reader: RunStats }>,
): void {
  describe(`${name}, as every RunStats behaves`, () => {
    it("counts each ended attempt in its hour, by outcome and duration, and reads a job's hours back", async () => {
      const { writer, reader } = await makeStores();
      const job = `stats-${randomUUID().slice(0, 8)}`;
      await writer.record(ended(job, {}));
      await writer.record(ended(job, { durationMs: 20_000 }));
      await writer.record(ended(job, { status: 'failed', willRetry: true }));
      await writer.record(ended(job, { status: 'failed' }));
      await writer.record(
        ended(job, {
          startedAt: '2026-12-06T09:00:00.000Z',
          completedAt: '2026-12-06T09:00:02.000Z',
        }),
      );
      const { completedAt: _notEnded, ...running } = ended(job, { status: 'running' });
      await writer.record(running);

      const hours = await reader.hourly(
        job,
        '2026-12-06T07:00:00.000Z',
        '2026-12-06T08:00:00.000Z',
      );

      const buckets = DURATION_BUCKETS_MS.map(() => 0);
      buckets[DURATION_BUCKETS_MS.indexOf(1_000)] = 3;
      buckets[DURATION_BUCKETS_MS.indexOf(30_000)] = 1;
      expect(hours).toEqual([
        {
          hour: '2026-12-06T07:00:00.000Z',
          outcomes: { succeeded: 2, failed: 1 },
          retried: 1,
          durationBuckets: buckets,
        },
      ]);
    });
  });
}

const dynamoDb = useDynamoDb();

describeRunStatsContract('InMemoryRunStats', async () => {
  const stats = new InMemoryRunStats();
  return { writer: stats, reader: stats };
});

describeRunStatsContract(
  `DynamoDbRunStats on ${awsTestServerNames.dynamoDb}, written under the alerts role and read under the API role`,
  async () => {
    const tables = await createUniqueTables(dynamoDb.current);
    const store = (functionName: 'alertsFunction' | 'apiFunction') => {
      const client = dynamoDb.current.createClient();
      onTestFinished(() => client.destroy());
      // A call the role does not allow fails with AccessDeniedException, as on AWS.
      enforceWorkerGrants(
        client,
        appFunctionDynamoDbGrants((names) => names[functionName]),
        tables,
      );
      return new DynamoDbRunStats({ client, tableName: tables.alertConfig });
    };
    return { writer: store('alertsFunction'), reader: store('apiFunction') };
  },
);
