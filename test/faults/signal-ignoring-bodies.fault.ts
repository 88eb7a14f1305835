import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DevProcess, type DevProject, devProject } from '../e2e/dev-process';
import { attemptsOf, finalRuns, summary } from '../support/dev-bursts';
import { report } from './report';

const RUNS = 8;
const LINGER_MS = 14_000;

/**
 * A job whose first attempt ignores its signal and runs on 14 s past its 1 s timeout: past the
 * 10 s before its retry is delivered. Each body logs when it starts and when it ends.
 */
const STUBBORN_JOB = `import { appendFileSync } from 'node:fs';
import { defineJob, JobResult } from '#shared';

export default defineJob({
  timeout: 1,
  retries: 2,
  run: async (ctx) => {
    const log = (event: string) =>
      appendFileSync(process.env.BODY_LOG ?? '', \`\${ctx.runId} \${ctx.attempt} \${event} \${Date.now()}\\n\`);
    log('start');
    await new Promise((resolve) => setTimeout(resolve, ctx.attempt === 1 ? ${LINGER_MS} : 200));
    log('end');
    return JobResult.success('done');
  },
});
`;

interface BodyInterval {
  readonly runId: string;
  readonly attempt: number;
  readonly start: number;
  readonly end: number;
}

async function bodyIntervals(log: string): Promise<BodyInterval[]> {
  const starts = new Map<string, number>();
  const intervals: BodyInterval[] = [];
  const text = await readFile(log, 'utf8').catch(() => '');
  for (const line of text.split('\n').filter(Boolean)) {
    const [runId = '', attempt = '', event, at = ''] = line.split(' ');
    const key = `${runId} ${attempt}`;
    if (event === 'start') starts.set(key, Number(at));
    else
      intervals.push({
        runId,
        attempt: Number(attempt),
        start: starts.get(key) ?? 0,
        end: Number(at),
      });
  }
  return intervals;
}

/** Pairs of one run's bodies whose running times overlap. */
function overlapping(intervals: readonly BodyInterval[]): [BodyInterval, BodyInterval][] {
  const pairs: [BodyInterval, BodyInterval][] = [];
  for (const [index, one] of intervals.entries()) {
    for (const other of intervals.slice(index + 1)) {
      if (one.runId === other.runId && one.start < other.end && other.start < one.end)
        pairs.push([one, other]);
    }
  }
  return pairs;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('bodies that ignore their signal and run on past their timeout, through npm run dev', () => {
  it('never overlap a later attempt of their run: the retry waits until the earlier body ends', async () => {
    const target: DevProject = await devProject();
    cleanups.push(() => target.remove());
    await target.writeJob('stubborn', STUBBORN_JOB);
    const log = join(target.root, 'bodies.log');
    const dev = new DevProcess(target, { BODY_LOG: log });
    cleanups.push(() => dev.kill());
    const url = await dev.url();

    const accepted: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const response = await fetch(`${url}/jobs/stubborn/runs`, { method: 'POST', body: '{}' });
      accepted.push(((await response.json()) as { runId: string }).runId);
    }
    const runs = await finalRuns(url, 'stubborn', accepted);
    const intervals = await bodyIntervals(log);
    const overlaps = overlapping(intervals);
    const counts = summary(runs);
    const firstAttempt = await attemptsOf(url, 'stubborn', accepted[0] ?? '');

    report(
      `bodies that ignore their signal ${LINGER_MS / 1000} s past a 1 s timeout, ${RUNS} runs through npm run dev: ${intervals.length} bodies ran, ${overlaps.length} pairs of one run's bodies overlapped; ${counts.final} runs final, ${counts.running} running, ${counts.lost} lost`,
    );
    expect(counts).toEqual({ final: RUNS, running: 0, lost: 0, retrying: 0 });
    expect(firstAttempt?.map((attempt) => attempt.status)).toEqual(['timed_out', 'succeeded']);
    expect(intervals).toHaveLength(2 * RUNS);
    expect(overlaps).toEqual([]);
  });
});
