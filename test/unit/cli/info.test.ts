import { describe, expect, it } from 'vitest';
import { ApiResponseError } from '../../../cli/errors';
import { cli, details, execution, fakeApi, NIGHTLY_SCHEDULE } from './cli-harness';

const NIGHTLY = details({
  name: 'nightly-report',
  displayName: 'Nightly report',
  description: 'Totals of the day, mailed to finance',
  schedule: NIGHTLY_SCHEDULE,
  queue: 'batch',
  retries: 2,
  timeoutSeconds: 300,
  memoryMb: 512,
  overlap: 'skip',
  nextFireTimes: ['2026-11-24T02:00:00.000Z', '2026-11-25T02:00:00.000Z'],
  lastRun: execution({
    runId: '01JRUN',
    status: 'failed',
    attempt: 3,
    maxAttempts: 3,
    trigger: 'schedule',
    message: 'Database unreachable',
  }),
});

describe('jobs info', () => {
  it("shows the job's settings, next runs in its time zone and its last run", async () => {
    const api = fakeApi({ getJob: async () => NIGHTLY });

    const { code, stdout } = await cli(['info', 'nightly-report'], { api });

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'nightly-report (Nightly report)',
        'Totals of the day, mailed to finance',
        '',
        'Schedule   0 2 * * * (Europe/London)',
        '           At 02:00 (Europe/London)',
        'State      active',
        'Queue      batch',
        'Retries    2',
        'Timeout    5 min',
        'Memory     512 MB',
        'Overlap    skip (one run at a time)',
        'Next runs  Tue 2026-11-24 02:00:00 +00:00  (in 14 hours)',
        '           Wed 2026-11-25 02:00:00 +00:00  (in 1 day)',
        'Last run   failed in 1.2 s: Database unreachable',
        '           3 minutes ago, schedule, attempt 3 of 3, run 01JRUN',
        '',
      ].join('\n'),
    );
  });

  it('says how an on-demand job that never ran is started', async () => {
    const api = fakeApi({ getJob: async () => details({ name: 'send-email' }) });

    const { stdout } = await cli(['info', 'send-email'], { api });

    expect(stdout).toContain(
      'Next runs  none: runs only when started (npx jobctl run send-email) or enqueued',
    );
    expect(stdout).toContain('Last run   never');
  });

  it('prints only the JSON the API answered on stdout with --json', async () => {
    const api = fakeApi({ getJob: async () => NIGHTLY });

    const { code, stdout } = await cli(['info', 'nightly-report', '--json'], { api });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(NIGHTLY);
  });

  it("exits 1 with the API's message for an unknown job, and prints nothing on stdout", async () => {
    const message = 'There is no job named "nightly-reprot". Did you mean "nightly-report"?';
    const api = fakeApi({
      getJob: async () => {
        throw new ApiResponseError(404, { error: 'not_found', message }, '');
      },
    });

    const { code, stdout, stderr } = await cli(['info', 'nightly-reprot', '--json'], { api });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${message}\n`);
  });
});
