import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { CliIo } from '../../cli/io';
import { runCli } from '../../cli/program';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import type { JobDetails, JobSummary, RunDetails, RunsPage } from '../../shared/api/api-resources';
import { defineJob } from '../../shared/job/define-job';
import type { AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { silentLogger } from '../../shared/logging/silent-logger';

// The runtime starts dynalite, fauxqs and a server, and each child process loads tsx: allow for
// a busy machine.
const E2E_TIMEOUT_MS = 60_000;
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/jobctl.mjs', import.meta.url));
// A folder below the project's root, where a user may well be when typing a command.
const SUBFOLDER = join(REPOSITORY_ROOT, 'functions', 'jobs');

// Names of this file's own, so that nothing here meets another test file's jobs.
const REPORT = 'cli-e2e-report';
const FLAKY = 'cli-e2e-flaky';
const BROKEN = 'cli-e2e-broken';

let flakyCalls = 0;
const jobs = [
  defineJob({
    name: REPORT,
    displayName: 'CLI e2e report',
    schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
    input: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date') }).optional(),
    run: async (ctx) => JobResult.success(`Reported ${ctx.input?.date ?? 'today'}`),
  }),
  defineJob({
    name: FLAKY,
    retries: 2,
    run: async () => {
      flakyCalls += 1;
      if (flakyCalls % 2 === 1) throw new Error('first attempts fail');
      return JobResult.success('second attempt');
    },
  }),
  defineJob({
    name: BROKEN,
    retries: 1,
    run: async () => JobResult.failure('Database unreachable'),
  }),
] as unknown as AnyNamedJobDefinition[];

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    jobs,
    port: 0,
    inMemory: true,
    logger: silentLogger,
    appName: `cli-${randomUUID().slice(0, 8)}`,
    retryBackoff: { baseSeconds: 0, jitter: 0 },
    shutdownGraceMs: 2_000,
  });
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  await runtime?.stop();
});

/** Runs the CLI in-process against the runtime, with real time. */
async function jobsInProcess(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: REPOSITORY_ROOT,
    projectRoot: REPOSITORY_ROOT,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const code = await runCli(['--url', runtime.url, ...argv], { io, pollIntervalMs: 100 });
  return { code, stdout, stderr };
}

