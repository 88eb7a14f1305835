import { describe, expect, it } from 'vitest';
import { ApiResponseError } from '../../../cli/errors';
import { cli, fakeApi, pauseResult } from './cli-harness';

describe('jobs pause and resume', () => {
  it('pauses a job and says how to resume it', async () => {
    const api = fakeApi({ pause: async (name) => pauseResult({ jobName: name }) });

    const { code, stdout } = await cli(['pause', 'nightly-report'], { api });

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'Paused nightly-report: its schedule ticks and enqueued runs are skipped; runs started with `npx jobctl run nightly-report` still run.',
        'Resume it with: npx jobctl resume nightly-report',
        '',
      ].join('\n'),
    );
  });

  it('says that a pause holds when the schedule could not be switched off', async () => {
    const api = fakeApi({
      pause: async (name) => pauseResult({ jobName: name, schedule: 'failed' }),
    });

    const { code, stdout } = await cli(['pause', 'nightly-report'], { api });

    expect(code).toBe(0);
    expect(stdout).toContain('the worker skips the ticks of a paused job');
  });

  it('resumes a job', async () => {
    const api = fakeApi({
      resume: async (name) => pauseResult({ jobName: name, paused: false }),
    });

    const { code, stdout } = await cli(['resume', 'nightly-report'], { api });

    expect(code).toBe(0);
    expect(stdout).toBe(
      'Resumed nightly-report: its schedule ticks and enqueued runs run again.\n',
    );
  });

  it('exits 1 when a resumed schedule could not be switched back on, since it would not fire', async () => {
    const api = fakeApi({
      resume: async (name) => pauseResult({ jobName: name, paused: false, schedule: 'failed' }),
    });

    const { code, stderr } = await cli(['resume', 'nightly-report'], { api });

    expect(code).toBe(1);
    expect(stderr).toContain(
      'error: nightly-report is resumed, but its schedule could not be switched back on',
    );
  });

  it("prints the API's JSON with --json", async () => {
    const result = pauseResult({ jobName: 'nightly-report', pausedBy: 'local:alice' });
    const api = fakeApi({ pause: async () => result });

    const { stdout } = await cli(['pause', 'nightly-report', '--json'], { api });

    expect(JSON.parse(stdout)).toEqual(result);
  });

  it("exits 1 with the API's message for an unknown job", async () => {
    const message = 'There is no job named "nope". Known jobs: nightly-report.';
    const api = fakeApi({
      pause: async () => {
        throw new ApiResponseError(404, { error: 'not_found', message }, '');
      },
    });

    const { code, stdout, stderr } = await cli(['pause', 'nope'], { api });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${message}\n`);
  });
});

describe('jobctl pause --all and resume --all', () => {
  const all = (paused: boolean, schedule: 'updated' | 'failed' = 'updated') => ({
    paused,
    jobs: ['daily-report', 'send-email'].map((jobName) =>
      pauseResult({ jobName, paused, schedule }),
    ),
    failed: [],
  });

  it('pauses every job at once and says how to resume them', async () => {
    const asked: boolean[] = [];
    const api = fakeApi({
      setAllPaused: async (paused) => {
        asked.push(paused);
        return all(paused);
      },
    });

    const { code, stdout } = await cli(['pause', '--all'], { api });

    expect(code).toBe(0);
    expect(asked).toEqual([true]);
    expect(stdout).toBe(
      [
        'Paused all 2 jobs: their schedule ticks and enqueued runs are skipped until resumed.',
        'Resume them with: npx jobctl resume --all',
        '',
      ].join('\n'),
    );
  });

  it('resumes every job, and exits 1 when a schedule could not be switched back on', async () => {
    const api = fakeApi({ setAllPaused: async (paused) => all(paused, 'failed') });

    const { code, stdout, stderr } = await cli(['resume', '--all'], { api });

    expect(code).toBe(1);
    expect(stdout).toContain('Resumed all 2 jobs');
    expect(stdout).toContain('could not be switched back on');
    expect(stderr).toContain("2 resumed jobs' schedules are still off");
  });

  it("exits 1 with the API's message when some jobs could not be paused", async () => {
    const api = fakeApi({
      setAllPaused: async () => {
        throw new ApiResponseError(
          500,
          {
            error: 'internal_error',
            message:
              'Could not pause 1 of 2 jobs: daily-report (the table is throttled). The others are paused; ask again to pause the rest.',
          },
          '',
        );
      },
    });

    const { code, stderr } = await cli(['pause', '--all'], { api });

    expect(code).toBe(1);
    expect(stderr).toContain('Could not pause 1 of 2 jobs: daily-report (the table is throttled)');
  });

  it('asks for a job or --all, and not both (exit 2)', async () => {
    const neither = await cli(['pause']);
    const both = await cli(['resume', 'daily-report', '--all']);

    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain(
      'Name the job to pause (jobctl pause <name>), or pause every job with --all',
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("Give a job's name or --all, not both");
  });
});
