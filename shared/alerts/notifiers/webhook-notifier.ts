import type { AlertDelivery, AlertMessage, AlertTarget } from '../alert-message';
import { deliverWebhook, type WebhookDeliveryOptions } from './webhook-delivery';
import type { WebhookUrlResolver } from './webhook-secrets';

export interface WebhookNotifierOptions {
  /** Reads each target's webhook URL from the secret it names. */
  readonly webhookUrls: WebhookUrlResolver;
  /** Tries, timeouts and backoff of each delivery. @default WEBHOOK_DELIVERY_DEFAULTS */
  readonly delivery?: WebhookDeliveryOptions;
}

type WebhookChannel = 'slack' | 'teams';

/**
 * What the Slack and Teams notifiers share: resolve the target's secret, build the payload,
 * deliver it with retries, and turn anything thrown into `delivered: false` with the reason, so
 * that one channel's failure never stops the others.
 */
export async function notifyWebhook(
  channel: WebhookChannel,
  alert: AlertMessage,
  target: AlertTarget,
  buildPayload: (alert: AlertMessage) => unknown,
  options: WebhookNotifierOptions,
): Promise<AlertDelivery> {
  if (target.channel !== channel) {
    return {
      channel,
      delivered: false,
      tries: 0,
      error: `The ${channel} notifier was given a ${target.channel} target`,
    };
  }
  let url: string;
  try {
    url = await options.webhookUrls.resolve(target.webhookSecret);
  } catch (error) {
    return { channel, delivered: false, tries: 0, error: messageOf(error) };
  }
  try {
    const { status: lastStatus, ...delivery } = await deliverWebhook(
      channel,
      url,
      buildPayload(alert),
      options.delivery,
    );
    // A webhook that is gone (revoked, channel archived) may have been replaced in its secret:
    // read the secret again next time rather than keep the dead URL for the cache's lifetime.
    if (!delivery.delivered && isGone(lastStatus)) {
      options.webhookUrls.forget(target.webhookSecret);
    }
    return delivery;
  } catch (error) {
    return { channel, delivered: false, tries: 0, error: messageOf(error) };
  }
}

function isGone(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