/** Runs `node bin/jobctl.mjs ...` as a user's shell would, in `cwd` (the project's root by default). */
async function jobsProcess(
  argv: readonly string[],
  env: Record<string, string> = {},
  cwd: string = REPOSITORY_ROOT,
) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...argv], {
      cwd,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npx jobctl against the local runtime', { timeout: E2E_TIMEOUT_MS }, () => {
  describe('as a child process', () => {
    it('lists the jobs as JSON with list --json', async () => {
      const { code, stdout, stderr } = await jobsProcess(['--url', runtime.url, 'list', '--json']);

      expect(stderr).toBe('');
      expect(code).toBe(0);
      const { jobs: listed } = JSON.parse(stdout) as { jobs: JobSummary[] };
      expect(listed.map((job) => job.name)).toEqual([BROKEN, FLAKY, REPORT]);
    });

    it('prints its usage as jobctl with --help from a folder below the root, and exits 0', async () => {
      const { code, stdout, stderr } = await jobsProcess(['--help'], {}, SUBFOLDER);

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: jobctl \[options\] \[command\]\n/);
    });

    it("runs as `npx jobctl` from a folder below the root, with npm's own script shell", async () => {
      // A cache of its own: npx links the project's bin into its cache once per project folder,
      // and an entry left by an older checkout (one that had only `jobs`) is never relinked.
      const npmCache = await mkdtemp(join(tmpdir(), 'jobctl-npx-cache-'));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        npm_config_cache: npmCache,
        npm_config_offline: 'true',
      };
      delete env.npm_config_script_shell;
      try {
        const npx = await promisify(execFile)(
          'npx',
          ['jobctl', '--url', runtime.url, 'list', '--json'],
          { cwd: SUBFOLDER, env },
        );

        const { jobs: listed } = JSON.parse(npx.stdout) as { jobs: JobSummary[] };
        expect(listed.map((job) => job.name)).toEqual([BROKEN, FLAKY, REPORT]);
      } finally {
        await rm(npmCache, { recursive: true, force: true });
      }
    });

    it('exits 1 for an unknown job, with the reason and the closest name', async () => {
      const { code, stdout, stderr } = await jobsProcess([
        '--url',
        runtime.url,
        'info',
        'cli-e2e-reprot',
      ]);

      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `error: There is no job named "cli-e2e-reprot". Did you mean "${REPORT}"?\n`,
      );
    });

    it('says the local runtime is not running when nothing listens on PORT', async () => {
      const port = await closedPort();

      const { code, stderr } = await jobsProcess(['list'], { PORT: String(port) });

      expect(code).toBe(1);
      expect(stderr).toContain(`error: Cannot reach the API at http://localhost:${port}`);
      expect(stderr).toContain('start it with `npm run dev`');
    });
  });

  describe('in-process', () => {
    it('shows a job, with its next fire times in its time zone', async () => {
      const { code, stdout } = await jobsInProcess('info', REPORT);

      expect(code).toBe(0);
      expect(stdout).toContain('Schedule   0 2 * * * (Europe/London)');
      expect(stdout).toMatch(/^Next runs {2}\w{3} \d{4}-\d{2}-\d{2} 02:00:00 \+0[01]:00 {2}\(in /m);
    });

    it('prints the job as the API has it with info --json', async () => {
      const { stdout } = await jobsInProcess('info', REPORT, '--json');

      const job = JSON.parse(stdout) as JobDetails;
      expect(job).toMatchObject({ name: REPORT, retries: 3, overlap: 'allow' });
      expect(job.nextFireTimes).toHaveLength(5);
    });

    it('lists fire times beyond the five the API gives with next --count', async () => {
      const { code, stdout } = await jobsInProcess('next', REPORT, '--count', '8', '--json');

      expect(code).toBe(0);
      const { fireTimes } = JSON.parse(stdout) as { fireTimes: { local: string }[] };
      expect(fireTimes).toHaveLength(8);
      for (const fire of fireTimes) expect(fire.local).toMatch(/T02:00:00\+0[01]:00$/);
    });

    it('runs a job with --wait, and history shows the run', async () => {
      const run = await jobsInProcess('run', REPORT, '--input', '{"date":"2026-11-23"}', '--wait');

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          `^Run (\\w+) of ${REPORT} succeeded in .+ \\(attempt 1 of 4\\)\\.\\nMessage: Reported 2026-11-23\\n$`,
        ),
      );
      const runId = /^Run (\w+)/.exec(run.stdout)?.[1];
      const history = await jobsInProcess('history', REPORT, '--json');
      const page = JSON.parse(history.stdout) as RunsPage;
      expect(page.runs[0]).toMatchObject({ runId, status: 'succeeded', trigger: 'api' });
    });

    it('follows the retries of a run with --wait, and prints it as JSON with --json', async () => {
      const { code, stdout, stderr } = await jobsInProcess('run', FLAKY, '--wait', '--json');

      expect(code).toBe(0);
      const run = JSON.parse(stdout) as RunDetails;
      expect(run.attempts.map((attempt) => attempt.status)).toEqual(['failed', 'succeeded']);
      expect(stderr).toContain('attempt 1/3: failed');
      expect(stderr).toContain('attempt 2/3: succeeded');
    });

    it('exits 1 when the run it waits for fails', async () => {
      const { code, stdout, stderr } = await jobsInProcess('run', BROKEN, '--wait');

      expect(code).toBe(1);
      expect(stdout).toContain('failed');
      expect(stdout).toContain('Message: Database unreachable');
      expect(stderr).toMatch(/error: Run \w+ of cli-e2e-broken failed after 2 attempts\./);
    });

    it('exits 1 with each field error for input the job rejects', async () => {
      const { code, stderr } = await jobsInProcess('run', REPORT, '--input', '{"date":"tomorrow"}');

      expect(code).toBe(1);
      expect(stderr).toContain('input.date: must be a date');
    });

    it('pauses and resumes a job, and list shows its state', async () => {
      const paused = await jobsInProcess('pause', REPORT);
      const listed = await jobsInProcess('list');
      const resumed = await jobsInProcess('resume', REPORT);
      const relisted = await jobsInProcess('list', '--json');

      expect(paused.code).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^${REPORT} .* paused by local:\\S+ just now +- +(never ran|\\w+ .+)$`, 'm'),
      );
      expect(resumed.code).toBe(0);
      const { jobs: after } = JSON.parse(relisted.stdout) as { jobs: JobSummary[] };
      expect(after.find((job) => job.name === REPORT)?.paused).toBe(false);
    });

    it('pauses and resumes every job with --all, the emergency brake, and list shows them', async () => {
      const paused = await jobsInProcess('pause', '--all');
      const listed = await jobsInProcess('list', '--json');
      const resumed = await jobsInProcess('resume', '--all');
      const relisted = await jobsInProcess('list', '--json');

      const states = (output: string) =>
        (JSON.parse(output) as { jobs: JobSummary[] }).jobs.map((job) => job.paused);
      expect(paused.code).toBe(0);
      expect(paused.stdout).toMatch(/^Paused all \d+ jobs: /);
      expect(states(listed.stdout).every((state) => state)).toBe(true);
      expect(resumed.code).toBe(0);
      expect(states(relisted.stdout).some((state) => state)).toBe(false);
    });

    it('exits 1 for a run of an unknown job', async () => {
      const { code, stderr } = await jobsInProcess('run', 'cli-e2e-nope');

      expect(code).toBe(1);
      expect(stderr).toMatch(/^error: There is no job named "cli-e2e-nope"\./);
    });
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
