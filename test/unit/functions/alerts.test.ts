import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { alertsHandler } from '../../../functions/alerts';
import { WEBHOOK_SECRET_TAG } from '../../../infra/constructs/alerts-function';
import type { AlertEvaluator } from '../../../shared/alerts/alert-evaluator';
import { readAlertsEnvironment } from '../../../shared/alerts/alerts-environment';
import { createAlertsStreamHandler } from '../../../shared/alerts/alerts-stream-handler';
import { WEBHOOK_SECRET_APP_TAG } from '../../../shared/alerts/notifiers/webhook-secrets';
import type { Execution } from '../../../shared/executor/execution';
import { defineJob } from '../../../shared/job/define-job';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import { lambdaContext } from '../../support/lambda-context';

const dynamoDb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const secrets = mockClient(SecretsManagerClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  dynamoDb.restore();
  ses.restore();
  secrets.restore();
});

afterEach(() => {
  dynamoDb.reset();
  ses.reset();
  secrets.reset();
  vi.unstubAllGlobals();
});

const dailyReport = defineJob({
  name: 'daily-report',
  displayName: 'Daily sales report',
  retries: 2,
  run: async () => {},
});

function attempt(overrides: Partial<Execution> = {}): Execution {
  return {
    jobName: 'daily-report',
    runId: 'run-7',
    attempt: 3,
    maxAttempts: 3,
    trigger: 'schedule',
    triggeredBy: 'scheduler',
    status: 'failed',
    startedAt: '2026-12-01T07:00:00.000Z',
    completedAt: '2026-12-01T07:00:02.500Z',
    durationMs: 2_500,
    willRetry: false,
    error: { name: 'Error', message: 'sales API answered 503' },
    ...overrides,
  };
}

/** A run's item as the execution store writes it: the latest attempt's state on top. */
function runItem(latest: Execution, earlier: readonly Execution[] = []): Record<string, unknown> {
  const item: Record<string, unknown> = {
    jobName: latest.jobName,
    runId: latest.runId,
    latestAttempt: latest.attempt,
    status: latest.status,
    input: { day: '2026-11-30' },
  };
  for (const execution of [...earlier, latest]) item[`attempt_${execution.attempt}`] = execution;
  return item;
}

let sequence = 100;

/** An item as a stream record carries it: DynamoDB's attribute values, typed apart by @types. */
function image(item: Record<string, unknown>): StreamRecord['NewImage'] {
  return marshall(item, { removeUndefinedValues: true }) as StreamRecord['NewImage'];
}

function streamRecord(
  item: Record<string, unknown> | undefined,
  eventName: DynamoDBRecord['eventName'] = 'MODIFY',
): DynamoDBRecord {
  sequence += 1;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_IMAGE',
      ...(item
        ? {
            Keys: image({ jobName: item.jobName, runId: item.runId }),
            NewImage: image(item),
          }
        : {}),
    },
  };
}

