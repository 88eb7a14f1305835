import type { Logger } from '../../ports/logger';
import type { Notifier } from '../../ports/notifier';

const FIX = 'set alertEmailSender on ServerlessJobs (an address verified in Amazon SES)';

/**
 * Stands in for email when the app has no sender: an alert for email recipients is recorded as
 * not delivered, saying how to turn email on, while Slack and Teams still go out. Says so in the
 * log once, when the function starts.
 */
export function emailNotConfigured(logger: Logger): Notifier {
  logger.info('Email alerts are not configured: alerts go to Slack and Teams only', {
    fix: `${FIX} and deploy again`,
  });
  return {
    channel: 'email',
    notify: async () => ({
      channel: 'email',
      delivered: false,
      tries: 0,
      error: `Email alerts are not configured for this app: ${FIX} and deploy again.`,
    }),
  };
}
