import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Notifier } from '../../ports/notifier';
import type { AlertDelivery, AlertMessage, AlertTarget } from '../alert-message';
import { alertPlainText, formatAlert, truncate } from '../format-alert';
import { NotifierConfigError } from './notifier-errors';

/** An alert as an email: a one-line subject and a plain-text body. */
export interface AlertEmail {
  readonly subject: string;
  readonly text: string;
}

export interface SesEmailNotifierOptions {
  readonly sesClient: SESv2Client;
  /**
   * The sender, `alerts@example.com` or `Jobs <alerts@example.com>`: an address or domain
   * verified in SES in the function's region.
   */
  readonly fromAddress: string;
  /** @default - replies go to the sender */
  readonly replyToAddresses?: readonly string[];
  /** An SES configuration set, for event publishing or a dedicated IP pool. @default - none */
  readonly configurationSetName?: string;
}

/** SES refuses a message with more recipients than this (To, Cc and Bcc together). */
export const SES_MAX_RECIPIENTS = 50;

/** Subjects are one line; long ones are cut by mail clients anyway. */
const SUBJECT_LENGTH = 200;

/** The subject (the alert's title) and the plain-text body of `alert`'s email. */
export function alertEmail(alert: AlertMessage): AlertEmail {
  return {
    subject: truncate(formatAlert(alert).title.replace(/\s+/g, ' '), SUBJECT_LENGTH),
    text: alertPlainText(alert),
  };
}

/**
 * The recipients without blanks or duplicates (addresses compare without case), in groups of at
 * most {@link SES_MAX_RECIPIENTS}.
 */
export function recipientBatches(
  recipients: readonly string[],
  size: number = SES_MAX_RECIPIENTS,
): string[][] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const recipient of recipients) {
    const address = recipient.trim();
    if (!address || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    unique.push(address);
  }
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += size) {
    batches.push(unique.slice(start, start + size));
  }
  return batches;
}

/**
 * The email an alert makes, and its recipients in batches of `batchSize`; or, when there is
 * nothing to send (another channel's target, no recipients, text that cannot be written), the
 * delivery that says why. What every email notifier does before it sends.
 */
export function preparedEmail(
  alert: AlertMessage,
  target: AlertTarget,
  batchSize = SES_MAX_RECIPIENTS,
): { readonly email: AlertEmail; readonly batches: string[][] } | AlertDelivery {
  const failed = (error: string): AlertDelivery => ({
    channel: 'email',
    delivered: false,
    tries: 0,
    error,
  });
  if (target.channel !== 'email') {
    return failed(`The email notifier was given a ${target.channel} target`);
  }
  const batches = recipientBatches(target.recipients, batchSize);
  if (batches.length === 0) return failed('The alert has no recipients');
  try {
    return { email: alertEmail(alert), batches };
  } catch (error) {
    return failed(cannotWrite(error));
  }
}

/**
 * Sends alerts as plain-text email through Amazon SES (v2 `SendEmail`), one message to all the
 * target's recipients, or one per 50 when there are more. The SDK retries throttling and
 * server errors itself; `tries` reports the attempts it made.
 */
export class SesEmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly options: SesEmailNotifierOptions;

  constructor(options: SesEmailNotifierOptions) {
    if (!/@[^@\s>]+>?\s*$/.test(options.fromAddress)) {
      throw new NotifierConfigError(
        `The alert sender must be an email address such as "alerts@example.com" or "Jobs <alerts@example.com>", got "${options.fromAddress}"`,
      );
    }
    this.options = options;
  }

  async notify(alert: AlertMessage, target: AlertTarget): Promise<AlertDelivery> {
    const prepared = preparedEmail(alert, target);
    if ('delivered' in prepared) return prepared;
    const { email, batches } = prepared;
    let tries = 0;
    const errors: string[] = [];
    // One batch's failure does not keep the others from being sent.
    for (const batch of batches) {
      try {
        const output = await this.options.sesClient.send(this.command(alert, email, batch));
        tries = Math.max(tries, output.$metadata.attempts ?? 1);
      } catch (error) {
        tries = Math.max(tries, attemptsOf(error));
        const who =
          batches.length > 1 ? ` (to ${batch.length} of the recipients, ${batch[0]}...)` : '';
        errors.push(`${this.explain(error)}${who}`);
      }
    }
    return errors.length === 0
      ? { channel: 'email', delivered: true, tries }
      : { channel: 'email', delivered: false, tries, error: errors.join('; ') };
  }

  private command(alert: AlertMessage, email: AlertEmail, to: string[]): SendEmailCommand {
    const { replyToAddresses, configurationSetName } = this.options;
    return new SendEmailCommand({
      FromEmailAddress: this.options.fromAddress,
      Destination: { ToAddresses: to },
      ...(replyToAddresses?.length && { ReplyToAddresses: [...replyToAddresses] }),
      ...(configurationSetName && { ConfigurationSetName: configurationSetName }),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
        },
      },
      // Tags let a configuration set's events (bounces, complaints) be traced to the job.
      EmailTags: [{ Name: 'job', Value: tagValue(alert.jobName) }],
    });
  }

  private explain(error: unknown): string {
    const name = error instanceof Error ? error.name : 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    switch (name) {
      case 'MessageRejected':
        return `SES rejected the email: ${detail}. In the SES sandbox every recipient must be a verified identity: verify them, or request production access.`;
      case 'MailFromDomainNotVerifiedException':
      case 'NotFoundException':
        return `SES cannot send as "${this.options.fromAddress}" (${name}: ${detail}): verify the sender's address or domain in SES in this region.`;
      case 'AccessDeniedException':
        return `The alerts function may not send as "${this.options.fromAddress}" (${detail}): its role needs ses:SendEmail on that identity.`;
      case 'AccountSuspendedException':
      case 'SendingPausedException':
        return `SES is not sending email for this account or configuration set (${name}: ${detail}).`;
      default:
        return `${name}: ${detail}`;
    }
  }
}

/** For an alert too malformed to write, which the port says must not throw. */
function cannotWrite(error: unknown): string {
  return `Could not write the alert's email: ${error instanceof Error ? error.message : String(error)}`;
}

function attemptsOf(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata
    ?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

/** SES tag values allow letters, digits, `_` and `-` only, up to 256 characters. */
function tagValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}
