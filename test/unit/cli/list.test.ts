import { describe, expect, it } from 'vitest';
import { cli, fakeApi, NIGHTLY_SCHEDULE, summary } from './cli-harness';

const JOBS = [
  summary({
    name: 'nightly-report',
    schedule: NIGHTLY_SCHEDULE,
    queue: 'batch',
    nextRunAt: '2026-11-24T02:00:00.000Z',
    lastRun: {
      runId: 'run-1',
      status: 'failed',
      startedAt: '2026-11-23T02:00:00.000Z',
      durationMs: 4200,
    },
  }),
  summary({
    name: 'poll-orders',
    schedule: {
      kind: 'rate',
      expression: 'rate(15 minutes)',
      timezone: 'UTC',
      source: '15 minutes',
      description: 'Every 15 minutes',
    },
    paused: true,
    pausedBy: 'local:alice',
    pausedAt: '2026-11-23T09:00:00.000Z',
  }),
  summary({ name: 'send-email', queue: 'critical' }),
];

describe('jobs list', () => {
  it('prints the jobs as aligned columns: who paused a job and when, the next run and the last', async () => {
    const api = fakeApi({ listJobs: async () => JOBS });

    const { code, stdout, stderr } = await cli(['list'], { api });

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'NAME            SCHEDULE                   QUEUE     STATE                              NEXT RUN     LAST RUN',
        'nightly-report  0 2 * * * (Europe/London)  batch     active                             in 14 hours  failed 10 hours ago',
        'poll-orders     every 15 minutes           default   paused by local:alice 3 hours ago  -            never ran',
        'send-email      on demand                  critical  active                             -            never ran',
        '',
        '3 jobs, 1 paused',
        '',
      ].join('\n'),
    );
  });

  it('prints only the JSON the API answered on stdout with --json', async () => {
    const api = fakeApi({ listJobs: async () => JOBS });

    const { code, stdout } = await cli(['list', '--json'], { api });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ jobs: JOBS });
  });

  it('says how to add a job when there is none', async () => {
    const api = fakeApi({ listJobs: async () => [] });

    const { code, stdout } = await cli(['list'], { api });

    expect(code).toBe(0);
    expect(stdout).toBe(
      "No jobs yet. Add one with: npx jobctl new daily-report --cron '0 2 * * *'\n",
    );
  });

  it('connects to the API that --url names, before or after the command', async () => {
    const api = fakeApi({ listJobs: async () => [] });

    const before = await cli(['--url', 'http://localhost:4000', 'list'], { api });
    const after = await cli(['list', '--remote', 'jobs-control'], { api });

    expect(before.target).toEqual({ url: 'http://localhost:4000' });
    expect(after.target).toEqual({ remote: 'jobs-control' });
  });
});
