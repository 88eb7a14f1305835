import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { readAlertsEnvironment } from '../shared/alerts/alerts-environment';
import { createAlerts } from '../shared/alerts/create-alerts';
import { emailNotConfigured } from '../shared/alerts/notifiers/email-not-configured';
import { SesEmailNotifier } from '../shared/alerts/notifiers/email-notifier';
import { SlackNotifier } from '../shared/alerts/notifiers/slack-notifier';
import { TeamsNotifier } from '../shared/alerts/notifiers/teams-notifier';
import { SecretsManagerWebhookResolver } from '../shared/alerts/notifiers/webhook-secrets';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { dynamoDbAlertStores } from '../shared/stores/dynamodb/dynamodb-alert-stores';
import { DynamoDbRunStats } from '../shared/stores/dynamodb/dynamodb-run-stats';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';

/** The alerts function's handler, for the executions table's stream; built once per container. */
export function alertsHandler(jobs: readonly AnyJobDefinition[]) {
  const { alertConfigTable, appName, emailSender, ...links } = readAlertsEnvironment();
  const observability = lambdaObservability({ serviceName: 'jobs-alerts' });
  const secretsClient = new SecretsManagerClient({});
  const webhookUrls = new SecretsManagerWebhookResolver({ secretsClient, appName });
  const email = emailSender
    ? new SesEmailNotifier({ sesClient: new SESv2Client({}), fromAddress: emailSender })
    : emailNotConfigured(observability.logger);
  const client = new DynamoDBClient(SDK_RETRY_SETTINGS);
  const alerts = createAlerts({
    ...dynamoDbAlertStores({ client, tableName: alertConfigTable }),
    stats: new DynamoDbRunStats({ client, tableName: alertConfigTable }),
    notifiers: [email, new SlackNotifier({ webhookUrls }), new TeamsNotifier({ webhookUrls })],
    jobs,
    logger: observability.logger,
    ...links,
  });
  return lambdaHandler(alerts.streamHandler, observability);
}
