import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startEmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { legacyTableNames } from '../../local/legacy-local-data';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime, LocalRuntimeOptions } from '../../local/local-runtime-types';
import type { RunsPage } from '../../shared/api/api-resources';
import { ManualClock } from '../../shared/clock/manual-clock';
import { defineJob } from '../../shared/job/define-job';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { silentLogger } from '../../shared/logging/silent-logger';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { eventually } from '../support/eventually';

// Each runtime starts dynalite, fauxqs and a server: allow for a busy machine.
const E2E_TIMEOUT_MS = 60_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function named(definition: AnyJobDefinition): AnyNamedJobDefinition {
  if (definition.name === undefined) throw new Error('Give each job of this test a name');
  return definition as AnyNamedJobDefinition;
}

async function start(
  jobs: readonly AnyNamedJobDefinition[],
  options: {
    dataDir?: string;
    clock?: ManualClock;
    appName?: string;
    deliversTick?: LocalRuntimeOptions['deliversTick'];
  } = {},
): Promise<LocalRuntime> {
  const runtime = await startLocalRuntime({
    jobs,
    port: 0,
    logger: silentLogger,
    appName: options.appName ?? `e2e-${randomUUID().slice(0, 8)}`,
    retryBackoff: { baseSeconds: 0, jitter: 0 },
    shutdownGraceMs: 2_000,
    ...(options.dataDir ? { dataDir: options.dataDir } : { inMemory: true }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.deliversTick ? { deliversTick: options.deliversTick } : {}),
  });
  cleanups.push(() => runtime.stop());
  return runtime;
}

