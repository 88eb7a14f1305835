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
