import { describe, expect, it } from 'vitest';
import { cli, details, fakeApi, memoryIo } from './cli-harness';

const NEW_YORK = {
  kind: 'cron' as const,
  expression: 'cron(30 9 * * ? *)',
  timezone: 'America/New_York',
  source: '30 9 * * *',
  description: 'At 09:30 (America/New_York)',
};
// Either side of the end of daylight saving time in New York, 2026-11-01.
const API_TIMES = [
  '2026-10-31T13:30:00.000Z',
  '2026-11-01T14:30:00.000Z',
  '2026-11-02T14:30:00.000Z',
  '2026-11-03T14:30:00.000Z',
  '2026-11-04T14:30:00.000Z',
];
const JOB = details({ name: 'open-bell', schedule: NEW_YORK, nextFireTimes: API_TIMES });

describe('jobs next', () => {
  it("lists the next fire times in the job's time zone, with its offset on each day", async () => {
    const api = fakeApi({ getJob: async () => JOB });

    const io = memoryIo({ now: '2026-10-30T12:00:00.000Z' });

    const { code, stdout } = await cli(['next', 'open-bell', '--count', '2'], { api, io });

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'Next 2 fire times of open-bell, 30 9 * * * (America/New_York), in America/New_York:',
        '',
        'DAY  DATE        TIME      UTC OFFSET  IN',
        'Sat  2026-10-31  09:30:00  -04:00      in 1 day',
        'Sun  2026-11-01  09:30:00  -05:00      in 2 days',
        '',
      ].join('\n'),
    );
  });

  it("computes the times beyond the API's five, continuing from its last", async () => {
    const api = fakeApi({ getJob: async () => JOB });

    const { stdout } = await cli(['next', 'open-bell', '--count', '7', '--json'], { api });

    const { fireTimes } = JSON.parse(stdout) as { fireTimes: { time: string }[] };
    expect(fireTimes.map((fire) => fire.time)).toEqual([
      ...API_TIMES,
      '2026-11-05T14:30:00.000Z',
      '2026-11-06T14:30:00.000Z',
    ]);
  });

  it('prints JSON with each time in UTC and in local time, and nothing else, with --json', async () => {
    const api = fakeApi({ getJob: async () => JOB });

    const { stdout } = await cli(['next', 'open-bell', '--count', '1', '--json'], { api });

    expect(JSON.parse(stdout)).toEqual({
      jobName: 'open-bell',
      schedule: NEW_YORK,
      timezone: 'America/New_York',
      paused: false,
      fireTimes: [{ time: '2026-10-31T13:30:00.000Z', local: '2026-10-31T09:30:00-04:00' }],
    });
  });

  it('says that an on-demand job has no schedule', async () => {
    const api = fakeApi({ getJob: async () => details({ name: 'send-email' }) });

    const { code, stdout } = await cli(['next', 'send-email'], { api });

    expect(code).toBe(0);
    expect(stdout).toBe(
      'send-email has no schedule: it runs only when started (npx jobctl run send-email) or enqueued by another job.\n',
    );
  });

  it('rejects a --count over 100 as a usage error', async () => {
    const { code, stderr } = await cli(['next', 'open-bell', '--count', '500']);

    expect(code).toBe(2);
    expect(stderr).toContain('It must be a whole number from 1 to 100.');
  });
});
