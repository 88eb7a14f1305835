import { describe, expect, it } from 'vitest';
import dailyReport from '../../../functions/jobs/daily-report.job';
import sendEmail from '../../../functions/jobs/send-email.job';
import type { EmailMessage } from '../../../functions/lib/mailer';
import { createTestInvoker } from '../../../shared/testing/index';

function setup() {
  const sent: EmailMessage[] = [];
  const invoker = createTestInvoker({
    jobs: [dailyReport, sendEmail],
    deps: {
      'daily-report': {
        sales: { summarize: async (day: string) => ({ day, orders: 12, revenue: 345.5 }) },
      },
      'send-email': {
        mailer: {
          send: async (message: EmailMessage) => {
            sent.push(message);
            return { messageId: `m-${sent.length}` };
          },
        },
      },
    },
  });
  return { invoker, sent };
}

describe('daily-report', () => {
  it('takes its name from its file and runs at 07:00 London time', () => {
    expect(dailyReport.name).toBe('daily-report');
    expect(dailyReport.schedule?.expression).toBe('cron(0 7 * * ? *)');
    expect(dailyReport.schedule?.timezone).toBe('Europe/London');
  });

  it('reports on the day before the tick, in London, and emails the sales team', async () => {
    const { invoker, sent } = setup();

    const execution = await invoker.run('daily-report', undefined, {
      trigger: 'schedule',
      scheduledTime: '2026-11-23T07:00:00Z',
    });

    expect(execution).toMatchObject({
      status: 'succeeded',
      message: 'Reported 12 orders for 2026-11-22',
      metadata: { day: '2026-11-22', orders: 12, emails: 1 },
    });
    expect(sent).toEqual([
      {
        to: 'sales@example.com',
        subject: 'Sales for 2026-11-22',
        body: 'Orders: 12\nRevenue: 345.50',
      },
    ]);
  });

  it('reports on the day and to the people given as input', async () => {
    const { invoker, sent } = setup();

    await invoker.run('daily-report', {
      day: '2026-01-31',
      recipients: ['ceo@example.com', 'cfo@example.com'],
    });

    expect(sent.map((message) => [message.to, message.subject])).toEqual([
      ['ceo@example.com', 'Sales for 2026-01-31'],
      ['cfo@example.com', 'Sales for 2026-01-31'],
    ]);
  });

  it('rejects a recipient that is not an email address', async () => {
    const { invoker, sent } = setup();

    const execution = await invoker.run('daily-report', { recipients: ['sales team'] });

    expect(execution.status).toBe('rejected');
    expect(execution.message).toContain('input.recipients[0]');
    expect(sent).toEqual([]);
  });
});
