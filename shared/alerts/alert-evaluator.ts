import { systemClock } from '../clock/system-clock';
import type { Execution } from '../executor/execution';
import type { JobRegistry } from '../executor/job-registry';
import { silentLogger } from '../logging/silent-logger';
import type { AlertConfigStore } from '../ports/alert-config-store';
import type { AlertLog, AlertRecord } from '../ports/alert-log';
import type { AlertThrottle } from '../ports/alert-throttle';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Notifier } from '../ports/notifier';
import type { AlertConfig } from './alert-config';
import type { AlertDelivery, AlertMessage, AlertReason, AlertTarget } from './alert-message';
import { alertReasons, effectiveRules } from './alert-rules';

export interface AlertEvaluatorDependencies {
  readonly alertConfigStore: AlertConfigStore;
  readonly throttle: AlertThrottle;
  /** Records each alert, and keeps an attempt from being alerted twice. */
  readonly alertLog: AlertLog;
  /** One per channel; a channel without a notifier is reported as not delivered. */
  readonly notifiers: readonly Notifier[];
  /** The job definitions, for display names and the rules their definitions set. */
  readonly jobs: JobRegistry;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The dashboard's address, for a link to the run. @default - no link */
  readonly dashboardUrl?: string;
  /** How the CLI is invoked for this app, for the command in each alert. @default 'npx jobctl' */
  readonly commandPrefix?: string;
}

/** Decides, for each ended attempt, whether anyone hears about it, and tells them. */
export interface AlertEvaluator {
  /**
   * Evaluates one attempt's outcome. Throws only when the alert config or the alert log cannot
   * be read or written, so that the caller (the stream's event source mapping) retries it;
   * delivery failures never throw: they are recorded.
   */
  handle(execution: Execution): Promise<void>;
}

/**
 * The alert pipeline, off the job's hot path: the alerts Lambda runs it on the executions
 * table's stream, the local runtime after each run. For an attempt whose outcome meets the job's
 * rules, it claims the attempt's alert (once, whatever redelivers it), asks the throttle, and
 * notifies every configured channel side by side, so that one channel's outage never holds up
 * another.
 */
export function createAlertEvaluator(dependencies: AlertEvaluatorDependencies): AlertEvaluator {
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger ?? silentLogger;
  const notifierOf = new Map(
    dependencies.notifiers.map((notifier) => [notifier.channel, notifier]),
  );

  return {
    async handle(execution) {
      const job = dependencies.jobs.get(execution.jobName);
      const { config, source } = await dependencies.alertConfigStore.get(execution.jobName);
      const rules = effectiveRules(config, source, job?.alerts);
      const reasons = alertReasons(execution, rules);
      if (reasons.length === 0) return;
      const { jobName, runId, attempt } = execution;
      if (!(await dependencies.alertLog.claim(jobName, runId, attempt))) return;

      const at = new Date(clock.now()).toISOString();
      const record = (outcome: AlertRecord['outcome'], deliveries: readonly AlertDelivery[] = []) =>
        dependencies.alertLog.record({ jobName, runId, attempt, reasons, at, outcome, deliveries });
      const targets = targetsOf(config);
      if (targets.length === 0) {
        logger.warn('An alert has no one to go to: set emailRecipients or a webhook secret', {
          jobName,
          runId,
          reasons,
        });
        await record('no_recipients');
        return;
      }

      let permit: Awaited<ReturnType<AlertThrottle['acquire']>>;
      try {
        permit = await dependencies.throttle.acquire(jobName, config.maxAlertsPerHour);
      } catch (error) {
        // Nothing was sent: let the stream's retry claim the attempt again.
        await dependencies.alertLog.release(jobName, runId, attempt);
        throw error;
      }
      if (!permit.allowed) {
        logger.info('An alert was held back: the job reached maxAlertsPerHour', {
          jobName,
          runId,
          maxAlertsPerHour: config.maxAlertsPerHour,
        });
        await record('suppressed');
        return;
      }

      const alert = alertMessage(execution, reasons, {
        displayName: job?.displayName ?? jobName,
        suppressedBefore: permit.suppressedBefore,
        ...(rules.onDurationOverMs !== undefined
          ? { durationThresholdMs: rules.onDurationOverMs }
          : {}),
        commandPrefix: dependencies.commandPrefix ?? 'npx jobctl',
        ...(dependencies.dashboardUrl ? { dashboardUrl: dependencies.dashboardUrl } : {}),
      });
      const deliveries = await Promise.all(
        targets.map((target) => deliver(notifierOf.get(target.channel), alert, target)),
      );
      for (const delivery of deliveries) {
        const attributes = { jobName, runId, attempt, ...delivery };
        if (delivery.delivered) logger.info('Alert delivered', attributes);
        else logger.error('Alert not delivered', attributes);
      }
      await record('sent', deliveries);
    },
  };
}

function targetsOf(config: AlertConfig): AlertTarget[] {
  return [
    ...(config.emailRecipients.length > 0
      ? [{ channel: 'email' as const, recipients: config.emailRecipients }]
      : []),
    ...(config.slackWebhookSecret
      ? [{ channel: 'slack' as const, webhookSecret: config.slackWebhookSecret }]
      : []),
    ...(config.teamsWebhookSecret
      ? [{ channel: 'teams' as const, webhookSecret: config.teamsWebhookSecret }]
      : []),
  ];
}

async function deliver(
  notifier: Notifier | undefined,
  alert: AlertMessage,
  target: AlertTarget,
): Promise<AlertDelivery> {
  if (!notifier) {
    return {
      channel: target.channel,
      delivered: false,
      tries: 0,
      error: `No ${target.channel} notifier is set up for this app`,
    };
  }
  try {
    return await notifier.notify(alert, target);
  } catch (error) {
    // The port says notifiers never throw; one that does must not cost the other channels.
    return {
      channel: target.channel,
      delivered: false,
      tries: 1,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

function alertMessage(
  execution: Execution,
  reasons: readonly AlertReason[],
  context: {
    readonly displayName: string;
    readonly suppressedBefore: number;
    readonly durationThresholdMs?: number;
    readonly commandPrefix: string;
    readonly dashboardUrl?: string;
  },
): AlertMessage {
  const { jobName, runId } = execution;
  return {
    jobName,
    displayName: context.displayName,
    runId,
    attempt: execution.attempt,
    maxAttempts: execution.maxAttempts,
    trigger: execution.trigger,
    ...(execution.triggeredBy ? { triggeredBy: execution.triggeredBy } : {}),
    ...(execution.scheduledTime ? { scheduledTime: execution.scheduledTime } : {}),
    status: execution.status,
    reasons,
    startedAt: execution.startedAt,
    ...(execution.completedAt ? { completedAt: execution.completedAt } : {}),
    ...(execution.durationMs !== undefined ? { durationMs: execution.durationMs } : {}),
    ...(reasons.includes('duration') && context.durationThresholdMs !== undefined
      ? { durationThresholdMs: context.durationThresholdMs }
      : {}),
    ...(execution.message ? { message: execution.message } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    ...(context.suppressedBefore > 0 ? { suppressedBefore: context.suppressedBefore } : {}),
    ...(context.dashboardUrl
      ? {
          runUrl: `${context.dashboardUrl.replace(/\/$/, '')}/#/jobs/${encodeURIComponent(jobName)}/runs/${encodeURIComponent(runId)}`,
        }
      : {}),
    command: `${context.commandPrefix} history ${jobName}`,
  };
}
