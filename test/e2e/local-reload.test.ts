import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobReload } from '../../local/job-reloader';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import { silentLogger } from '../../shared/logging/silent-logger';
import { eventually } from '../support/eventually';
import { type FixtureProject, useFixtureProjects } from '../unit/discovery/fixture-project';

// Each runtime starts dynalite, fauxqs and a server, and each reload bundles the job files.
const E2E_TIMEOUT_MS = 60_000;

// Registered first, so that it runs last: runtimes stop before their projects are deleted.
const newProject = useFixtureProjects();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A job file whose runs succeed with `message`; `options` go before `run`. */
function jobFile(message: string, options = ''): string {
  return [
    "import { defineJob, JobResult } from '#shared';",
    '',
    `export default defineJob({ ${options} run: async () => JobResult.success(${JSON.stringify(message)}) });`,
    '',
  ].join('\n');
}

/** The local runtime on a project's job files, as `npm run dev` starts it, with its reloads. */
async function start(project: FixtureProject) {
  const reloads: JobReload[] = [];
  const runtime = await startLocalRuntime({
    projectRoot: project.root,
    port: 0,
    inMemory: true,
    logger: silentLogger,
    appName: `reload-${randomUUID().slice(0, 8)}`,
    shutdownGraceMs: 2_000,
    onJobsReloaded: (reload) => reloads.push(reload),
  });
  cleanups.push(() => runtime.stop());
  return { runtime, reloads };
}

async function api(runtime: LocalRuntime, path: string, method = 'GET') {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const listed = async (runtime: LocalRuntime) =>
  ((await api(runtime, '/jobs')).body.jobs as { name: string }[]) ?? [];

interface Attempt {
  readonly status: string;
  readonly message?: string;
  readonly willRetry?: boolean;
}

/** Triggers a run of `jobName` and waits for its last attempt to end; that attempt. */
async function runToTheEnd(runtime: LocalRuntime, jobName: string): Promise<Attempt | undefined> {
  const triggered = await api(runtime, `/jobs/${jobName}/runs`, 'POST');
  expect(triggered.status, JSON.stringify(triggered.body)).toBe(202);
  // The run is not found until the worker has claimed it.
  const run = await eventually(
    async () => (await api(runtime, `/jobs/${jobName}/runs/${triggered.body.runId}`)).body,
    (details) => {
      const last = (details.attempts as Attempt[] | undefined)?.at(-1);
      return last !== undefined && last.status !== 'running' && last.willRetry === false;
    },
  );
  return (run.attempts as Attempt[]).at(-1);
}

describe('the local runtime, when job files change while it runs', {
  timeout: E2E_TIMEOUT_MS,
}, () => {
  it('lists, schedules and runs a job whose file was written after it started', async () => {
    const project = await newProject();
    await project.writeJob('first.job.ts', jobFile('first ran'));
    const { runtime, reloads } = await start(project);

    await project.writeJob(
      'nightly-sync.job.ts',
      jobFile('synced', "schedule: { rate: '1 hour' },"),
    );
    const jobs = await eventually(
      () => listed(runtime),
      (all) => all.some((job) => job.name === 'nightly-sync'),
    );
    const run = await runToTheEnd(runtime, 'nightly-sync');

    expect(jobs.map((job) => job.name)).toEqual(['first', 'nightly-sync']);
    expect((await api(runtime, '/jobs/nightly-sync')).body.nextFireTimes).toHaveLength(5);
    expect(runtime.jobs.find((job) => job.name === 'nightly-sync')?.nextFireTime).toBeInstanceOf(
      Date,
    );
    expect(run).toMatchObject({ status: 'succeeded', message: 'synced' });
    expect(reloads.at(-1)).toMatchObject({
      ok: true,
      changedFiles: ['functions/jobs/nightly-sync.job.ts'],
      added: ['nightly-sync'],
      removed: [],
      changed: [],
    });
  });

  it("runs a changed job's new code, and says that job changed", async () => {
    const project = await newProject();
    await project.writeJob('greet.job.ts', jobFile('hello'));
    const { runtime, reloads } = await start(project);

    await project.writeJob('greet.job.ts', jobFile('hello again'));
    await eventually(
      () => reloads,
      (all) => all.some((reload) => reload.ok && reload.changed.includes('greet')),
    );
    const run = await runToTheEnd(runtime, 'greet');

    expect(run).toMatchObject({ status: 'succeeded', message: 'hello again' });
    expect(reloads.at(-1)).toMatchObject({ ok: true, added: [], removed: [], changed: ['greet'] });
  });

  it('stops a job whose file was removed: the API no longer knows it', async () => {
    const project = await newProject();
    await project.writeJob('keep.job.ts', jobFile('kept'));
    await project.writeJob('hourly.job.ts', jobFile('ticked', "schedule: { rate: '1 hour' },"));
    const { runtime, reloads } = await start(project);

    await rm(join(project.root, 'functions', 'jobs', 'hourly.job.ts'));
    await eventually(
      () => reloads,
      (all) => all.some((reload) => reload.ok && reload.removed.includes('hourly')),
    );

    expect((await api(runtime, '/jobs/hourly')).status).toBe(404);
    expect((await listed(runtime)).map((job) => job.name)).toEqual(['keep']);
    expect(runtime.jobs.map((job) => job.name)).toEqual(['keep']);
  });

  it('keeps the last good jobs running when a changed file does not load, and says why', async () => {
    const project = await newProject();
    await project.writeJob('steady.job.ts', jobFile('still here'));
    const { runtime, reloads } = await start(project);

    await project.writeJob('broken.job.ts', 'export default defineJob({ run: async () => {\n');
    const failed = await eventually(
      () => reloads,
      (all) => all.some((reload) => !reload.ok),
    );
    const run = await runToTheEnd(runtime, 'steady');

    expect(failed.at(-1)).toMatchObject({ ok: false, jobs: ['steady'] });
    const reload = failed.at(-1);
    expect(reload && !reload.ok ? reload.error.message : '').toContain(
      'functions/jobs/broken.job.ts',
    );
    expect(run).toMatchObject({ status: 'succeeded', message: 'still here' });
    expect((await listed(runtime)).map((job) => job.name)).toEqual(['steady']);
  });

  it('refuses a new job that a deploy could not create, naming its file, and keeps the others', async () => {
    const project = await newProject();
    await project.writeJob('steady.job.ts', jobFile('still here'));
    const { runtime, reloads } = await start(project);

    // Its function would be named like the app's own alerts function.
    await project.writeJob('alerts.job.ts', jobFile('never runs'));
    const failed = await eventually(
      () => reloads,
      (all) => all.some((reload) => !reload.ok),
    );

    const reload = failed.at(-1);
    expect(reload && !reload.ok ? reload.error.message : '').toMatch(
      /functions\/jobs\/alerts\.job\.ts: name: its resources would take names that the app's own resources have/,
    );
    expect((await listed(runtime)).map((job) => job.name)).toEqual(['steady']);
  });
});
