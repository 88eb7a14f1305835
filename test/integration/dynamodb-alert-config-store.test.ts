import { describe, expect, it, onTestFinished } from 'vitest';
import { type AlertConfig, NO_ALERT_CONFIG } from '../../shared/alerts/alert-config';
import { AlertConfigError } from '../../shared/errors';
import { DynamoDbAlertConfigStore } from '../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';

const dynamoDb = useDynamoDb();

/** A store on fresh tables of its own. */
async function freshStore() {
  const names = await createUniqueTables(dynamoDb.current);
  const client = dynamoDb.current.createClient();
  onTestFinished(() => client.destroy());
  return new DynamoDbAlertConfigStore({ client, tableName: names.alertConfig });
}

describe(`DynamoDbAlertConfigStore on ${awsTestServerNames.dynamoDb}`, () => {
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
