import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../ports/logger';
import type { Notifier } from '../../ports/notifier';
import type { AlertDelivery, AlertMessage, AlertTarget } from '../alert-message';
import { preparedEmail } from './email-notifier';

export interface OutboxEmailNotifierOptions {
  readonly logger: Logger;
  /** The JSON-lines file each email is appended to. @default '.data/outbox.jsonl' */
  readonly file?: string;
  /** The sender the email would have. @default 'jobs@localhost' */
  readonly fromAddress?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** One email as the outbox keeps it: one JSON line per email. */
export interface OutboxEmail {
  readonly at: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly jobName: string;
  readonly runId: string;
}

export const DEFAULT_OUTBOX_FILE = '.data/outbox.jsonl';

/**
 * The local runtime's email: appends each email, as it would be sent, to a JSON-lines file and
 * logs one line, so a developer sees what the deployed app would send without an AWS account.
 */
export class OutboxEmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly options: OutboxEmailNotifierOptions;

  constructor(options: OutboxEmailNotifierOptions) {
    this.options = options;
  }

  get file(): string {
    return this.options.file ?? DEFAULT_OUTBOX_FILE;
  }

  async notify(alert: AlertMessage, target: AlertTarget): Promise<AlertDelivery> {
    const prepared = preparedEmail(alert, target, Number.POSITIVE_INFINITY);
    if ('delivered' in prepared) return prepared;
    const { email } = prepared;
    const to = prepared.batches[0] ?? [];
    const entry: OutboxEmail = {
      at: (this.options.now?.() ?? new Date()).toISOString(),
      from: this.options.fromAddress ?? 'jobs@localhost',
      to,
      subject: email.subject,
      text: email.text,
      jobName: alert.jobName,
      runId: alert.runId,
    };
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await appendFile(this.file, `${JSON.stringify(entry)}\n`, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        channel: 'email',
        delivered: false,
        tries: 1,
        error: `Could not write to the outbox ${this.file}: ${reason}`,
      };
    }
    this.options.logger.info(
      `Email "${email.subject}" to ${to.join(', ')} (not sent: written to ${this.file})`,
      { jobName: alert.jobName, runId: alert.runId },
    );
    return { channel: 'email', delivered: true, tries: 1 };
  }
}
