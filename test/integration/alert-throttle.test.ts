import { describe, expect, it, onTestFinished } from 'vitest';
import { createAlertEvaluator } from '../../shared/alerts/alert-evaluator';
import type { AlertDelivery, AlertMessage, AlertTarget } from '../../shared/alerts/alert-message';
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

const dynamoDb = useDynamoDb();

const job = defineJob({ name: 'nightly-import', retries: 0, run: async () => {} });

/** Records what it is asked to send, as a Slack webhook would receive it. */
class RecordingNotifier implements Notifier {
  readonly channel = 'slack' as const;
  readonly sent: AlertMessage[] = [];

  async notify(alert: AlertMessage, _target: AlertTarget): Promise<AlertDelivery> {
    this.sent.push(alert);
    return { channel: 'slack', delivered: true, tries: 1 };
  }
}

function failure(runId: string, completedAt: Date): Execution {
  return {
    jobName: 'nightly-import',
    runId,
    attempt: 1,
    maxAttempts: 1,
    trigger: 'schedule',
    status: 'failed',
    startedAt: new Date(completedAt.getTime() - 1_000).toISOString(),
    completedAt: completedAt.toISOString(),
    durationMs: 1_000,
    willRetry: false,
    error: { name: 'Error', message: 'the upstream file is missing' },
  };
}

async function evaluatorOnDynalite(maxAlertsPerHour: number, clock: ManualClock) {
  const tables = await createUniqueTables(dynamoDb.current);
  const client = dynamoDb.current.createClient();
  onTestFinished(() => client.destroy());
  const alertConfigStore = new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig });
  await alertConfigStore.put(
    'nightly-import',
    validAlertConfig('nightly-import', { slackWebhookSecret: 'jobs/slack', maxAlertsPerHour }),
  );
  const notifier = new RecordingNotifier();
  const evaluator = createAlertEvaluator({
    alertConfigStore,
    throttle: new DynamoDbAlertThrottle({ client, tableName: tables.alertConfig, clock }),
    alertLog: new DynamoDbAlertLog({ client, tableName: tables.alertConfig, clock }),
    notifiers: [notifier],
    jobs: JobRegistry.from([job]),
    clock,
  });
  return { evaluator, notifier };
}

/**
 * moto_server 5.2 serves requests on threads (`threaded=True`) and its DynamoDB backend takes no
 * lock around a conditional write's check and write, so two concurrent conditional updates of
 * one item can both pass (6 alerts for a limit of 5, seen under load). DynamoDB documents
 * conditional writes as atomic per item, which dynalite honours: the concurrency test runs there.
 */
const MOTO_CONDITIONAL_WRITES_RACE = awsTestServerNames.dynamoDb === 'moto';

describe(`alert throttling on ${awsTestServerNames.dynamoDb}`, () => {
  it.skipIf(MOTO_CONDITIONAL_WRITES_RACE)(
    'sends exactly maxAlertsPerHour alerts for 50 concurrent failures, and reports the rest later',
    async () => {
      const clock = new ManualClock('2026-12-01T10:05:00Z');
      const { evaluator, notifier } = await evaluatorOnDynalite(5, clock);

      await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          evaluator.handle(failure(`run-${index}`, new Date(clock.now()))),
        ),
      );
      const sentInTheHour = notifier.sent.length;
      clock.set('2026-12-01T11:00:30Z');
      await evaluator.handle(failure('run-next-hour', new Date(clock.now())));

      expect(sentInTheHour).toBe(5);
      expect(notifier.sent.slice(0, 5).every((alert) => alert.suppressedBefore === undefined)).toBe(
        true,
      );
      expect(notifier.sent[5]).toMatchObject({ runId: 'run-next-hour', suppressedBefore: 45 });
    },
  );

  it('alerts an attempt once however often the stream delivers it', async () => {
    const clock = new ManualClock('2026-12-01T10:05:00Z');
    const { evaluator, notifier } = await evaluatorOnDynalite(5, clock);
    const execution = failure('run-redelivered', new Date(clock.now()));

    await Promise.all([evaluator.handle(execution), evaluator.handle(execution)]);
    await evaluator.handle(execution);

    expect(notifier.sent.map((alert) => alert.runId)).toEqual(['run-redelivered']);
  });
});
