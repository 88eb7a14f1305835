import { describe, expect, it, onTestFinished } from 'vitest';
import { createAlertEvaluator } from '../../shared/alerts/alert-evaluator';
import type { AlertDelivery, AlertMessage } from '../../shared/alerts/alert-message';
import { validAlertConfig } from '../../shared/alerts/validate-alert-config';
import { ManualClock } from '../../shared/clock/manual-clock';
import type { Execution } from '../../shared/executor/execution';
import { JobRegistry } from '../../shared/executor/job-registry';
import { defineJob } from '../../shared/job/define-job';
import type { Notifier } from '../../shared/ports/notifier';
import { DynamoDbAlertConfigStore } from '../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbAlertLog } from '../../shared/stores/dynamodb/dynamodb-alert-log';
import { DynamoDbAlertThrottle } from '../../shared/stores/dynamodb/dynamodb-alert-throttle';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';
import { appFunctionDynamoDbGrants, enforceWorkerGrants } from '../support/worker-iam-guard';

const dynamoDb = useDynamoDb();

const failed: Execution = {
  jobName: 'nightly-import',
  runId: 'run-1',
  attempt: 1,
  maxAttempts: 1,
  trigger: 'schedule',
  status: 'failed',
  startedAt: '2026-12-01T10:00:00.000Z',
  completedAt: '2026-12-01T10:00:01.000Z',
  durationMs: 1_000,
  willRetry: false,
  error: { name: 'Error', message: 'the upstream file is missing' },
};

describe(`the alerts function's calls to DynamoDB, under its role, on ${awsTestServerNames.dynamoDb}`, () => {
  // Its calls are checked against the IAM statements the CDK app gives the alerts function's
  // role: a call the role does not allow fails with AccessDeniedException, as on AWS.
  it('gives back the claim of an alert it could not throttle, so that the retried batch sends it', async () => {
    const tables = await createUniqueTables(dynamoDb.current);
    const client = dynamoDb.current.createClient();
    onTestFinished(() => client.destroy());
    const denials = enforceWorkerGrants(
      client,
      appFunctionDynamoDbGrants((names) => names.alertsFunction),
      tables,
    );
    await new DynamoDbAlertConfigStore({
      client: dynamoDb.current.createClient(),
      tableName: tables.alertConfig,
    }).put(
      'nightly-import',
      validAlertConfig('nightly-import', { slackWebhookSecret: 'jobs/slack' }),
    );
    let throttleDown = true;
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (throttleDown && input.UpdateExpression?.includes('ADD')) {
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
            name: 'ProvisionedThroughputExceededException',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttle-counter' },
    );
    const sent: AlertMessage[] = [];
    const notifier: Notifier = {
      channel: 'slack',
      notify: async (alert): Promise<AlertDelivery> => {
        sent.push(alert);
        return { channel: 'slack', delivered: true, tries: 1 };
      },
    };
    const clock = new ManualClock('2026-12-01T10:05:00Z');
    const evaluator = createAlertEvaluator({
      alertConfigStore: new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig }),
      throttle: new DynamoDbAlertThrottle({ client, tableName: tables.alertConfig, clock }),
      alertLog: new DynamoDbAlertLog({ client, tableName: tables.alertConfig, clock }),
      notifiers: [notifier],
      jobs: JobRegistry.from([defineJob({ name: 'nightly-import', run: async () => {} })]),
      clock,
    });

    await expect(evaluator.handle(failed)).rejects.toThrow();
    throttleDown = false;
    await evaluator.handle(failed);

    expect(denials).toEqual([]);
    expect(sent).toHaveLength(1);
  });
});