function batch(...records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

/** An evaluator that records what it was given, and throws for the runs it is told to. */
function fakeEvaluator(failFor: readonly string[] = []) {
  const handled: Execution[] = [];
  const evaluator: AlertEvaluator = {
    handle: vi.fn(async (execution: Execution) => {
      if (failFor.includes(execution.runId)) throw new Error('alert-config table throttled');
      handled.push(execution);
    }),
  };
  return { evaluator, handled };
}

describe('the alerts stream handler', () => {
  it("passes the latest attempt of a run that ended to the evaluator, with the run's input", async () => {
    const { evaluator, handled } = fakeEvaluator();
    const handler = createAlertsStreamHandler({ evaluator });
    const first = attempt({ attempt: 1, status: 'failed', willRetry: true });

    const response = await handler(batch(streamRecord(runItem(attempt(), [first]))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual([{ ...attempt(), input: { day: '2026-11-30' } }]);
  });

  it('evaluates a run recorded whole at once (INSERT) as well as one updated (MODIFY)', async () => {
    const { evaluator, handled } = fakeEvaluator();
    const handler = createAlertsStreamHandler({ evaluator });
    const inserted = attempt({ runId: 'run-1', attempt: 1, status: 'succeeded' });

    await handler(
      batch(streamRecord(runItem(inserted), 'INSERT'), streamRecord(runItem(attempt()))),
    );

    expect(handled.map((execution) => execution.runId)).toEqual(['run-1', 'run-7']);
  });

  it('skips running attempts, removals by TTL and records without a new image', async () => {
    const { evaluator } = fakeEvaluator();
    const handler = createAlertsStreamHandler({ evaluator });
    const { completedAt: _, ...running } = attempt({ attempt: 2, status: 'running' });

    const response = await handler(
      batch(
        streamRecord(runItem(running, [attempt({ attempt: 1, willRetry: true })])),
        streamRecord(runItem(attempt()), 'REMOVE'),
        streamRecord(undefined),
      ),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(evaluator.handle).not.toHaveBeenCalled();
  });

  it('reports only the records whose evaluation threw, after evaluating the others', async () => {
    const { evaluator, handled } = fakeEvaluator(['run-2']);
    const logger = new MemoryLogger();
    const handler = createAlertsStreamHandler({ evaluator, logger });
    const records = ['run-1', 'run-2', 'run-3'].map((runId) =>
      streamRecord(runItem(attempt({ runId }))),
    );

    const response = await handler(batch(...records));

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }],
    });
    expect(handled.map((execution) => execution.runId)).toEqual(['run-1', 'run-3']);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({ runId: 'run-2', attempt: 3 }),
      }),
    );
  });

  it('fails the whole batch when a record that failed has no sequence number to report', async () => {
    const { evaluator } = fakeEvaluator(['run-7']);
    const handler = createAlertsStreamHandler({ evaluator });
    const record = streamRecord(runItem(attempt()));
    delete record.dynamodb?.SequenceNumber;

    await expect(handler(batch(record))).rejects.toThrow('alert-config table throttled');
  });

  it('warns about, and skips, a run item without its latest attempt', async () => {
    const { evaluator } = fakeEvaluator();
    const logger = new MemoryLogger();
    const handler = createAlertsStreamHandler({ evaluator, logger });
    const item = { ...runItem(attempt()), latestAttempt: 4 };

    const response = await handler(batch(streamRecord(item)));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(evaluator.handle).not.toHaveBeenCalled();
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        attributes: expect.objectContaining({ runId: 'run-7', latestAttempt: 4 }),
      }),
    );
  });

  it('evaluates at most `concurrency` records at once', async () => {
    let running = 0;
    let most = 0;
    const evaluator: AlertEvaluator = {
      handle: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
    };
    const handler = createAlertsStreamHandler({ evaluator, concurrency: 3 });
    const records = Array.from({ length: 10 }, (_, index) =>
      streamRecord(runItem(attempt({ runId: `run-${index}` }))),
    );

    await handler(batch(...records));

    expect(most).toBe(3);
  });

  it('refuses a concurrency below 1, saying what it takes', () => {
    const { evaluator } = fakeEvaluator();

    expect(() => createAlertsStreamHandler({ evaluator, concurrency: 0 })).toThrow(
      'concurrency must be a whole number of at least 1, got 0',
    );
  });
});

function stubDeployedEnvironment() {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('JOBS_ALERT_CONFIG_TABLE', 'acme_alert-config');
  vi.stubEnv('JOBS_APP_NAME', 'acme');
  vi.stubEnv('JOBS_ALERT_COMMAND_PREFIX', 'npx jobctl --remote acme-control');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
}

/** The alert-config table holds `config` for the job, and accepts the alert log and throttle. */
function stubAlertConfigTable(config: Record<string, unknown>) {
  dynamoDb
    .on(GetCommand, { Key: { jobName: 'daily-report', entry: 'config' } })
    .resolves({ Item: { jobName: 'daily-report', entry: 'config', ...config } });
  dynamoDb.on(GetCommand, { Key: { jobName: '_default', entry: 'config' } }).resolves({});
  dynamoDb.on(PutCommand).resolves({});
  dynamoDb.on(UpdateCommand).resolves({ Attributes: { sent: 2 } });
  dynamoDb.on(QueryCommand).resolves({ Items: [] });
}

