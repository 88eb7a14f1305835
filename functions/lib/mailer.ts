export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

export interface Mailer {
  send(message: EmailMessage, options?: { signal?: AbortSignal }): Promise<{ messageId: string }>;
}

/**
 * The example jobs' mailer: it writes each email to standard output as one JSON line. Replace it
 * with SES or your SMTP relay in your own project; tests replace it with a fake.
 */
export function createStdoutMailer(): Mailer {
  let sent = 0;
  return {
    async send(message) {
      sent += 1;
      const messageId = `stdout-${Date.now()}-${sent}`;
      process.stdout.write(`${JSON.stringify({ email: message, messageId })}\n`);
      return { messageId };
    },
  };
}
