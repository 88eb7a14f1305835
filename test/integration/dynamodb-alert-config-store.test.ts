import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AlertConfig,
  alertConfigSchema,
  DEFAULT_ALERT_CONFIG_KEY,
  NO_ALERT_CONFIG,
} from '../../shared/alerts/alert-config';
import { AlertConfigError } from '../../shared/errors';
import { DynamoDbAlertConfigStore } from '../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';

const dynamoDb = useDynamoDb();

const SLACK_ON_FAILURE = alertConfigSchema.parse({ slackWebhookSecret: 'alerts/slack' });
const EMAIL_ON_SUCCESS = alertConfigSchema.parse({
  onSuccess: true,
  onDurationOverMs: 60_000,
  emailRecipients: ['ops@example.com', 'dev@example.com'],
  maxAlertsPerHour: 3,
});

/** A store on fresh tables of its own. */
async function freshStore() {
  const names = await createUniqueTables(dynamoDb.current);
  const client = dynamoDb.current.createClient();
  onTestFinished(() => client.destroy());
  return new DynamoDbAlertConfigStore({ client, tableName: names.alertConfig });
}

describe(`DynamoDbAlertConfigStore on ${awsTestServerNames.dynamoDb}`, () => {
  it('applies no alert config to a job when nothing is configured', async () => {
    const store = await freshStore();

    const effective = await store.get('daily-report');

    expect(effective).toEqual({ config: NO_ALERT_CONFIG, source: 'none' });
  });

  it('applies the default to a job without its own entry', async () => {
    const store = await freshStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);

    const effective = await store.get('daily-report');

    expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
  });

  it("prefers a job's own entry to the default", async () => {
    const store = await freshStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);
    await store.put('daily-report', EMAIL_ON_SUCCESS);

    const effective = await store.get('daily-report');

    expect(effective).toEqual({ config: EMAIL_ON_SUCCESS, source: 'job' });
  });

  it('leaves other jobs on the default when one job has its own entry', async () => {
    const store = await freshStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);
    await store.put('daily-report', EMAIL_ON_SUCCESS);

    const effective = await store.get('weekly-cleanup');

    expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
  });

  it('falls back to the default once the job entry is removed', async () => {
    const store = await freshStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);
    await store.put('daily-report', EMAIL_ON_SUCCESS);

    await store.remove('daily-report');

    expect(await store.get('daily-report')).toEqual({
      config: SLACK_ON_FAILURE,
      source: 'default',
    });
  });

  it('replaces a job entry on a second put', async () => {
    const store = await freshStore();
    await store.put('daily-report', EMAIL_ON_SUCCESS);

    await store.put('daily-report', SLACK_ON_FAILURE);

    expect(await store.getOwn('daily-report')).toEqual(SLACK_ON_FAILURE);
  });

  it('rejects an invalid config with its field errors and writes nothing', async () => {
    const store = await freshStore();
    const invalid = {
      ...NO_ALERT_CONFIG,
      maxAlertsPerHour: -1,
      emailRecipients: ['ops at example.com'],
      onFailures: true,
    } as AlertConfig;

    const putting = store.put('daily-report', invalid);

    await expect(putting).rejects.toThrow(AlertConfigError);
    await expect(putting).rejects.toMatchObject({
      issues: [
        {
          field: 'emailRecipients.0',
          message: 'must be an email address, got "ops at example.com"',
        },
        { field: 'maxAlertsPerHour', message: 'must be at least 1, got -1' },
        { field: 'onFailures', message: 'is not an alert config field; did you mean "onFailure"?' },
      ],
    });
    expect(await store.getOwn('daily-report')).toBeUndefined();
  });
});
