import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type AlertConfig,
  alertConfigSchema,
  DEFAULT_ALERT_CONFIG_KEY,
  NO_ALERT_CONFIG,
} from '../../../shared/alerts/alert-config';
import { AlertConfigError, JobsError, MissingTableError } from '../../../shared/errors';
import { DynamoDbAlertConfigStore } from '../../../shared/stores/dynamodb/dynamodb-alert-config-store';

// The store sends lib-dynamodb commands through a document client, so the mock sees them before
// marshalling: plain values, as the store wrote them.
const dynamo = mockClient(DynamoDBDocumentClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  dynamo.restore();
});

afterEach(() => {
  dynamo.reset();
});

const TABLE = 'alert-config-test';

function createStore(attempts?: number) {
  return new DynamoDbAlertConfigStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: TABLE,
    writeRetry: { sleep: async () => {}, ...(attempts ? { attempts } : {}) },
  });
}

const metadata = { $metadata: {} };

const SLACK_ON_FAILURE = alertConfigSchema.parse({ slackWebhookSecret: 'alerts/slack' });
const EMAIL_ON_SUCCESS = alertConfigSchema.parse({
  onSuccess: true,
  emailRecipients: ['ops@example.com'],
});

function storedItem(jobName: string, config: AlertConfig) {
  return { Item: { ...config, jobName, entry: 'config' } };
}

function onGet(jobName: string) {
  return dynamo.on(GetCommand, { Key: { jobName, entry: 'config' } });
}

describe('DynamoDbAlertConfigStore.get', () => {
  it('reads the job entry and the default entry, consistently', async () => {
    dynamo.on(GetCommand).resolves({});

    await createStore().get('daily-report');

    expect(dynamo.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Key: { jobName: 'daily-report', entry: 'config' }, ConsistentRead: true },
      {
        TableName: TABLE,
        Key: { jobName: DEFAULT_ALERT_CONFIG_KEY, entry: 'config' },
        ConsistentRead: true,
      },
    ]);
  });

  it("prefers the job's own entry", async () => {
    onGet('daily-report').resolves(storedItem('daily-report', EMAIL_ON_SUCCESS));
    onGet(DEFAULT_ALERT_CONFIG_KEY).resolves(
      storedItem(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE),
    );

    const effective = await createStore().get('daily-report');

    expect(effective).toEqual({ config: EMAIL_ON_SUCCESS, source: 'job' });
  });

  it('falls back to the default entry', async () => {
    onGet('daily-report').resolves({});
    onGet(DEFAULT_ALERT_CONFIG_KEY).resolves(
      storedItem(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE),
    );

    const effective = await createStore().get('daily-report');

    expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
  });

  it('applies no alert config when neither entry exists', async () => {
    dynamo.on(GetCommand).resolves({});

    const effective = await createStore().get('daily-report');

    expect(effective).toEqual({ config: NO_ALERT_CONFIG, source: 'none' });
  });

  it('reads the default once when asked for the default itself', async () => {
    onGet(DEFAULT_ALERT_CONFIG_KEY).resolves(
      storedItem(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE),
    );

    const effective = await createStore().get(DEFAULT_ALERT_CONFIG_KEY);

    expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('explains a missing table', async () => {
    dynamo
      .on(GetCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', ...metadata }));

    const reading = createStore().get('daily-report');

    await expect(reading).rejects.toThrow(MissingTableError);
    await expect(reading).rejects.toThrow(`"${TABLE}"`);
  });
});

describe('DynamoDbAlertConfigStore.getOwn', () => {
  it('returns the stored config without its key attributes', async () => {
    onGet('daily-report').resolves(storedItem('daily-report', EMAIL_ON_SUCCESS));

    const config = await createStore().getOwn('daily-report');

    expect(config).toEqual(EMAIL_ON_SUCCESS);
  });

  it('returns undefined for a job without an entry', async () => {
    dynamo.on(GetCommand).resolves({});

    const config = await createStore().getOwn('daily-report');

    expect(config).toBeUndefined();
  });

  it('rejects a stored entry that fails the schema, naming the job and the field', async () => {
    onGet('daily-report').resolves({
      Item: { jobName: 'daily-report', entry: 'config', maxAlertsPerHour: 0 },
    });

    const reading = createStore().getOwn('daily-report');

    await expect(reading).rejects.toThrow(JobsError);
    await expect(reading).rejects.toThrow(
      'The stored alert config for "daily-report" is invalid (maxAlertsPerHour: must be at least 1, got 0)',
    );
  });
});

describe('DynamoDbAlertConfigStore.put', () => {
  it('writes the config, defaults filled in, under the job and the config entry', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore().put('daily-report', { slackWebhookSecret: 'alerts/slack' } as AlertConfig);

    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...SLACK_ON_FAILURE, jobName: 'daily-report', entry: 'config' },
    });
  });

  it('rejects an invalid config with every field at fault, writing nothing', async () => {
    const invalid = {
      ...NO_ALERT_CONFIG,
      maxAlertsPerHour: -5,
      emailRecipients: ['not-an-email'],
      pagerDuty: true,
    } as AlertConfig;

    const putting = createStore().put('daily-report', invalid);

    await expect(putting).rejects.toThrow(AlertConfigError);
    await expect(putting).rejects.toMatchObject({
      jobName: 'daily-report',
      issues: [
        { field: 'emailRecipients.0', message: 'must be an email address, got "not-an-email"' },
        { field: 'maxAlertsPerHour', message: 'must be at least 1, got -5' },
        { field: 'pagerDuty', message: expect.stringContaining('is not an alert config field') },
      ],
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('tries a throttled write again until it succeeds', async () => {
    dynamo
      .on(PutCommand)
      .rejectsOnce(
        new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata }),
      )
      .resolves({});

    await createStore().put('daily-report', SLACK_ON_FAILURE);

    expect(dynamo.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('gives up on throttling after the retry budget', async () => {
    dynamo
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata }));

    const putting = createStore(2).put('daily-report', SLACK_ON_FAILURE);

    await expect(putting).rejects.toThrow(ProvisionedThroughputExceededException);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('explains a missing table without trying again', async () => {
    dynamo
      .on(PutCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', ...metadata }));

    const putting = createStore().put('daily-report', SLACK_ON_FAILURE);

    await expect(putting).rejects.toMatchObject({ name: 'MissingTableError', tableName: TABLE });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });
});

describe('DynamoDbAlertConfigStore.remove', () => {
  it("deletes the job's config entry", async () => {
    dynamo.on(DeleteCommand).resolves({});

    await createStore().remove('daily-report');

    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report', entry: 'config' },
    });
  });

  it('tries a throttled delete again', async () => {
    dynamo
      .on(DeleteCommand)
      .rejectsOnce(
        new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata }),
      )
      .resolves({});

    await createStore().remove('daily-report');

    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(2);
  });
});
