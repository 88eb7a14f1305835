import * as z from 'zod';
import { defineJob, JobResult } from '#shared';
import { createStdoutMailer } from '../lib/mailer';

/** Sends one email. Other jobs enqueue it and move on (fire-and-forget); failures retry. */
export default defineJob({
  name: 'send-email',
  displayName: 'Send email',
  description:
    'Sends one email; enqueued by other jobs, retried with backoff when the mailer fails.',
  queue: 'critical',
  retries: 5,
  timeout: 30,
  input: z.object({
    to: z.email(),
    subject: z.string().min(1).max(200),
    body: z.string(),
  }),
  deps: () => ({ mailer: createStdoutMailer() }),
  run: async (ctx) => {
    const { messageId } = await ctx.deps.mailer.send(ctx.input, { signal: ctx.signal });
    return JobResult.success(`Sent "${ctx.input.subject}" to ${ctx.input.to}`).withMetadata(
      'messageId',
      messageId,
    );
  },
});
