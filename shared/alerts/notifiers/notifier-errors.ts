import { JobsError } from '../../errors';

/** Why a webhook secret gave no usable URL. */
export type WebhookSecretProblem = 'not_found' | 'access_denied' | 'not_a_url' | 'unreadable';

/**
 * A Slack or Teams webhook URL could not be read from its Secrets Manager secret. The message
 * says which secret, what was wrong, and how to fix it; `problem` tells the cases apart.
 */
export class WebhookSecretError extends JobsError {
  override name = 'WebhookSecretError';

  constructor(
    readonly secretId: string,
    readonly problem: WebhookSecretProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A notifier built with options it cannot work with, such as a sender that is no address. */
export class NotifierConfigError extends JobsError {
  override name = 'NotifierConfigError';
}
