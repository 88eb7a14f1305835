import { describe, expect, it } from 'vitest';
import { cli, fakeApi, NOW } from './cli-harness';

const LISTED = {
  jobName: 'nightly-report',
  deadLetters: [
    {
      messageId: 'm-1',
      runId: 'run-1',
      sentAt: '2026-11-23T11:00:00.000Z',
      reason: 'retries spent: the sales API answered 503',
      input: { day: '2026-11-22' },
    },
    {
      messageId: 'm-2',
      sentAt: '2026-11-23T09:00:00.000Z',
      reason: 'SQS moved it here: its deliveries ran out before a worker recorded an outcome',
      body: 'not json',
    },
  ],
  approximateCount: 2,
};

describe('jobctl dead-letters', () => {
  it('lists what sits in the queue, and how to send it back', async () => {
    const api = fakeApi({ listDeadLetters: async () => LISTED });

    const { code, stdout } = await cli(['dead-letters', 'nightly-report'], { api });

    expect(code).toBe(0);
    expect(NOW).toBe('2026-11-23T12:00:00.000Z');
    expect(stdout).toBe(
      [
        'MESSAGE  RUN    SENT         REASON',
        'm-1      run-1  1 hour ago   retries spent: the sales API answered 503',
        'm-2      -      3 hours ago  SQS moved it here: its deliveries ran out before a worker recorded an outcome',
        '',
        '2 listed (SQS counts about 2). Send them back: npx jobctl dead-letters nightly-report --redrive',
        '',
      ].join('\n'),
    );
  });

  it('sends them all back with --redrive', async () => {
    const asked: unknown[] = [];
    const api = fakeApi({
      redriveDeadLetters: async (name, ids) => {
        asked.push([name, ids]);
        return {
          jobName: name,
          redriven: [{ messageId: 'm-1', runId: 'run-9', retryOf: 'run-1' }],
          notFound: [],
        };
      },
    });

    const { code, stdout } = await cli(['dead-letters', 'nightly-report', '--redrive'], { api });

    expect(code).toBe(0);
    expect(asked).toEqual([['nightly-report', undefined]]);
    expect(stdout).toBe(
      [
        'Sent m-1 back as run run-9, a retry of run-1.',
        'Follow them: npx jobctl history nightly-report',
        '',
      ].join('\n'),
    );
  });

  it('sends back only the ids given, and exits 1 naming those the queue did not hold', async () => {
    const asked: unknown[] = [];
    const api = fakeApi({
      redriveDeadLetters: async (name, ids) => {
        asked.push([name, ids]);
        return {
          jobName: name,
          redriven: [{ messageId: 'm-1', runId: 'run-9', retryOf: 'run-1' }],
          notFound: ['m-7'],
        };
      },
    });

    const { code, stdout, stderr } = await cli(
      ['dead-letters', 'nightly-report', '--redrive', 'm-1', 'm-7'],
      { api },
    );

    expect(code).toBe(1);
    expect(asked).toEqual([['nightly-report', ['m-1', 'm-7']]]);
    expect(stdout).toContain('Sent m-1 back as run run-9');
    expect(stderr).toContain(
      "Not in nightly-report's dead-letter queue (redriven already, or expired): m-7.",
    );
  });

  it('says an empty queue is empty', async () => {
    const api = fakeApi({
      listDeadLetters: async () => ({
        jobName: 'nightly-report',
        deadLetters: [],
        approximateCount: 0,
      }),
    });

    const { stdout } = await cli(['dead-letters', 'nightly-report'], { api });

    expect(stdout).toBe("nightly-report's dead-letter queue is empty.\n");
  });
});
