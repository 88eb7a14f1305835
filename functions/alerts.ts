import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createAlertEvaluator } from '../shared/alerts/alert-evaluator';
import {
  type AlertsHandler,
  createAlertsStreamHandler,
} from '../shared/alerts/alerts-stream-handler';
import { SesEmailNotifier } from '../shared/alerts/notifiers/email-notifier';
import { SlackNotifier } from '../shared/alerts/notifiers/slack-notifier';
import { TeamsNotifier } from '../shared/alerts/notifiers/teams-notifier';
import { SecretsManagerWebhookResolver } from '../shared/alerts/notifiers/webhook-secrets';
import { JobsError } from '../shared/errors';
import { JobRegistry } from '../shared/executor/job-registry';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { powertoolsLogger } from '../shared/logging/powertools-logger';
import type { Notifier } from '../shared/ports/notifier';
import { DynamoDbAlertConfigStore } from '../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbAlertLog } from '../shared/stores/dynamodb/dynamodb-alert-log';
import { DynamoDbAlertThrottle } from '../shared/stores/dynamodb/dynamodb-alert-throttle';
import { WORKER_ENVIRONMENT } from '../shared/worker/worker-environment';

/** The alerts function's configuration, read from the environment the CDK stack sets. */
export interface AlertsEnvironment {
  readonly alertConfigTable: string;
  readonly appName: string;
  /** Absent when email alerts are not configured (`alertEmailSender`). */
  readonly emailSender?: string;
  readonly dashboardUrl?: string;
  readonly commandPrefix?: string;
}

/** Reads the environment, naming every missing variable at once. */
export function readAlertsEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AlertsEnvironment {
  const value = (name: string) => (env[name] ? env[name] : undefined);
  const alertConfigTable = value(WORKER_ENVIRONMENT.alertConfigTable);
  const appName = value(WORKER_ENVIRONMENT.appName);
  if (!alertConfigTable || !appName) {
    const missing = [
      ...(alertConfigTable ? [] : [WORKER_ENVIRONMENT.alertConfigTable]),
      ...(appName ? [] : [WORKER_ENVIRONMENT.appName]),
    ];
    throw new JobsError(
      `The alerts function's environment is incomplete: ${missing.map((name) => `${name} is not set`).join('; ')}. These are set by the CDK stack; redeploy it, or set them when running the handler elsewhere.`,
    );
  }
  const emailSender = value(WORKER_ENVIRONMENT.alertEmailSender);
  const dashboardUrl = value(WORKER_ENVIRONMENT.dashboardUrl);
  const commandPrefix = value(WORKER_ENVIRONMENT.alertCommandPrefix);
  return {
    alertConfigTable,
    appName,
    ...(emailSender ? { emailSender } : {}),
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(commandPrefix ? { commandPrefix } : {}),
  };
}

/**
 * Stands in for email when the app has no sender: an alert for email recipients is recorded as
 * not delivered, saying how to turn email on, while Slack and Teams still go out.
 */
export const EMAIL_NOT_CONFIGURED: Notifier = {
  channel: 'email',
  notify: async () => ({
    channel: 'email',
    delivered: false,
    tries: 0,
    error:
      'Email alerts are not configured for this app: set alertEmailSender on ServerlessJobs (an address verified in Amazon SES) and deploy again.',
  }),
};

/**
 * The alerts Lambda's handler for the executions table's stream. Clients, stores and notifiers
 * are built once per container, from the environment the CDK stack sets; the job definitions
 * give display names and the alert rules their definitions set.
 */
export function createLambdaAlerts(jobDefinitions: readonly AnyJobDefinition[]): AlertsHandler {
  const environment = readAlertsEnvironment();
  const logger = powertoolsLogger(new Logger({ serviceName: 'jobs-alerts' }));
  const client = new DynamoDBClient({});
  const tableName = environment.alertConfigTable;
  const webhookUrls = new SecretsManagerWebhookResolver({
    secretsClient: new SecretsManagerClient({}),
    appName: environment.appName,
  });
  const notifiers: Notifier[] = [
    environment.emailSender
      ? new SesEmailNotifier({
          sesClient: new SESv2Client({}),
          fromAddress: environment.emailSender,
        })
      : EMAIL_NOT_CONFIGURED,
    new SlackNotifier({ webhookUrls }),
    new TeamsNotifier({ webhookUrls }),
  ];
  if (!environment.emailSender) {
    logger.info('Email alerts are not configured: alerts go to Slack and Teams only', {
      fix: 'set alertEmailSender on ServerlessJobs and deploy again',
    });
  }
  const evaluator = createAlertEvaluator({
    alertConfigStore: new DynamoDbAlertConfigStore({ client, tableName }),
    throttle: new DynamoDbAlertThrottle({ client, tableName }),
    alertLog: new DynamoDbAlertLog({ client, tableName }),
    notifiers,
    jobs: JobRegistry.from(jobDefinitions),
    logger,
    ...(environment.dashboardUrl ? { dashboardUrl: environment.dashboardUrl } : {}),
    ...(environment.commandPrefix ? { commandPrefix: environment.commandPrefix } : {}),
  });
  return createAlertsStreamHandler({ evaluator, logger });
}
