import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { DevProcess } from '../e2e/dev-process';
import { eventually } from './eventually';

/**
 * A job whose body logs each start (run id and attempt) to BODY_LOG, then works for 300 ms.
 * A timeout of 1 s keeps the lease of an attempt whose worker was killed short (11 s + 2 s).
 */
export const BURST_JOB = `import { appendFileSync } from 'node:fs';
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

export interface Attempt {
  readonly attempt: number;
  readonly status: string;
  readonly willRetry?: boolean;
  readonly message?: string;
  readonly error?: { readonly name: string };
}

/**
 * Triggers runs of `job` from 8 callers at once until `count` were asked for or the runtime
 * stops answering; the run ids it answered 202 for, in `accepted` as they come.
 */
export async function burst(url: string, job: string, count: number, accepted: string[] = []) {
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

export async function attemptsOf(
  url: string,
  job: string,
  runId: string,
): Promise<Attempt[] | undefined> {
  const response = await fetch(`${url}/jobs/${job}/runs/${runId}`);
  if (response.status === 404) return undefined;
  return ((await response.json()) as { attempts: Attempt[] }).attempts;
}

export const isFinal = (attempts: readonly Attempt[] | undefined) => {
  const last = attempts?.at(-1);
  return last !== undefined && last.status !== 'running' && last.willRetry !== true;
};

/** Every run's attempts once each run has ended (or the wait gave up: it says what it saw). */
export async function finalRuns(url: string, job: string, runIds: readonly string[]) {
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

/** The attempt numbers whose body started, per run id, from the job's log. */
export async function bodyStarts(log: string): Promise<Map<string, number[]>> {
  const starts = new Map<string, number[]>();
  const text = await readFile(log, 'utf8').catch(() => '');
  for (const line of text.split('\n').filter(Boolean)) {
    const [runId = '', attempt = ''] = line.split(' ');
    starts.set(runId, [...(starts.get(runId) ?? []), Number(attempt)]);
  }
  return starts;
}

export function summary(runs: Map<string, Attempt[] | undefined>) {
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
export function takenOver(runs: Map<string, Attempt[] | undefined>): number {
  return [...runs.values()].flat().filter((attempt) => attempt?.error?.name === 'AttemptAbandoned')
    .length;
}

/**
 * Runs with a body that ran twice: an attempt whose body started more than once, or more body
 * starts than history has attempts. A body that a crash cut short runs again as a new attempt,
 * which history shows (its cut-short attempt ends AttemptAbandoned), so it is not counted.
 */
export function ranTwice(runs: Map<string, Attempt[] | undefined>, starts: Map<string, number[]>) {
  return [...runs].filter(([runId, attempts]) => {
    const started = starts.get(runId) ?? [];
    return new Set(started).size < started.length || started.length > (attempts ?? []).length;
  });
}

/** The node process that runs local/dev.ts, below npm and its shell. */
export function devNodePid(dev: DevProcess): number | undefined {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,args='], { encoding: 'utf8' });
  for (const row of table.split('\n')) {
    const [pid, pgid, command = '', ...args] = row.trim().split(/\s+/);
    if (Number(pgid) !== dev.child.pid) continue;
    if (/(^|\/)node$/.test(command) && args.join(' ').includes('local/dev.ts')) return Number(pid);
  }
  return undefined;
}
