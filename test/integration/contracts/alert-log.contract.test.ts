import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AlertLog, AlertRecord } from '../../../shared/ports/alert-log';
import { DynamoDbAlertLog } from '../../../shared/stores/dynamodb/dynamodb-alert-log';
import { InMemoryAlertLog } from '../../../shared/stores/in-memory-alert-log';
import {
  awsTestServerNames,
  createUniqueTables,
  useDynamoDb,
} from '../../support/aws-test-servers';

/** A run id no other test uses, so that tests sharing a log or a table never meet. */
function uniqueRunId(): string {
  return `run-${randomUUID()}`;
}

function sentAlert(runId: string, attempt: number): AlertRecord {
  return {
    jobName: 'nightly-import',
    runId,
    attempt,
    reasons: ['failure'],
    at: '2026-12-01T10:05:00.000Z',
    outcome: 'sent',
    deliveries: [{ channel: 'slack', delivered: true, tries: 1 }],
  };
}

/**
 * The behaviours the `AlertLog` port promises: an attempt's alert is claimed once, and a claim
 * given up can be claimed again. Written once and run against every adapter; the port has no
 * read, so what `record` keeps is checked only through the claims it affects.
 */
function describeAlertLogContract(name: string, makeLog: () => Promise<AlertLog>): void {
  describe(`${name}, as every AlertLog behaves`, () => {
    it("claims an attempt's alert once", async () => {
      const log = await makeLog();
      const runId = uniqueRunId();

      const claims = [
        await log.claim('nightly-import', runId, 1),
        await log.claim('nightly-import', runId, 1),
      ];

      expect(claims).toEqual([true, false]);
    });

    it('claims the alert of each attempt, run and job on its own', async () => {
      const log = await makeLog();
      const runId = uniqueRunId();
      await log.claim('nightly-import', runId, 1);

      const claims = [
        await log.claim('nightly-import', runId, 2),
        await log.claim('nightly-import', uniqueRunId(), 1),
        await log.claim('hourly-import', runId, 1),
      ];

      expect(claims).toEqual([true, true, true]);
    });

    it('lets exactly one of concurrent claims of an attempt win', async () => {
      const log = await makeLog();
      const runId = uniqueRunId();

      const claims = await Promise.all(
        Array.from({ length: 10 }, () => log.claim('nightly-import', runId, 1)),
      );

      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('lets a released claim be claimed again', async () => {
      const log = await makeLog();
      const runId = uniqueRunId();
      await log.claim('nightly-import', runId, 1);

      await log.release('nightly-import', runId, 1);

      expect(await log.claim('nightly-import', runId, 1)).toBe(true);
    });

    it('keeps a recorded alert claimed when its claim is released', async () => {
      const log = await makeLog();
      const runId = uniqueRunId();
      await log.claim('nightly-import', runId, 1);
      await log.record(sentAlert(runId, 1));

      await log.release('nightly-import', runId, 1);

      expect(await log.claim('nightly-import', runId, 1)).toBe(false);
    });
  });
}

const dynamoDb = useDynamoDb();

describeAlertLogContract('InMemoryAlertLog', async () => new InMemoryAlertLog());

describeAlertLogContract(`DynamoDbAlertLog on ${awsTestServerNames.dynamoDb}`, async () => {
  const tables = await createUniqueTables(dynamoDb.current);
  const client = dynamoDb.current.createClient();
  onTestFinished(() => client.destroy());
  return new DynamoDbAlertLog({ client, tableName: tables.alertConfig });
});