async function api(runtime: LocalRuntime, path: string, init?: { method: string; body?: unknown }) {
  const response = await fetch(`${runtime.url}${path}`, {
    method: init?.method ?? 'GET',
    ...(init?.body !== undefined
      ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const runsOf = async (runtime: LocalRuntime, jobName: string) =>
  (await api(runtime, `/jobs/${jobName}/runs`)).body as unknown as RunsPage;

const greet = named(
  defineJob({
    name: 'greet',
    input: z.object({ who: z.string().min(1) }),
    run: async (ctx) => JobResult.success(`Hello, ${ctx.input.who}`),
  }),
);

describe('the local runtime, through its REST API', { timeout: E2E_TIMEOUT_MS }, () => {
  it('lists its jobs and runs one that is triggered, into history', async () => {
    const runtime = await start([greet]);

    const listed = await api(runtime, '/jobs');
    const triggered = await api(runtime, '/jobs/greet/runs', {
      method: 'POST',
      body: { input: { who: 'Ada' } },
    });
    const page = await eventually(
      () => runsOf(runtime, 'greet'),
      (runs) => runs.runs[0]?.status === 'succeeded',
    );

    expect((listed.body.jobs as { name: string }[]).map((job) => job.name)).toEqual(['greet']);
    expect(triggered.status).toBe(202);
    expect(page.runs[0]).toMatchObject({
      runId: triggered.body.runId,
      trigger: 'api',
      message: 'Hello, Ada',
    });
  });

  it('retries a failing job, records the final failure and dead-letters its message', async () => {
    let calls = 0;
    const flaky = named(
      defineJob({
        name: 'always-fails',
        retries: 2,
        run: async () => {
          calls += 1;
          throw new Error(`downstream refused, call ${calls}`);
        },
      }),
    );
    const runtime = await start([flaky]);

    const { body } = await api(runtime, '/jobs/always-fails/runs', { method: 'POST', body: {} });
    const run = await eventually(
      async () => (await api(runtime, `/jobs/always-fails/runs/${body.runId}`)).body,
      (details) =>
        (details.attempts as { status: string }[] | undefined)?.length === 3 &&
        (details.attempts as { willRetry: boolean }[])[2]?.willRetry === false,
    );
    const deadLetters = await eventually(
      () => runtime.deadLetters('always-fails'),
      (messages) => messages.length === 1,
    );

    const attempts = run.attempts as {
      attempt: number;
      status: string;
      error?: { message: string };
    }[];
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);
    expect(attempts[2]?.error?.message).toBe('downstream refused, call 3');
    expect(JSON.parse(deadLetters[0] ?? '{}')).toMatchObject({
      job: 'always-fails',
      runId: body.runId,
    });
  });

  it('lists a run that failed for good among its dead letters, and redrives it as a new run that runs', async () => {
    let calls = 0;
    const failing = named(
      defineJob({
        name: 'fails-twice',
        retries: 0,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new Error('the upstream file is missing');
          return JobResult.success('imported, once the file came');
        },
      }),
    );
    const runtime = await start([failing]);
    const { body } = await api(runtime, '/jobs/fails-twice/runs', { method: 'POST', body: {} });

    const listed = await eventually(
      async () => (await api(runtime, '/jobs/fails-twice/dead-letters')).body,
      (answer) => (answer.deadLetters as unknown[]).length === 1,
    );
    const [letter] = listed.deadLetters as { messageId: string; runId: string; reason: string }[];
    const redrive = await api(runtime, '/jobs/fails-twice/dead-letters/redrive', {
      method: 'POST',
      body: { messageIds: [letter?.messageId] },
    });
    const [redriven] = redrive.body.redriven as { runId: string; retryOf: string }[];
    const retry = await eventually(
      async () => (await api(runtime, `/jobs/fails-twice/runs/${redriven?.runId}`)).body,
      (details) => details.status === 'succeeded',
    );
    const after = await api(runtime, '/jobs/fails-twice/dead-letters');

    expect(letter).toMatchObject({
      runId: body.runId,
      reason: expect.stringContaining('upstream file'),
    });
    expect(redriven?.retryOf).toBe(body.runId);
    expect(retry.attempts).toEqual([
      expect.objectContaining({ trigger: 'retry', retryOf: body.runId, status: 'succeeded' }),
    ]);
    expect(after.body.deadLetters).toEqual([]);
  });

  it('counts each run in its hour, and answers counts and percentiles through the API', async () => {
    const runtime = await start([greet]);
    for (const who of ['Ada', 'Grace']) {
      const { body } = await api(runtime, '/jobs/greet/runs', {
        method: 'POST',
        body: { input: { who } },
      });
      await eventually(
        async () => (await api(runtime, `/jobs/greet/runs/${body.runId}`)).body,
        (details) => details.status === 'succeeded',
      );
    }
    await api(runtime, '/jobs/greet/runs', { method: 'POST', body: { input: { who: '' } } });

    const stats = await eventually(
      async () => (await api(runtime, '/jobs/greet/stats')).body,
      (answer) => answer.runs === 2,
    );
    const all = await api(runtime, '/stats');

    expect(stats).toMatchObject({ range: '24h', outcomes: { succeeded: 2 }, p50Ms: 100 });
    // Every hour of the last 24, zero where nothing ended, for the charts.
    expect(stats.hours).toHaveLength(24);
    const hours = stats.hours as { runs: number }[];
    expect(hours.filter((hour) => hour.runs > 0)).toHaveLength(1);
    expect(all.body.jobs).toEqual([expect.objectContaining({ jobName: 'greet', runs: 2 })]);
  });

  it('skips the next tick of a paused job', async () => {
    const clock = new ManualClock('2026-07-01T08:59:30Z');
    const everyMinute = named(
      defineJob({
        name: 'every-minute',
        schedule: { cron: '* * * * *', timezone: 'Europe/Paris' },
        run: async () => JobResult.success('ticked'),
      }),
    );
    const runtime = await start([everyMinute], { clock });

    const paused = await api(runtime, '/jobs/every-minute/pause', { method: 'POST' });
    clock.advance(30_000);
    const page = await eventually(
      () => runsOf(runtime, 'every-minute'),
      (runs) => runs.runs.length === 1 && runs.runs[0]?.status !== 'running',
    );

    expect(paused.status).toBe(200);
    expect(page.runs[0]).toMatchObject({
      trigger: 'schedule',
      scheduledTime: '2026-07-01T09:00:00.000Z',
      status: 'skipped',
    });
  });

  it('reports the ticks whose delivery was dropped as missed, through the API', async () => {
    const clock = new ManualClock('2026-07-01T08:59:30Z');
    const everyMinute = named(
      defineJob({
        name: 'every-minute',
        schedule: { cron: '* * * * *' },
        run: async () => JobResult.success('ticked'),
      }),
    );
    const dropped = new Set(['2026-07-01T09:02:00.000Z', '2026-07-01T09:03:00.000Z']);
    const runtime = await start([everyMinute], {
      clock,
      deliversTick: (tick) => !dropped.has(tick.scheduledTime),
    });

    // Minute by minute to 09:05, as the scheduler fires; then past 09:13, when the tolerance of
    // 09:03 has passed.
    for (let minute = 0; minute < 15; minute++) {
      clock.advance(60_000);
      await eventually(
        () => runsOf(runtime, 'every-minute'),
        (page) => page.runs.every((run) => run.status !== 'running'),
      );
    }
    const missed = await eventually(
      async () => {
        clock.advance(1_000);
        return (await api(runtime, '/jobs/every-minute/missed')).body as unknown as RunsPage;
      },
      (page) => page.runs.length >= 2,
    );
    const stats = await api(runtime, '/jobs/every-minute/stats');
    const ran = await runsOf(runtime, 'every-minute');

    expect(missed.runs.map((run) => [run.scheduledTime, run.status, run.trigger])).toEqual([
      ['2026-07-01T09:03:00Z', 'missed', 'schedule'],
      ['2026-07-01T09:02:00Z', 'missed', 'schedule'],
    ]);
    expect(missed.runs[0]?.message).toContain(
      'No run started for the tick due at 2026-07-01T09:03:00Z',
    );
    expect(ran.runs.filter((run) => run.status === 'succeeded').length).toBeGreaterThanOrEqual(12);
    expect(stats.body).toMatchObject({ outcomes: { missed: 2 } });
  });

  it('fires a cron tick on time in its own time zone', async () => {
    // 09:00 in Kolkata (UTC+05:30) is 03:30 UTC.
    const clock = new ManualClock('2026-07-01T03:29:00Z');
    const morning = named(
      defineJob({
        name: 'kolkata-morning',
        schedule: { cron: '0 9 * * *', timezone: 'Asia/Kolkata' },
        run: async (ctx) => JobResult.success(`ran for ${ctx.scheduledTime?.toISOString()}`),
      }),
    );
    const runtime = await start([morning], { clock });

    const planned = runtime.jobs[0]?.nextFireTime?.toISOString();
    clock.advance(59_000);
    const early = await runsOf(runtime, 'kolkata-morning');
    clock.advance(1_000);
    const page = await eventually(
      () => runsOf(runtime, 'kolkata-morning'),
      (runs) => runs.runs[0]?.status === 'succeeded',
    );

    expect(planned).toBe('2026-07-01T03:30:00.000Z');
    expect(early.runs).toEqual([]);
    expect(page.runs[0]).toMatchObject({
      trigger: 'schedule',
      triggeredBy: 'scheduler',
      scheduledTime: '2026-07-01T03:30:00.000Z',
      message: 'ran for 2026-07-01T03:30:00.000Z',
    });
    expect(runtime.jobs[0]?.nextFireTime?.toISOString()).toBe('2026-07-02T03:30:00.000Z');
  });

  it('keeps history across a restart on the same data folder', async () => {
    const dataDir = join(tmpdir(), `local-runtime-${randomUUID()}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const appName = `e2e-${randomUUID().slice(0, 8)}`;
    const first = await start([greet], { dataDir, appName });
    const { body } = await api(first, '/jobs/greet/runs', {
      method: 'POST',
      body: { input: { who: 'Grace' } },
    });
    await eventually(
      () => runsOf(first, 'greet'),
      (runs) => runs.runs[0]?.status === 'succeeded',
    );
    await first.stop();

    const second = await start([greet], { dataDir, appName });
    const page = await runsOf(second, 'greet');

    expect(page.runs.map((run) => [run.runId, run.status])).toEqual([[body.runId, 'succeeded']]);
  });

  it('keeps the history and queued runs of a data folder from before the names took <app>_', async () => {
    const dataDir = join(tmpdir(), `local-runtime-${randomUUID()}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const appName = `e2e-${randomUUID().slice(0, 8)}`;
    const old = await startEmbeddedDynamoDb({ path: join(dataDir, 'dynamodb') });
    await old.createTables(legacyTableNames(appName));
    const client = old.createClient();
    await new DynamoDbExecutionStore({
      client,
      tableName: legacyTableNames(appName).executions,
    }).record({
      jobName: 'greet',
      runId: 'run-from-before',
      attempt: 1,
      maxAttempts: 4,
      trigger: 'api',
      status: 'succeeded',
      startedAt: new Date().toISOString(),
      completedAt: new Date().toISOString(),
      willRetry: false,
    });
    client.destroy();
    await old.stop();
    await writeFile(
      join(dataDir, 'queued-messages.json'),
      JSON.stringify({
        [`${appName}-greet`]: [
          { body: JSON.stringify({ job: 'greet', runId: 'queued-before', input: { who: 'Ada' } }) },
        ],
      }),
    );

    const runtime = await start([greet], { dataDir, appName });
    const queued = await eventually(
      () => api(runtime, '/jobs/greet/runs/queued-before'),
      (answer) => answer.status === 200,
    );
    const before = await api(runtime, '/jobs/greet/runs/run-from-before');

    expect(before.status).toBe(200);
    expect(queued.body).toMatchObject({ attempts: [{ status: expect.any(String) }] });
  });

  it('answers bad input with 400 and the field errors, and an unknown job with 404', async () => {
    const runtime = await start([greet]);

    const bad = await api(runtime, '/jobs/greet/runs', {
      method: 'POST',
      body: { input: { who: '' } },
    });
    const unknown = await api(runtime, '/jobs/nobody/runs', { method: 'POST', body: {} });

    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      expect.objectContaining({ path: expect.stringContaining('who') }),
    ]);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'not_found' });
  });

  it('cancels a running 60-second run through the API within seconds, and does not retry it', async () => {
    let aborted: unknown;
    const minute = named(
      defineJob({
        name: 'minute-export',
        retries: 3,
        timeout: '2 minutes',
        run: async (ctx) => {
          await new Promise((resolve) => {
            const done = setTimeout(resolve, 60_000);
            ctx.signal.addEventListener('abort', () => {
              aborted = ctx.signal.reason;
              clearTimeout(done);
              resolve(undefined);
            });
          });
          return JobResult.success('exported');
        },
      }),
    );
    const runtime = await start([minute]);
    const { body } = await api(runtime, '/jobs/minute-export/runs', { method: 'POST', body: {} });
    await eventually(
      () => runsOf(runtime, 'minute-export'),
      (runs) => runs.runs[0]?.status === 'running',
    );

    const asked = Date.now();
    const cancel = await api(runtime, `/jobs/minute-export/runs/${body.runId}/cancel`, {
      method: 'POST',
    });
    const run = await eventually(
      async () => (await api(runtime, `/jobs/minute-export/runs/${body.runId}`)).body,
      (details) => details.status === 'cancelled',
      10_000,
    );
    const tookMs = Date.now() - asked;

    expect(cancel.status).toBe(202);
    expect(cancel.body.cancelledBy).toMatch(/^local:/);
    expect(run).toMatchObject({ status: 'cancelled', willRetry: false });
    expect(run.attempts).toEqual([
      expect.objectContaining({
        status: 'cancelled',
        cancelledBy: cancel.body.cancelledBy,
        willRetry: false,
      }),
    ]);
    expect((aborted as Error).message).toBe(`The run was cancelled by ${cancel.body.cancelledBy}`);
    // Within a poll of the worker (2 s) and a read of the API, far from the body's 60 s.
    expect(tookMs).toBeLessThan(10_000);
  });

  it('cancels a run still going at shutdown and runs it again after a restart', async () => {
    const dataDir = join(tmpdir(), `local-runtime-${randomUUID()}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const appName = `e2e-${randomUUID().slice(0, 8)}`;
    let calls = 0;
    const slow = named(
      defineJob({
        name: 'slow-export',
        run: async (ctx) => {
          calls += 1;
          if (calls > 1) return JobResult.success('exported');
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          return JobResult.failure('stopped before the export was done');
        },
      }),
    );
    const first = await start([slow], { dataDir, appName });
    const { body } = await api(first, '/jobs/slow-export/runs', { method: 'POST', body: {} });
    await eventually(
      () => runsOf(first, 'slow-export'),
      (runs) => runs.runs[0]?.status === 'running',
    );

    await first.stop();
    const second = await start([slow], { dataDir, appName });
    const run = await eventually(
      async () => (await api(second, `/jobs/slow-export/runs/${body.runId}`)).body,
      (details) =>
        (details.attempts as { status: string }[] | undefined)?.at(-1)?.status === 'succeeded',
    );

    expect((run.attempts as { status: string }[]).map((attempt) => attempt.status)).toEqual([
      'cancelled',
      'succeeded',
    ]);
  });
});
