import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AlertConfig,
  alertConfigSchema,
  DEFAULT_ALERT_CONFIG_KEY,
  NO_ALERT_CONFIG,
} from '../../../shared/alerts/alert-config';
import { AlertConfigError } from '../../../shared/errors';
import type { AlertConfigStore } from '../../../shared/ports/alert-config-store';
import { DynamoDbAlertConfigStore } from '../../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';
import {
  awsTestServerNames,
  createUniqueTables,
  useDynamoDb,
} from '../../support/aws-test-servers';

const SLACK_ON_FAILURE = alertConfigSchema.parse({ slackWebhookSecret: 'alerts/slack' });
const EMAIL_ON_SUCCESS = alertConfigSchema.parse({
  onSuccess: true,
  emailRecipients: ['ops@example.com'],
  maxAlertsPerHour: 3,
});

/**
 * The behaviours the `AlertConfigStore` port promises, written once and run against every
 * adapter. `makeStore` gives a store with no entries each time.
 */
function describeAlertConfigStoreContract(
  name: string,
  makeStore: () => Promise<AlertConfigStore>,
): void {
  describe(`${name}, as every AlertConfigStore behaves`, () => {
    it('applies no alert config when there is neither a job entry nor a default', async () => {
      const store = await makeStore();

      const effective = await store.get('daily-report');

      expect(effective).toEqual({ config: NO_ALERT_CONFIG, source: 'none' });
    });

    it('applies the default to a job without its own entry', async () => {
      const store = await makeStore();
      await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);

      const effective = await store.get('daily-report');

      expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
    });

    it("prefers the job's own entry to the default, leaving other jobs on the default", async () => {
      const store = await makeStore();
      await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);

      await store.put('daily-report', EMAIL_ON_SUCCESS);

      expect(await store.get('daily-report')).toEqual({
        config: EMAIL_ON_SUCCESS,
        source: 'job',
      });
      expect(await store.get('weekly-report')).toEqual({
        config: SLACK_ON_FAILURE,
        source: 'default',
      });
    });

    it('reports the default as the default when asked for it by its key', async () => {
      const store = await makeStore();
      await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);

      const effective = await store.get(DEFAULT_ALERT_CONFIG_KEY);

      expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
    });

    it("returns only the job's own entry from getOwn", async () => {
      const store = await makeStore();
      await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);

      const own = await store.getOwn('daily-report');

      expect(own).toBeUndefined();
    });

    it('replaces a job entry on a second put', async () => {
      const store = await makeStore();
      await store.put('daily-report', EMAIL_ON_SUCCESS);

      await store.put('daily-report', SLACK_ON_FAILURE);

      expect(await store.getOwn('daily-report')).toEqual(SLACK_ON_FAILURE);
    });

    it('falls back to the default once the job entry is removed', async () => {
      const store = await makeStore();
      await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);
      await store.put('daily-report', EMAIL_ON_SUCCESS);

      await store.remove('daily-report');

      expect(await store.get('daily-report')).toEqual({
        config: SLACK_ON_FAILURE,
        source: 'default',
      });
      expect(await store.getOwn('daily-report')).toBeUndefined();
    });

    it('keeps its entry when a caller changes the config it read', async () => {
      const store = await makeStore();
      await store.put('daily-report', EMAIL_ON_SUCCESS);

      const own = await store.getOwn('daily-report');
      own?.emailRecipients.push('intruder@example.com');

      expect(await store.getOwn('daily-report')).toEqual(EMAIL_ON_SUCCESS);
    });

    it('rejects an invalid config with every field at fault, keeping the old entry', async () => {
      const store = await makeStore();
      await store.put('daily-report', EMAIL_ON_SUCCESS);
      const invalid = { ...NO_ALERT_CONFIG, maxAlertsPerHour: -1, maxAlerts: 3 } as AlertConfig;

      const putting = store.put('daily-report', invalid);

      await expect(putting).rejects.toThrow(AlertConfigError);
      await expect(putting).rejects.toMatchObject({
        issues: [
          { field: 'maxAlertsPerHour', message: 'must be at least 1, got -1' },
          {
            field: 'maxAlerts',
            message: 'is not an alert config field; did you mean "maxAlertsPerHour"?',
          },
        ],
      });
      expect(await store.getOwn('daily-report')).toEqual(EMAIL_ON_SUCCESS);
    });
  });
}

const dynamoDb = useDynamoDb();

describeAlertConfigStoreContract(
  'InMemoryAlertConfigStore',
  async () => new InMemoryAlertConfigStore(),
);

describeAlertConfigStoreContract(
  `DynamoDbAlertConfigStore on ${awsTestServerNames.dynamoDb}`,
  async () => {
    const tables = await createUniqueTables(dynamoDb.current);
    const client = dynamoDb.current.createClient();
    onTestFinished(() => client.destroy());
    return new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig });
  },
);
