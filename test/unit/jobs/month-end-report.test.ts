import { describe, expect, it } from 'vitest';
import monthEndReport from '../../../functions/jobs/month-end-report.job';
import sendEmail from '../../../functions/jobs/send-email.job';
import type { EmailMessage } from '../../../functions/lib/mailer';
import { createTestInvoker } from '../../../shared/testing/index';

function setup() {
  const sent: EmailMessage[] = [];
  const invoker = createTestInvoker({
    jobs: [monthEndReport, sendEmail],
    deps: {
      'month-end-report': {
        sales: { summarize: async (day: string) => ({ day, orders: 2, revenue: 10 }) },
      },
      'send-email': {
        mailer: {
          send: async (message: EmailMessage) => {
            sent.push(message);
            return { messageId: 'm' };
          },
        },
      },
    },
  });
  return { invoker, sent };
}

describe('month-end-report', () => {
  it('has no schedule: it runs only when triggered', () => {
    expect(monthEndReport.schedule).toBeUndefined();
  });

  it('totals every day of the month and notifies when asked', async () => {
    const { invoker, sent } = setup();

    const execution = await invoker.run('month-end-report', {
      month: '2026-02',
      notify: 'finance@example.com',
    });

    expect(execution).toMatchObject({
      status: 'succeeded',
      metadata: { orders: 56, revenue: 280 },
    });
    expect(sent).toMatchObject([
      { to: 'finance@example.com', subject: 'Month-end report for 2026-02' },
    ]);
  });

  it('rejects a month that is not written as yyyy-mm', async () => {
    const { invoker } = setup();

    const execution = await invoker.run('month-end-report', { month: 'October' });

    expect(execution.status).toBe('rejected');
    expect(execution.message).toContain('input.month: must be a month written as yyyy-mm');
  });
});
