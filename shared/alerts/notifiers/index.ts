// The alert notifiers: email (SES, or the local outbox), Slack and Teams, and what they share.

export {
  type AlertEmail,
  alertEmail,
  preparedEmail,
  recipientBatches,
  SES_MAX_RECIPIENTS,
  SesEmailNotifier,
  type SesEmailNotifierOptions,
} from './email-notifier';
export {
  NotifierConfigError,
  WebhookSecretError,
  type WebhookSecretProblem,
} from './notifier-errors';
export {
  DEFAULT_OUTBOX_FILE,
  type OutboxEmail,
  OutboxEmailNotifier,
  type OutboxEmailNotifierOptions,
} from './outbox-email-notifier';
export {
  escapeMrkdwn,
  SLACK_LIMITS,
  type SlackBlock,
  SlackNotifier,
  type SlackPayload,
  type SlackText,
  slackPayload,
} from './slack-notifier';
export {
  escapeCardMarkdown,
  TEAMS_CARD_VERSION,
  TEAMS_MESSAGE_MAX_BYTES,
  type TeamsAdaptiveCard,
  type TeamsElement,
  TeamsNotifier,
  type TeamsPayload,
  teamsPayload,
} from './teams-notifier';
export {
  deliverWebhook,
  parseRetryAfter,
  WEBHOOK_DELIVERY_DEFAULTS,
  type WebhookDeliveryOptions,
  type WebhookDeliveryResult,
} from './webhook-delivery';
export { notifyWebhook, type WebhookNotifierOptions } from './webhook-notifier';
export {
  parseWebhookUrl,
  SecretsManagerWebhookResolver,
  type SecretsManagerWebhookResolverOptions,
  WEBHOOK_SECRET_APP_TAG,
  type WebhookUrlResolver,
} from './webhook-secrets';
