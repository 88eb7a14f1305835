import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ApiResponseError } from '../../../cli/errors';
import type { RunDetails } from '../../../shared/api/api-resources';
import { cli, execution, fakeApi, memoryIo, runDetails } from './cli-harness';

const RUN_ID = '01JRUN';

/** An API whose run is at each poll in the next of `states` (404 while it is undefined). */
function apiWithRun(states: readonly (RunDetails | undefined)[]) {
  let poll = 0;
  const getRun = vi.fn(async () => {
    const state = states[Math.min(poll, states.length - 1)];
    poll += 1;
    if (state === undefined) {
      throw new ApiResponseError(
        404,
        { error: 'not_found', message: `There is no run "${RUN_ID}"` },
        '',
      );
    }
    return state;
  });
  const triggerRun = vi.fn(async () => ({ runId: RUN_ID }));
  return { api: fakeApi({ triggerRun, getRun }), triggerRun, getRun };
}

const running = (attempt: number) => {
  const { durationMs: _, ...started } = execution({ runId: RUN_ID, attempt, status: 'running' });
  return started;
};
const failed = (attempt: number, willRetry: boolean) =>
  execution({
    runId: RUN_ID,
    attempt,
    status: 'failed',
    willRetry,
    durationMs: 40,
    message: 'Database unreachable',
    error: {
      name: 'Error',
      message: 'connect ECONNREFUSED 10.0.0.1:1433',
      stack:
        'Error: connect ECONNREFUSED 10.0.0.1:1433\n    at run (functions/jobs/nightly-report.job.ts:12:11)',
    },
  });
const succeeded = (attempt: number) =>
  execution({ runId: RUN_ID, attempt, message: 'Sent 3 emails', metadata: { sent: 3 } });

