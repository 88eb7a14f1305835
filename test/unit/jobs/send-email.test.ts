import { describe, expect, it } from 'vitest';
import sendEmail from '../../../functions/jobs/send-email.job';
import { createTestInvoker } from '../../../shared/testing/index';

describe('send-email', () => {
  it('retries when the mailer fails, and succeeds once it answers', async () => {
    let calls = 0;
    const invoker = createTestInvoker({
      jobs: [sendEmail],
      deps: {
        'send-email': {
          mailer: {
            send: async () => {
              calls += 1;
              if (calls < 3) throw new Error('SMTP 421 try again later');
              return { messageId: 'm-1' };
            },
          },
        },
      },
    });

    const execution = await invoker.run('send-email', {
      to: 'ops@example.com',
      subject: 'Disk almost full',
      body: '91% used',
    });

    expect(execution).toMatchObject({
      attempt: 3,
      status: 'succeeded',
      metadata: { messageId: 'm-1' },
    });
    expect(invoker.history('send-email').map((attempt) => attempt.message)).toEqual([
      'SMTP 421 try again later',
      'SMTP 421 try again later',
      'Sent "Disk almost full" to ops@example.com',
    ]);
  });

  it('rejects an empty subject without calling the mailer', async () => {
    let calls = 0;
    const invoker = createTestInvoker({
      jobs: [sendEmail],
      deps: {
        'send-email': {
          mailer: {
            send: async () => {
              calls += 1;
              return { messageId: String(calls) };
            },
          },
        },
      },
    });

    const execution = await invoker.run('send-email', {
      to: 'a@example.com',
      subject: '',
      body: '',
    });

    expect(execution.status).toBe('rejected');
    expect(execution.message).toContain('input.subject');
    expect(calls).toBe(0);
  });
});