/** The deliveries the alert log recorded. */
function recordedDeliveries(): unknown {
  const recorded = dynamoDb
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .find((input) => input.UpdateExpression?.includes('deliveries'));
  return recorded?.ExpressionAttributeValues?.[':deliveries'];
}

describe('the alerts Lambda entry', () => {
  it('emails the recipients of a failed run through SES, from the configured sender', async () => {
    stubDeployedEnvironment();
    vi.stubEnv('JOBS_ALERT_EMAIL_SENDER', 'Jobs <jobs@example.com>');
    stubAlertConfigTable({ emailRecipients: ['ops@example.com'] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const handler = alertsHandler([dailyReport]);

    const response = await handler(batch(streamRecord(runItem(attempt()))), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const emails = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      FromEmailAddress: 'Jobs <jobs@example.com>',
      Destination: { ToAddresses: ['ops@example.com'] },
    });
    const body = emails[0]?.Content?.Simple?.Body?.Text?.Data;
    expect(body).toContain('Daily sales report (daily-report)');
    expect(body).toContain('npx jobctl --remote acme-control history daily-report');
    const tables = dynamoDb
      .calls()
      .map((call) => (call.args[0].input as { TableName?: string }).TableName);
    expect(new Set(tables)).toEqual(new Set(['acme_alert-config']));
  });

  it('sends no email without a sender, and records that email is not configured', async () => {
    stubDeployedEnvironment();
    stubAlertConfigTable({ emailRecipients: ['ops@example.com'] });
    const handler = alertsHandler([dailyReport]);

    await handler(batch(streamRecord(runItem(attempt()))), lambdaContext());

    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
    expect(recordedDeliveries()).toEqual([
      expect.objectContaining({
        channel: 'email',
        delivered: false,
        error: expect.stringContaining('set alertEmailSender on ServerlessJobs'),
      }),
    ]);
  });

  it('posts to Slack at the webhook URL read from the secret the config names', async () => {
    stubDeployedEnvironment();
    stubAlertConfigTable({ slackWebhookSecret: 'acme/slack-ops' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'acme/slack-ops' })
      .resolves({ SecretString: 'https://hooks.slack.test/services/T/B/x' });
    const fetch = vi.fn(async () => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const handler = alertsHandler([dailyReport]);

    await handler(batch(streamRecord(runItem(attempt()))), lambdaContext());

    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0]).toEqual([
      'https://hooks.slack.test/services/T/B/x',
      expect.objectContaining({ method: 'POST' }),
    ]);
    expect(recordedDeliveries()).toEqual([
      expect.objectContaining({ channel: 'slack', delivered: true }),
    ]);
  });

  it('fails at start with every missing variable named', () => {
    vi.stubEnv('JOBS_ALERT_CONFIG_TABLE', '');
    vi.stubEnv('JOBS_APP_NAME', '');

    expect(() => alertsHandler([dailyReport])).toThrow(
      "The alerts function's environment is incomplete: JOBS_ALERT_CONFIG_TABLE is not set; JOBS_APP_NAME is not set.",
    );
  });

  it('reads the optional settings only when they are set', () => {
    expect(
      readAlertsEnvironment({
        JOBS_ALERT_CONFIG_TABLE: 'acme_alert-config',
        JOBS_APP_NAME: 'acme',
        JOBS_DASHBOARD_URL: '',
      }),
    ).toEqual({ alertConfigTable: 'acme_alert-config', appName: 'acme' });
  });

  it('is allowed to read the secrets tagged with the tag the webhook errors name', () => {
    expect(WEBHOOK_SECRET_TAG).toBe(WEBHOOK_SECRET_APP_TAG);
  });
});