describe('jobs run', () => {
  it('starts a run with the input and idempotency key given, and prints its id', async () => {
    const { api, triggerRun } = apiWithRun([]);

    const { code, stdout } = await cli(
      ['run', 'nightly-report', '--input', '{"date":"2026-11-23"}', '--idempotency-key', 'k1'],
      { api },
    );

    expect(code).toBe(0);
    expect(triggerRun).toHaveBeenCalledWith('nightly-report', {
      input: { date: '2026-11-23' },
      idempotencyKey: 'k1',
    });
    expect(stdout).toBe(
      `Started run ${RUN_ID} of nightly-report.\nFollow it with: npx jobctl history nightly-report\n`,
    );
  });

  it('gives hints that talk to the same API, with the --url or --remote given', async () => {
    const { api } = apiWithRun([]);

    const { stdout } = await cli(['--remote', 'jobs-control', 'run', 'nightly-report'], { api });

    expect(stdout).toContain(
      'Follow it with: npx jobctl --remote jobs-control history nightly-report\n',
    );
  });

  it('reads --input @file from the working directory', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'jobs-cli-'));
    try {
      await writeFile(join(folder, 'input.json'), '{"date":"2026-11-23"}');
      const { api, triggerRun } = apiWithRun([]);

      await cli(['run', 'nightly-report', '--input', '@input.json'], {
        api,
        io: memoryIo({ cwd: folder }),
      });

      expect(triggerRun).toHaveBeenCalledWith('nightly-report', { input: { date: '2026-11-23' } });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('prints { jobName, runId } with --json', async () => {
    const { api } = apiWithRun([]);

    const { stdout } = await cli(['run', 'nightly-report', '--json'], { api });

    expect(JSON.parse(stdout)).toEqual({ jobName: 'nightly-report', runId: RUN_ID });
  });

  it('rejects --input that is not JSON as a usage error, without starting a run', async () => {
    const { api, triggerRun } = apiWithRun([]);

    const { code, stderr } = await cli(['run', 'nightly-report', '--input', '{date:1}'], { api });

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: --input is not valid JSON \(.+\); pass JSON such as/);
    expect(triggerRun).not.toHaveBeenCalled();
  });

  it('prints each field error of input the job rejects', async () => {
    const api = fakeApi({
      triggerRun: async () => {
        throw new ApiResponseError(
          400,
          {
            error: 'bad_request',
            message: 'Input for job "nightly-report" is invalid',
            details: [
              { path: 'input.date', message: 'must be a date such as 2026-11-23' },
              { path: 'input.dryRun', message: 'expected boolean, received string' },
            ],
          },
          '',
        );
      },
    });

    const { code, stderr } = await cli(
      ['run', 'nightly-report', '--input', '{"date":"x","dryRun":"no"}'],
      { api },
    );

    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        'error: Input for job "nightly-report" is invalid',
        '  input.date: must be a date such as 2026-11-23',
        '  input.dryRun: expected boolean, received string',
        '',
      ].join('\n'),
    );
  });

  describe('with --wait', () => {
    it('follows the run to success, showing each attempt on stderr and the result on stdout', async () => {
      const { api } = apiWithRun([
        undefined,
        runDetails([running(1)]),
        runDetails([failed(1, true), failed(2, true), succeeded(3)]),
      ]);

      const { code, stdout, stderr, io } = await cli(['run', 'nightly-report', '--wait'], { api });

      expect(code).toBe(0);
      expect(stderr).toBe(
        [
          `Started run ${RUN_ID} of nightly-report; waiting for it to finish.`,
          '  queued',
          '  attempt 1/4: running',
          '  attempt 1/4: failed in 40 ms: Database unreachable (will retry)',
          '  attempt 2/4: failed in 40 ms: Database unreachable (will retry)',
          '  attempt 3/4: succeeded in 1.2 s: Sent 3 emails',
          '',
        ].join('\n'),
      );
      expect(stdout).toBe(
        [
          `Run ${RUN_ID} of nightly-report succeeded in 1.2 s (attempt 3 of 4).`,
          'Message: Sent 3 emails',
          'Metadata:',
          '  sent: 3',
          '',
        ].join('\n'),
      );
      expect(io.sleeps).toEqual([500, 500]);
    });

    it('exits 1 when the run fails, with its error and where to look', async () => {
      const { api } = apiWithRun([runDetails([failed(1, true), failed(2, false)])]);

      const { code, stdout, stderr } = await cli(['run', 'nightly-report', '--wait'], { api });

      expect(code).toBe(1);
      expect(stdout).toBe(
        [
          `Run ${RUN_ID} of nightly-report failed in 40 ms (attempt 2 of 4).`,
          'Message: Database unreachable',
          'Error: connect ECONNREFUSED 10.0.0.1:1433',
          '    at run (functions/jobs/nightly-report.job.ts:12:11)',
          '',
        ].join('\n'),
      );
      expect(stderr).toContain(
        `error: Run ${RUN_ID} of nightly-report failed after 2 attempts. See its history: npx jobctl history nightly-report\n`,
      );
    });

    it('prints only the run and its attempts as JSON on stdout with --json', async () => {
      const run = runDetails([failed(1, true), succeeded(2)]);
      const { api } = apiWithRun([run]);

      const { code, stdout } = await cli(['run', 'nightly-report', '--wait', '--json'], { api });

      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(run);
    });

    it('gives up after --timeout seconds, exiting 1 and saying how to follow the run', async () => {
      const { api } = apiWithRun([runDetails([running(1)])]);

      const { code, stderr, io } = await cli(
        ['run', 'nightly-report', '--wait', '--timeout', '2'],
        { api },
      );

      expect(code).toBe(1);
      expect(io.sleeps).toEqual([500, 500, 500, 500]);
      expect(stderr).toContain(
        `error: Run ${RUN_ID} of nightly-report is still running after 2 s; it goes on without you. Follow it with: npx jobctl history nightly-report`,
      );
    });

    it('rejects --timeout without --wait', async () => {
      const { api, triggerRun } = apiWithRun([]);

      const { code, stderr } = await cli(['run', 'nightly-report', '--timeout', '5'], { api });

      expect(code).toBe(2);
      expect(stderr).toContain('--timeout is how long --wait waits');
      expect(triggerRun).not.toHaveBeenCalled();
    });
  });
});
