import type { AlertDelivery, AlertMessage, AlertTarget } from '../alerts/alert-message';

/**
 * Delivers alerts on one channel (email, Slack, Teams). It never throws: a delivery that fails
 * after its retries comes back as `delivered: false` with the reason, so that one channel's
 * outage never keeps the others from being tried, nor fails the run that caused the alert.
 */
export interface Notifier {
  readonly channel: AlertTarget['channel'];
  notify(alert: AlertMessage, target: AlertTarget): Promise<AlertDelivery>;
}
