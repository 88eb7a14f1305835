import { describe, expect, it, vi } from 'vitest';
import { ApiResponseError } from '../../../cli/errors';
import { cli, execution, fakeApi, page } from './cli-harness';

const RUNS = [
  execution({ runId: '01JB', message: 'Sent 3 emails' }),
  execution({
    runId: '01JA',
    status: 'timed_out',
    attempt: 4,
    trigger: 'schedule',
    startedAt: '2026-11-23T09:00:00.000Z',
    durationMs: 300_000,
    error: { name: 'JobTimeoutError', message: 'Job "nightly-report" did not finish within 5 min' },
  }),
];

describe('jobs history', () => {
  it('prints runs newest first as aligned columns, with the command for the next page', async () => {
    const api = fakeApi({ listRuns: async () => page(RUNS, 'offset-2') });

    const { code, stdout } = await cli(['history', 'nightly-report', '--limit', '2'], { api });

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'RUN   STATUS     TRIGGER   STARTED        DURATION   ATTEMPT  MESSAGE',
        '01JB  succeeded  api       3 minutes ago  1.2 s      1/4      Sent 3 emails',
        '01JA  timed out  schedule  3 hours ago    5 min 0 s  4/4      Job "nightly-report" did not finish within 5 min',
        '',
        'More runs: npx jobctl history nightly-report --cursor offset-2 --limit 2',
        '',
      ].join('\n'),
    );
  });

  it('asks the API for the page that --limit and --cursor name', async () => {
    const listRuns = vi.fn(async () => page([]));
    const api = fakeApi({ listRuns });

    await cli(['history', 'nightly-report', '--limit', '50', '--cursor', 'offset-20'], { api });

    expect(listRuns).toHaveBeenCalledWith('nightly-report', { limit: 50, cursor: 'offset-20' });
  });

  it('prints only the JSON the API answered on stdout with --json', async () => {
    const api = fakeApi({ listRuns: async () => page(RUNS, 'offset-2') });

    const { stdout } = await cli(['history', 'nightly-report', '--json'], { api });

    expect(JSON.parse(stdout)).toEqual({ runs: RUNS, nextCursor: 'offset-2' });
  });

  it('says how to start a job that has not run', async () => {
    const api = fakeApi({ listRuns: async () => page([]) });

    const { stdout } = await cli(['history', 'send-email'], { api });

    expect(stdout).toBe(
      'send-email has not run yet. Start a run with: npx jobctl run send-email\n',
    );
  });

  it.each([['0'], ['101'], ['ten']])(
    'rejects --limit %s as a usage error, without asking the API',
    async (limit) => {
      const listRuns = vi.fn();
      const api = fakeApi({ listRuns });

      const { code, stderr } = await cli(['history', 'nightly-report', '--limit', limit], { api });

      expect(code).toBe(2);
      expect(stderr).toContain(
        `error: option '--limit <n>' argument '${limit}' is invalid. It must be a whole number from 1 to 100.`,
      );
      expect(listRuns).not.toHaveBeenCalled();
    },
  );

  it("prints the API's message for a cursor it cannot read", async () => {
    const message = '"abc" is not a cursor from this list';
    const api = fakeApi({
      listRuns: async () => {
        throw new ApiResponseError(400, { error: 'bad_request', message }, '');
      },
    });

    const { code, stderr } = await cli(['history', 'nightly-report', '--cursor', 'abc'], { api });

    expect(code).toBe(1);
    expect(stderr).toBe(`error: ${message}\n`);
  });
});
