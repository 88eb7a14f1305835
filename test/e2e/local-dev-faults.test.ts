import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { DevProcess, type DevProject, devProject, groupAlive, REPO_ROOT } from './dev-process';

// Each test starts `npm run dev` (npm, tsx's loader, dynalite, fauxqs, a bundle of the job
// files) once or twice, and waits out attempt leases: allow for a busy machine.
const E2E_TIMEOUT_MS = 180_000;
const BURST = 100;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function project(): Promise<DevProject> {
  const created = await devProject();
  cleanups.push(() => created.remove());
  return created;
}

function dev(target: DevProject, env: Record<string, string> = {}): DevProcess {
  const process = new DevProcess(target, env);
  cleanups.push(() => process.kill());
  return process;
}

/**
 * A job whose body logs each start (run id and attempt) to BODY_LOG, then works for 300 ms.
 * A timeout of 1 s keeps the lease of an attempt whose worker was killed short (11 s + 2 s).
 */
const BURST_JOB = `import { appendFileSync } from 'node:fs';
import { defineJob, JobResult } from '#shared';

export default defineJob({
  timeout: 1,
  retries: 2,
  run: async (ctx) => {
    appendFileSync(process.env.BODY_LOG ?? '', \`\${ctx.runId} \${ctx.attempt}\\n\`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return JobResult.success('done');
  },
});
`;

interface Attempt {
  readonly attempt: number;
  readonly status: string;
  readonly willRetry?: boolean;
  readonly error?: { readonly name: string };
}

/**
 * Triggers runs of `job` from 8 callers at once until `count` were asked for or the runtime
 * stops answering; the run ids it answered 202 for, in `accepted` as they come.
 */
