// A load test of the local runtime, end to end through its REST API: 1,000 runs triggered across
// the three queue classes (300 critical, 500 default, 200 batch), each a few milliseconds of
// work. Waits until history holds every run as succeeded, then reports runs per second, latency
// from the trigger to the run's completion (p50, p95) per queue and overall, and when each queue
// finished its first and last run, so that a starved queue shows. Then how long stopping the
// runtime takes while a run is still going: its grace period of 2 s, then it cancels the run
// (target: < 10 s, grace included).
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalRuntime } from '../local/local-runtime';
import type { RunsPage } from '../shared/api/api-resources';
import { defineJob } from '../shared/job/define-job';
import type { AnyNamedJobDefinition, QueueClass } from '../shared/job/job-definition';
import { JobResult } from '../shared/job/job-result';
import { silentLogger } from '../shared/logging/silent-logger';
import { report } from './report';

const RUNS: Readonly<Record<QueueClass, number>> = { critical: 300, default: 500, batch: 200 };
const TRIGGER_CONCURRENCY = 16;
const WORK_MS = 5;
const GIVE_UP_MS = 300_000;
const STOP_GRACE_MS = 2_000;

const jobs = (Object.keys(RUNS) as QueueClass[]).map(
  (queue) =>
    defineJob({
      name: `load-${queue}`,
      queue,
      run: async () => {
        await sleep(WORK_MS);
        return JobResult.success('done');
      },
    }) as unknown as AnyNamedJobDefinition,
);

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

async function allRuns(url: string, jobName: string) {
  const runs: RunsPage['runs'][number][] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${url}/jobs/${jobName}/runs?${query}`);
    if (!response.ok) throw new Error(`listing runs of ${jobName}: ${response.status}`);
    const page = (await response.json()) as RunsPage;
    runs.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor);
  return runs;
}

async function main(): Promise<void> {
  const runtime = await startLocalRuntime({
    jobs,
    port: 0,
    inMemory: true,
    logger: silentLogger,
    appName: 'load',
  });
  try {
    const triggers = (Object.entries(RUNS) as [QueueClass, number][]).flatMap(([queue, count]) =>
      Array.from({ length: count }, () => `load-${queue}`),
    );
    // Interleaved, as traffic from several sources would arrive.
    triggers.sort(() => Math.random() - 0.5);
    const triggeredAt = new Map<string, number>();
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: TRIGGER_CONCURRENCY }, async () => {
        while (next < triggers.length) {
          const jobName = triggers[next++] as string;
          const at = Date.now();
          const response = await fetch(`${runtime.url}/jobs/${jobName}/runs`, {
            method: 'POST',
            body: '{}',
            headers: { 'content-type': 'application/json' },
          });
          if (response.status !== 202) throw new Error(`trigger: ${response.status}`);
          const { runId } = (await response.json()) as { runId: string };
          triggeredAt.set(runId, at);
        }
      }),
    );
    const triggeredMs = Date.now() - started;

    let finished: Awaited<ReturnType<typeof allRuns>>[] = [];
    for (;;) {
      finished = await Promise.all(jobs.map((job) => allRuns(runtime.url, job.name)));
      const done = finished.flat().filter((run) => run.status === 'succeeded').length;
      if (done === triggers.length) break;
      if (Date.now() - started > GIVE_UP_MS) {
        throw new Error(`only ${done} of ${triggers.length} runs succeeded in ${GIVE_UP_MS} ms`);
      }
      await sleep(250);
    }

    const completion = (run: { completedAt?: string }) => Date.parse(run.completedAt ?? '');
    const lastCompletion = Math.max(...finished.flat().map(completion));
    const totalMs = lastCompletion - started;
    process.stdout.write(
      `\nLocal runtime load: ${triggers.length} runs (300 critical, 500 default, 200 batch), ${WORK_MS} ms of work each\n`,
    );
    report('runs triggered through the API', triggers.length, 'runs', `in ${triggeredMs} ms`);
    report(
      'runs recorded as succeeded in history',
      finished.flat().filter((run) => run.status === 'succeeded').length,
      'runs',
    );
    report(
      'runs per second, first trigger to last completion',
      triggers.length / (totalMs / 1000),
      'runs/s',
    );
    const latencies: number[] = [];
    for (const [index, job] of jobs.entries()) {
      const runs = finished[index] ?? [];
      const perRun = runs.map((run) => completion(run) - (triggeredAt.get(run.runId) ?? started));
      latencies.push(...perRun);
      const first = Math.min(...runs.map(completion)) - started;
      const last = Math.max(...runs.map(completion)) - started;
      report(
        `  ${job.queue}: latency p50 / p95`,
        percentile(perRun, 0.5),
        'ms',
        `p95 ${percentile(perRun, 0.95).toFixed(0)} ms; ${runs.length} runs`,
      );
      report(
        `  ${job.queue}: first and last completion`,
        first,
        'ms',
        `last at ${last} ms, ${((last / totalMs) * 100).toFixed(0)}% of the whole`,
      );
    }
    report('all: latency p50', percentile(latencies, 0.5), 'ms');
    report('all: latency p95', percentile(latencies, 0.95), 'ms');
  } finally {
    await runtime.stop();
  }
}

/** Stops a runtime whose one run waits for its signal: the time it takes to cancel it and stop. */
async function stopWithRunInFlight(): Promise<void> {
  const hold = defineJob({
    name: 'load-hold',
    run: async (ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return JobResult.failure('stopped');
    },
  }) as unknown as AnyNamedJobDefinition;
  const runtime = await startLocalRuntime({
    jobs: [hold],
    port: 0,
    inMemory: true,
    logger: silentLogger,
    appName: 'load',
    shutdownGraceMs: STOP_GRACE_MS,
  });
  let stopped = false;
  try {
    const response = await fetch(`${runtime.url}/jobs/${hold.name}/runs`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    if (response.status !== 202) throw new Error(`trigger: ${response.status}`);
    const givingUpAt = Date.now() + GIVE_UP_MS;
    while ((await allRuns(runtime.url, hold.name))[0]?.status !== 'running') {
      if (Date.now() > givingUpAt) throw new Error(`the run did not start in ${GIVE_UP_MS} ms`);
      await sleep(20);
    }
    const started = performance.now();
    await runtime.stop();
    stopped = true;
    report(
      'stop with a run still going: grace, then it is cancelled',
      performance.now() - started,
      'ms',
      `grace ${STOP_GRACE_MS} ms; target: < 10000 ms`,
    );
  } finally {
    if (!stopped) await runtime.stop();
  }
}

await main();
await stopWithRunInFlight();
