import * as z from 'zod';
import { defineJob, JobResult } from '#shared';
import { daysOfMonth } from '../lib/calendar';
import { createSampleSalesSource } from '../lib/sales';
import sendEmail from './send-email.job';

/**
 * The finance report for a closed month. It has no schedule: run it by hand once the month's
 * books are closed, e.g. npx jobctl run month-end-report --input '{"month":"2026-10"}'.
 */
export default defineJob({
  displayName: 'Month-end report',
  description: 'Totals a closed month for finance; run on demand with the month as input.',
  enqueues: [sendEmail],
  queue: 'batch',
  retries: 0,
  timeout: '15 minutes',
  memoryMb: 1024,
  input: z.object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written as yyyy-mm')
      .meta({ examples: ['2026-10'] }),
    notify: z.email().optional(),
  }),
  deps: () => ({ sales: createSampleSalesSource() }),
  run: async (ctx) => {
    let orders = 0;
    let revenue = 0;
    for (const day of daysOfMonth(ctx.input.month)) {
      const summary = await ctx.deps.sales.summarize(day, { signal: ctx.signal });
      orders += summary.orders;
      revenue += summary.revenue;
    }
    if (ctx.input.notify) {
      await ctx.enqueue(sendEmail, {
        to: ctx.input.notify,
        subject: `Month-end report for ${ctx.input.month}`,
        body: `Orders: ${orders}\nRevenue: ${revenue.toFixed(2)}`,
      });
    }
    return JobResult.success(`${ctx.input.month}: ${orders} orders, ${revenue.toFixed(2)} revenue`)
      .withMetadata('orders', orders)
      .withMetadata('revenue', Math.round(revenue * 100) / 100);
  },
});
