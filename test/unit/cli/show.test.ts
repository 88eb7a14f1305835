import { describe, expect, it } from 'vitest';
import { ApiResponseError } from '../../../cli/errors';
import { cli, execution, fakeApi, runDetails } from './cli-harness';

const FAILED_THEN_FAILED = runDetails([
  execution({
    runId: 'run-7',
    attempt: 1,
    maxAttempts: 2,
    status: 'failed',
    trigger: 'api',
    triggeredBy: 'alice',
    input: { to: 'ops@example.com' },
    durationMs: 850,
    error: {
      name: 'TypeError',
      message: 'cannot read "total"',
      stack: `TypeError: cannot read "total"\n${Array.from({ length: 12 }, (_, frame) => `    at step${frame} (functions/jobs/nightly-report.job.ts:${frame + 1}:5)`).join('\n')}`,
      cause: { name: 'Error', message: 'the sales API answered 503' },
    },
    willRetry: true,
  }),
  execution({
    runId: 'run-7',
    attempt: 2,
    maxAttempts: 2,
    status: 'failed',
    trigger: 'api',
    input: { to: 'ops@example.com' },
    startedAt: '2026-11-23T11:58:00.000Z',
    error: { name: 'Error', message: 'the sales API answered 503' },
    metadata: { orders: 0 },
  }),
]);

describe('jobctl show', () => {
  it('prints the run’s status, who started it, its input and each attempt with its whole stack', async () => {
    const api = fakeApi({ getRun: async () => FAILED_THEN_FAILED });

    const { code, stdout } = await cli(['show', 'nightly-report', 'run-7'], { api });

    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Run run-7 of nightly-report: failed');
    expect(stdout).toContain('Trigger  api by alice');
    expect(stdout).toContain('"to": "ops@example.com"');
    expect(stdout).toContain('Attempt 1 of 2: failed in 850 ms: cannot read "total"');
    // All 12 frames: `run --wait` shows 8, here the error is shown in full.
    expect(stdout).toContain('at step11 (functions/jobs/nightly-report.job.ts:12:5)');
    expect(stdout).toContain('Caused by: Error: the sales API answered 503');
    expect(stdout).toContain('Attempt 2 of 2: failed in 1.2 s: the sales API answered 503');
    expect(stdout).toContain('  orders: 0');
    expect(lines.at(-2)).toBe('Run it again with its input: npx jobctl retry nightly-report run-7');
  });

  it('offers no retry while a retry is due', async () => {
    const [first] = FAILED_THEN_FAILED.attempts;
    if (!first) throw new Error('the fixture has attempts');
    const api = fakeApi({ getRun: async () => runDetails([first]) });

    const { stdout } = await cli(['show', 'nightly-report', 'run-7'], { api });

    expect(stdout.split('\n')[0]).toBe('Run run-7 of nightly-report: failed (a retry is due)');
    expect(stdout).not.toContain('jobctl retry');
  });

  it('prints the API’s JSON with --json', async () => {
    const api = fakeApi({ getRun: async () => FAILED_THEN_FAILED });

    const { stdout } = await cli(['show', 'nightly-report', 'run-7', '--json'], { api });

    expect(JSON.parse(stdout)).toEqual(FAILED_THEN_FAILED);
  });

  it('exits 1 with the API’s message for an unknown run', async () => {
    const message = 'Job "nightly-report" has no run "run-9".';
    const api = fakeApi({
      getRun: async () => {
        throw new ApiResponseError(404, { error: 'not_found', message }, '');
      },
    });

    const { code, stdout, stderr } = await cli(['show', 'nightly-report', 'run-9'], { api });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });
});

describe('jobctl retry', () => {
  it('starts the retry and says how to follow it', async () => {
    const retried: string[] = [];
    const api = fakeApi({
      retryRun: async (name, runId) => {
        retried.push(`${name}/${runId}`);
        return { runId: 'run-8' };
      },
    });

    const { code, stdout } = await cli(['retry', 'nightly-report', 'run-7'], { api });

    expect(code).toBe(0);
    expect(retried).toEqual(['nightly-report/run-7']);
    expect(stdout).toBe(
      [
        'Started run run-8 of nightly-report, a retry of run-7.',
        'Follow it: npx jobctl show nightly-report run-8',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 with the API’s reason when the run cannot be retried', async () => {
    const message = 'Run run-7 of nightly-report succeeded; only a failed run can be retried.';
    const api = fakeApi({
      retryRun: async () => {
        throw new ApiResponseError(409, { error: 'conflict', message }, '');
      },
    });

    const { code, stderr } = await cli(['retry', 'nightly-report', 'run-7'], { api });

    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});

describe('jobctl cancel', () => {
  it('asks the run to stop and says what follows', async () => {
    const asked: string[] = [];
    const api = fakeApi({
      cancelRun: async (name, runId) => {
        asked.push(`${name}/${runId}`);
        return { jobName: name, runId, cancelledBy: 'local:alice' };
      },
    });

    const { code, stdout } = await cli(['cancel', 'nightly-report', 'run-7'], { api });

    expect(code).toBe(0);
    expect(asked).toEqual(['nightly-report/run-7']);
    expect(stdout).toBe(
      [
        'Asked run run-7 of nightly-report to stop, as local:alice: its worker aborts it within seconds, and it ends cancelled, not retried.',
        'See it end: npx jobctl show nightly-report run-7',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 with the API’s reason when the run has ended', async () => {
    const message =
      'Run "run-7" of job "nightly-report" has ended (succeeded); only a running run, or one waiting for its retry, can be cancelled.';
    const api = fakeApi({
      cancelRun: async () => {
        throw new ApiResponseError(409, { error: 'conflict', message }, '');
      },
    });

    const { code, stderr } = await cli(['cancel', 'nightly-report', 'run-7'], { api });

    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});