async function burst(url: string, job: string, count: number, accepted: string[] = []) {
  let next = 0;
  const caller = async () => {
    while (next < count) {
      next += 1;
      try {
        const response = await fetch(`${url}/jobs/${job}/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ input: {} }),
        });
        if (response.status === 202)
          accepted.push(((await response.json()) as { runId: string }).runId);
      } catch {
        return; // the runtime is gone
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, caller));
  return accepted;
}

async function attemptsOf(url: string, job: string, runId: string): Promise<Attempt[] | undefined> {
  const response = await fetch(`${url}/jobs/${job}/runs/${runId}`);
  if (response.status === 404) return undefined;
  return ((await response.json()) as { attempts: Attempt[] }).attempts;
}

const isFinal = (attempts: readonly Attempt[] | undefined) => {
  const last = attempts?.at(-1);
  return last !== undefined && last.status !== 'running' && last.willRetry !== true;
};

/** Every run's attempts once each run has ended (or the wait gave up: it says what it saw). */
async function finalRuns(url: string, job: string, runIds: readonly string[]) {
  return eventually(
    async () => {
      const runs = new Map<string, Attempt[] | undefined>();
      for (const runId of runIds) runs.set(runId, await attemptsOf(url, job, runId));
      return runs;
    },
    (runs) => [...runs.values()].every(isFinal),
    90_000,
  ).catch(async () => {
    const runs = new Map<string, Attempt[] | undefined>();
    for (const runId of runIds) runs.set(runId, await attemptsOf(url, job, runId));
    return runs;
  });
}

/** Body starts per run id, from the job's log. */
async function bodyStarts(log: string): Promise<Map<string, number>> {
  const starts = new Map<string, number>();
  const text = await readFile(log, 'utf8').catch(() => '');
  for (const line of text.split('\n').filter(Boolean)) {
    const runId = line.split(' ')[0] ?? '';
    starts.set(runId, (starts.get(runId) ?? 0) + 1);
  }
  return starts;
}

function summary(runs: Map<string, Attempt[] | undefined>) {
  const counts = { final: 0, running: 0, lost: 0, retrying: 0 };
  for (const attempts of runs.values()) {
    if (attempts === undefined) counts.lost += 1;
    else if (isFinal(attempts)) counts.final += 1;
    else if (attempts.at(-1)?.status === 'running') counts.running += 1;
    else counts.retrying += 1;
  }
  return counts;
}

/** Attempts taken over after their lease expired: the kill cut their worker short. */
function takenOver(runs: Map<string, Attempt[] | undefined>): number {
  return [...runs.values()].flat().filter((attempt) => attempt?.error?.name === 'AttemptAbandoned')
    .length;
}

/** Runs whose body started more often than a crash can explain: once, plus once per attempt that a crash or a stop cut short. */
function ranTwice(runs: Map<string, Attempt[] | undefined>, starts: Map<string, number>) {
  return [...runs].filter(([runId, attempts]) => {
    const interrupted = (attempts ?? []).filter(
      (attempt) => attempt.error?.name === 'AttemptAbandoned' || attempt.status === 'cancelled',
    ).length;
    return (starts.get(runId) ?? 0) > 1 + interrupted;
  });
}

describe('npm run dev, stopped in the middle of a burst', { timeout: E2E_TIMEOUT_MS }, () => {
  it('keeps every run it accepted through kill -9 of its process group: each ends, none stays running, none runs twice', async () => {
    const target = await project();
    await target.writeJob('burst', BURST_JOB);
    const log = join(target.root, 'bodies.log');
    const first = dev(target, { BODY_LOG: log });
    const url = await first.url();

    const accepted: string[] = [];
    const accepting = burst(url, 'burst', BURST, accepted);
    // Mid-burst: some runs done, some running, many still queued.
    await eventually(
      () => accepted.length,
      (count) => count >= 40,
    );
    await first.kill();
    await accepting;
    const second = dev(target, { BODY_LOG: log });
    const restartedUrl = await second.url();
    const runs = await finalRuns(restartedUrl, 'burst', accepted);
    const starts = await bodyStarts(log);

    console.log(
      `kill -9 mid-burst: ${accepted.length} accepted; after the restart ${JSON.stringify(summary(runs))}, ${takenOver(runs)} attempts taken over once their lease expired`,
    );
    expect(accepted.length).toBeGreaterThan(10);
    expect(summary(runs)).toEqual({ final: accepted.length, running: 0, lost: 0, retrying: 0 });
    expect([...runs.values()].map((attempts) => attempts?.at(-1)?.status)).toEqual(
      accepted.map(() => 'succeeded'),
    );
    expect(ranTwice(runs, starts)).toEqual([]);
  });

  it('stops gracefully on one Ctrl+C to its process group, also when npm relays it a second time', async () => {
    const target = await project();
    await target.writeJob('burst', BURST_JOB);
    const log = join(target.root, 'bodies.log');
    const first = dev(target, { BODY_LOG: log });
    const url = await first.url();

    const accepting = burst(url, 'burst', BURST);
    await eventually(
      async () => (await bodyStarts(log)).size,
      (started) => started >= 5,
    );
    // The terminal signals the whole foreground group; where the script shell runs node in its
    // own place (bash does), npm's relay reaches node a second time a moment later.
    first.signalGroup('SIGINT');
    const node = devNodePid(first);
    if (node !== undefined) process.kill(node, 'SIGINT');
    await first.exited;
    const accepted = await accepting;
    const pgid = first.child.pid ?? 0;
    const second = dev(target, { BODY_LOG: log });
    const runs = await finalRuns(await second.url(), 'burst', accepted);
    const starts = await bodyStarts(log);

    console.log(
      `one Ctrl+C mid-burst: ${accepted.length} accepted; after the restart ${JSON.stringify(summary(runs))}`,
    );
    expect(first.stderr).toContain('Stopping: letting runs in flight finish');
    expect(first.stderr).not.toContain('Stopping at once');
    expect(first.stderr).toContain('Stopped.');
    expect(groupAlive(pgid)).toBe(false);
    expect(summary(runs)).toEqual({ final: accepted.length, running: 0, lost: 0, retrying: 0 });
    // A graceful stop leaves no attempt for a lease to expire on.
    expect(takenOver(runs)).toBe(0);
    expect(ranTwice(runs, starts)).toEqual([]);
  });
});

describe('npm run dev, started where it cannot run', { timeout: E2E_TIMEOUT_MS }, () => {
  it('refuses a second start on the same data folder, naming the one that runs', async () => {
    const target = await project();
    await target.writeJob('burst', BURST_JOB);
    const first = dev(target);
    const url = await first.url();

    const second = dev(target);
    const exit = await second.exited;
    const health = await fetch(`${url}/health`);

    const node = devNodePid(first);
    const port = new URL(url).port;
    expect(exit.code).toBe(1);
    expect(second.stderr).toContain(`PID ${node}`);
    expect(second.stderr).toContain(`port ${port}`);
    expect(second.stderr).not.toContain('Database is closed');
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(health.status).toBe(200);
  });

  it('prints the problems of an invalid job file as jobs validate does, and exits 1', async () => {
    const target = await project();
    await target.writeJob(
      'fine',
      "import { defineJob, JobResult } from '#shared';\n\nexport default defineJob({ run: async () => JobResult.success() });\n",
    );
    await target.writeJob(
      'nightly',
      `import { defineJob, JobResult } from '#shared';

export default defineJob({
  retries: 12,
  schedule: { cron: '0 0 7 * * *' },
  run: async () => JobResult.success(),
});
`,
    );
    const validated = validate(target.root);

    const started = dev(target);
    const exit = await started.exited;

    expect(validated.lines).toHaveLength(2);
    expect(exit.code).toBe(1);
    for (const line of validated.lines) expect(started.stderr).toContain(`\n${line}\n`);
    expect(started.stderr).not.toMatch(/^\s+at /m);
    expect(started.stderr).not.toContain('JobDiscoveryError');
  });
});

/** The node process that runs local/dev.ts, below npm and its shell. */
function devNodePid(dev: DevProcess): number | undefined {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,args='], { encoding: 'utf8' });
  for (const row of table.split('\n')) {
    const [pid, pgid, command = '', ...args] = row.trim().split(/\s+/);
    if (Number(pgid) !== dev.child.pid) continue;
    if (/(^|\/)node$/.test(command) && args.join(' ').includes('local/dev.ts')) return Number(pid);
  }
  return undefined;
}

/** `npx jobs validate` in `root`: its problem lines. */
function validate(root: string): { lines: string[] } {
  try {
    execFileSync('node', [join(REPO_ROOT, 'bin', 'jobs.mjs'), 'validate'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { lines: [] };
  } catch (error) {
    const stdout = (error as { stdout: string }).stdout;
    return { lines: stdout.split('\n').filter((line) => line.startsWith('functions/')) };
  }
}
