import { describe, expect, it } from 'vitest';
import { createAlertEvaluator } from '../../../shared/alerts/alert-evaluator';
import type {
  AlertDelivery,
  AlertMessage,
  AlertTarget,
} from '../../../shared/alerts/alert-message';
import { validAlertConfig } from '../../../shared/alerts/validate-alert-config';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { Execution } from '../../../shared/executor/execution';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { defineJob } from '../../../shared/job/define-job';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import type { Notifier } from '../../../shared/ports/notifier';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';
import { InMemoryAlertLog } from '../../../shared/stores/in-memory-alert-log';
import { InMemoryAlertThrottle } from '../../../shared/stores/in-memory-alert-throttle';

const job = defineJob({
  name: 'daily-report',
  displayName: 'Daily sales report',
  retries: 2,
  run: async () => {},
});

class FakeNotifier implements Notifier {
  readonly sent: { alert: AlertMessage; target: AlertTarget }[] = [];

  constructor(
    readonly channel: AlertTarget['channel'],
    private readonly answer: (() => Promise<AlertDelivery>) | undefined = undefined,
  ) {}

  async notify(alert: AlertMessage, target: AlertTarget): Promise<AlertDelivery> {
    this.sent.push({ alert, target });
    return this.answer ? this.answer() : { channel: this.channel, delivered: true, tries: 1 };
  }
}

function lastAttemptFailed(overrides: Partial<Execution> = {}): Execution {
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
    error: {
      name: 'Error',
      message: 'sales API answered 503',
      stack: 'Error: sales API answered 503',
    },
    ...overrides,
  };
}

async function setup(config: Record<string, unknown>, notifiers: Notifier[]) {
  const alertConfigStore = new InMemoryAlertConfigStore();
  await alertConfigStore.put('daily-report', validAlertConfig('daily-report', config));
  const alertLog = new InMemoryAlertLog();
  const logger = new MemoryLogger();
  const clock = new ManualClock('2026-12-01T07:00:03Z');
  const evaluator = createAlertEvaluator({
    alertConfigStore,
    throttle: new InMemoryAlertThrottle(clock),
    alertLog,
    notifiers,
    jobs: JobRegistry.from([job]),
    clock,
    logger,
    dashboardUrl: 'http://localhost:3000',
  });
  return { evaluator, alertLog, logger };
}

describe('createAlertEvaluator', () => {
  it('tells every configured channel about a run that failed for good, with the facts', async () => {
    const email = new FakeNotifier('email');
    const slack = new FakeNotifier('slack');
    const { evaluator, alertLog } = await setup(
      { emailRecipients: ['ops@example.com'], slackWebhookSecret: 'jobs/slack' },
      [email, slack],
    );

    await evaluator.handle(lastAttemptFailed());

    expect(email.sent[0]?.target).toEqual({ channel: 'email', recipients: ['ops@example.com'] });
    expect(slack.sent[0]?.target).toEqual({ channel: 'slack', webhookSecret: 'jobs/slack' });
    expect(slack.sent[0]?.alert).toMatchObject({
      jobName: 'daily-report',
      displayName: 'Daily sales report',
      runId: 'run-7',
      attempt: 3,
      maxAttempts: 3,
      trigger: 'schedule',
      reasons: ['failure', 'dead_letter'],
      durationMs: 2_500,
      error: { message: 'sales API answered 503' },
      runUrl: 'http://localhost:3000/#/jobs/daily-report/runs/run-7',
      command: 'npx jobctl history daily-report',
    });
    expect(alertLog.list()).toMatchObject([
      { outcome: 'sent', reasons: ['failure', 'dead_letter'] },
    ]);
  });

  it('says nothing while a failed run still has retries left', async () => {
    const slack = new FakeNotifier('slack');
    const { evaluator, alertLog } = await setup({ slackWebhookSecret: 'jobs/slack' }, [slack]);

    await evaluator.handle(lastAttemptFailed({ attempt: 1, willRetry: true }));

    expect(slack.sent).toEqual([]);
    expect(alertLog.list()).toEqual([]);
  });

  it('records a channel that failed and still delivers on the others', async () => {
    const email = new FakeNotifier('email', async () => {
      throw new Error('SES is down');
    });
    const teams = new FakeNotifier('teams', async () => ({
      channel: 'teams',
      delivered: false,
      tries: 3,
      error: 'HTTP 500',
    }));
    const slack = new FakeNotifier('slack');
    const { evaluator, alertLog } = await setup(
      {
        emailRecipients: ['ops@example.com'],
        slackWebhookSecret: 'jobs/slack',
        teamsWebhookSecret: 'jobs/teams',
      },
      [email, slack, teams],
    );

    await evaluator.handle(lastAttemptFailed());

    expect(slack.sent).toHaveLength(1);
    expect(alertLog.list()[0]?.deliveries).toEqual([
      { channel: 'email', delivered: false, tries: 1, error: 'SES is down' },
      { channel: 'slack', delivered: true, tries: 1 },
      { channel: 'teams', delivered: false, tries: 3, error: 'HTTP 500' },
    ]);
  });

  it('holds alerts back beyond maxAlertsPerHour and records them as suppressed', async () => {
    const slack = new FakeNotifier('slack');
    const { evaluator, alertLog } = await setup(
      { slackWebhookSecret: 'jobs/slack', maxAlertsPerHour: 1 },
      [slack],
    );

    await evaluator.handle(lastAttemptFailed({ runId: 'run-1' }));
    await evaluator.handle(lastAttemptFailed({ runId: 'run-2' }));

    expect(slack.sent.map((sent) => sent.alert.runId)).toEqual(['run-1']);
    expect(alertLog.list().map((alert) => alert.outcome)).toEqual(['sent', 'suppressed']);
  });

  it('records an alert with no one to send it to, and warns', async () => {
    const { evaluator, alertLog, logger } = await setup({}, [new FakeNotifier('email')]);

    await evaluator.handle(lastAttemptFailed());

    expect(alertLog.list()).toMatchObject([{ outcome: 'no_recipients' }]);
    expect(logger.entries.map((entry) => entry.message)).toContain(
      'An alert has no one to go to: set emailRecipients or a webhook secret',
    );
  });

  it('lets a retry alert an attempt whose first evaluation failed before anything was sent', async () => {
    const slack = new FakeNotifier('slack');
    const alertConfigStore = new InMemoryAlertConfigStore();
    await alertConfigStore.put(
      'daily-report',
      validAlertConfig('daily-report', { slackWebhookSecret: 'jobs/slack' }),
    );
    const clock = new ManualClock('2026-12-01T07:00:03Z');
    const throttle = new InMemoryAlertThrottle(clock);
    let outage = true;
    const evaluator = createAlertEvaluator({
      alertConfigStore,
      throttle: {
        acquire: async (jobName, max) => {
          if (outage) throw new Error('DynamoDB is throttling');
          return throttle.acquire(jobName, max);
        },
      },
      alertLog: new InMemoryAlertLog(),
      notifiers: [slack],
      jobs: JobRegistry.from([job]),
      clock,
    });

    await expect(evaluator.handle(lastAttemptFailed())).rejects.toThrow('DynamoDB is throttling');
    outage = false;
    await evaluator.handle(lastAttemptFailed());

    expect(slack.sent).toHaveLength(1);
  });
});
