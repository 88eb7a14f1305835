import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { AlertThrottle } from '../../../shared/ports/alert-throttle';
import { DynamoDbAlertThrottle } from '../../../shared/stores/dynamodb/dynamodb-alert-throttle';
import { InMemoryAlertThrottle } from '../../../shared/stores/in-memory-alert-throttle';
import {
  awsTestServerNames,
  createUniqueTables,
  useDynamoDb,
} from '../../support/aws-test-servers';

/** A job name no other test uses, so that tests sharing a throttle or a table never meet. */
function uniqueJobName(): string {
  return `job-${randomUUID()}`;
}

async function acquireTimes(throttle: AlertThrottle, jobName: string, times: number, max: number) {
  const permits = [];
  for (let index = 0; index < times; index++) permits.push(await throttle.acquire(jobName, max));
  return permits;
}

/**
 * The behaviours the `AlertThrottle` port promises, written once and run against every adapter.
 * `makeThrottle` gives a throttle that tells time by `clock`. Concurrent acquires are not here:
 * `alert-throttle.test.ts` checks them on dynalite alone, as moto's conditional writes race.
 */
function describeAlertThrottleContract(
  name: string,
  makeThrottle: (clock: ManualClock) => Promise<AlertThrottle>,
): void {
  describe(`${name}, as every AlertThrottle behaves`, () => {
    it('allows maxPerHour alerts of a job in a clock hour and refuses the rest', async () => {
      const throttle = await makeThrottle(new ManualClock('2026-12-01T10:05:00Z'));

      const permits = await acquireTimes(throttle, uniqueJobName(), 5, 3);

      expect(permits.map((permit) => permit.allowed)).toEqual([true, true, true, false, false]);
    });

    it('reports nothing held back with the first alert of a job that never had one refused', async () => {
      const throttle = await makeThrottle(new ManualClock('2026-12-01T10:05:00Z'));

      const permits = await acquireTimes(throttle, uniqueJobName(), 2, 3);

      expect(permits).toEqual([
        { allowed: true, suppressedBefore: 0 },
        { allowed: true, suppressedBefore: 0 },
      ]);
    });

    it('allows alerts again in the next clock hour, the first saying how many were held back', async () => {
      const clock = new ManualClock('2026-12-01T10:05:00Z');
      const throttle = await makeThrottle(clock);
      const jobName = uniqueJobName();
      await acquireTimes(throttle, jobName, 6, 2);
      clock.set('2026-12-01T11:00:00Z');

      const permits = await acquireTimes(throttle, jobName, 2, 2);

      expect(permits).toEqual([
        { allowed: true, suppressedBefore: 4 },
        { allowed: true, suppressedBefore: 0 },
      ]);
    });

    it('reports alerts held back only once', async () => {
      const clock = new ManualClock('2026-12-01T10:05:00Z');
      const throttle = await makeThrottle(clock);
      const jobName = uniqueJobName();
      await acquireTimes(throttle, jobName, 3, 1);
      clock.set('2026-12-01T11:05:00Z');
      await throttle.acquire(jobName, 1);
      clock.set('2026-12-01T12:05:00Z');

      const permit = await throttle.acquire(jobName, 1);

      expect(permit).toEqual({ allowed: true, suppressedBefore: 0 });
    });

    it('throttles each job on its own', async () => {
      const throttle = await makeThrottle(new ManualClock('2026-12-01T10:05:00Z'));
      const busy = uniqueJobName();
      await acquireTimes(throttle, busy, 3, 1);

      const permit = await throttle.acquire(uniqueJobName(), 1);

      expect(permit).toEqual({ allowed: true, suppressedBefore: 0 });
    });
  });
}

const dynamoDb = useDynamoDb();

describeAlertThrottleContract(
  'InMemoryAlertThrottle',
  async (clock) => new InMemoryAlertThrottle(clock),
);

describeAlertThrottleContract(
  `DynamoDbAlertThrottle on ${awsTestServerNames.dynamoDb}`,
  async (clock) => {
    const tables = await createUniqueTables(dynamoDb.current);
    const client = dynamoDb.current.createClient();
    onTestFinished(() => client.destroy());
    return new DynamoDbAlertThrottle({ client, tableName: tables.alertConfig, clock });
  },
);
