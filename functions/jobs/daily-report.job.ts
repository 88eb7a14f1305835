import * as z from 'zod';
import { defineJob, JobResult } from '#shared';
import { previousDay } from '../lib/calendar';
import { createSampleSalesSource } from '../lib/sales';
import sendEmail from './send-email.job';

const TIMEZONE = 'Europe/London';
const SALES_TEAM = ['sales@example.com'];

/** Yesterday's sales, every morning at 07:00 London time, emailed to the sales team. */
export default defineJob({
  displayName: 'Daily sales report',
  description: "Summarises yesterday's sales at 07:00 London time and emails the sales team.",
  schedule: { cron: '0 7 * * *', timezone: TIMEZONE },
  retries: 2,
  enqueues: [sendEmail],
  timeout: '2 minutes',
  input: z
    .object({
      day: z.iso.date().optional(),
      recipients: z.array(z.email()).min(1).default(SALES_TEAM),
    })
    .default({ recipients: SALES_TEAM }),
  deps: () => ({ sales: createSampleSalesSource() }),
  run: async (ctx) => {
    const day = ctx.input.day ?? previousDay(ctx.scheduledTime ?? new Date(), TIMEZONE);
    const summary = await ctx.deps.sales.summarize(day, { signal: ctx.signal });
    const body = `Orders: ${summary.orders}\nRevenue: ${summary.revenue.toFixed(2)}`;
    for (const to of ctx.input.recipients) {
      await ctx.enqueue(sendEmail, { to, subject: `Sales for ${day}`, body });
    }
    return JobResult.success(`Reported ${summary.orders} orders for ${day}`)
      .withMetadata('day', day)
      .withMetadata('orders', summary.orders)
      .withMetadata('emails', ctx.input.recipients.length);
  },
});
