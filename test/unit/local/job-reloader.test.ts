import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoveryResult } from '../../../discovery/discover-jobs';
import { type JobReload, startJobReloader } from '../../../local/job-reloader';
import { JobDiscoveryError } from '../../../shared/errors';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyNamedJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';

const ROOT = '/project';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** What discovery would find for these job names, each in functions/jobs/<name>.job.ts. */
function discovered(...names: string[]): DiscoveryResult {
  return {
    jobs: names.map((name) => ({
      definition: defineJob({
        name,
        run: async () => JobResult.success(),
      }) as unknown as AnyNamedJobDefinition,
      file: join(ROOT, 'functions', 'jobs', `${name}.job.ts`),
      relativeFile: `functions/jobs/${name}.job.ts`,
    })),
    warnings: [],
  };
}

function reloader(options: {
  running: string[];
  discover: () => Promise<DiscoveryResult>;
  listen?: boolean;
}) {
  const applied: string[][] = [];
  const reloads: JobReload[] = [];
  const logger = new MemoryLogger();
  const started = startJobReloader({
    projectRoot: ROOT,
    watchDirs: [],
    jobNames: options.running,
    discover: options.discover,
    apply: async (jobs) => {
      applied.push(jobs.map((job) => job.name));
    },
    logger,
    ...(options.listen === false ? {} : { onReload: (reload) => reloads.push(reload) }),
  });
  closers.push(() => started.close());
  return { reloader: started, applied, reloads, logger };
}

describe('startJobReloader', () => {
  it('says which jobs were added, changed and removed, and hands the runtime the new set', async () => {
    const { reloader: jobs, applied } = reloader({
      running: ['daily-report', 'old-sync', 'send-email'],
      discover: async () => discovered('daily-report', 'nightly-sync', 'send-email'),
    });

    const reload = await jobs.reload([
      join(ROOT, 'functions', 'jobs', 'daily-report.job.ts'),
      join(ROOT, 'functions', 'jobs', 'nightly-sync.job.ts'),
      join(ROOT, 'functions', 'jobs', 'old-sync.job.ts'),
    ]);

    expect(reload).toEqual({
      ok: true,
      changedFiles: [
        'functions/jobs/daily-report.job.ts',
        'functions/jobs/nightly-sync.job.ts',
        'functions/jobs/old-sync.job.ts',
      ],
      added: ['nightly-sync'],
      removed: ['old-sync'],
      changed: ['daily-report'],
      jobs: ['daily-report', 'nightly-sync', 'send-email'],
    });
    expect(applied).toEqual([['daily-report', 'nightly-sync', 'send-email']]);
  });

  it('keeps the running jobs, and says why, when the files do not load', async () => {
    const problem = new JobDiscoveryError([
      { file: 'functions/jobs/broken.job.ts', message: 'Unexpected ";" (line 1)' },
    ]);
    const {
      reloader: jobs,
      applied,
      reloads,
    } = reloader({
      running: ['daily-report'],
      discover: async () => {
        throw problem;
      },
    });

    await jobs.reload([join(ROOT, 'functions', 'jobs', 'broken.job.ts')]);

    expect(applied).toEqual([]);
    expect(reloads).toEqual([
      {
        ok: false,
        changedFiles: ['functions/jobs/broken.job.ts'],
        error: problem,
        jobs: ['daily-report'],
      },
    ]);
  });

  it('compares each reload with the last one that loaded', async () => {
    const results = [discovered('a'), undefined, discovered('a', 'b')];
    const { reloader: jobs } = reloader({
      running: [],
      discover: async () => {
        const next = results.shift();
        if (!next) throw new Error('does not load');
        return next;
      },
    });

    await jobs.reload();
    await jobs.reload();
    const third = await jobs.reload();

    expect(third).toMatchObject({ ok: true, added: ['b'], jobs: ['a', 'b'] });
  });

  it('runs one reload at a time, in the order asked', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const slowDiscovery = new Promise<void>((resolve) => {
      release = resolve;
    });
    const results = [discovered('a'), discovered('a', 'b')];
    const { reloader: jobs } = reloader({
      running: [],
      discover: async () => {
        const next = results.shift() ?? discovered();
        const label = `discovery of ${next.jobs.length}`;
        order.push(`${label} starts`);
        if (next.jobs.length === 1) await slowDiscovery;
        order.push(`${label} ends`);
        return next;
      },
    });

    const first = jobs.reload();
    const second = jobs.reload();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all([first, second]);

    expect(order).toEqual([
      'discovery of 1 starts',
      'discovery of 1 ends',
      'discovery of 2 starts',
      'discovery of 2 ends',
    ]);
    expect(await second).toMatchObject({ added: ['b'] });
  });

  it('logs each reload when nobody listens', async () => {
    const { reloader: jobs, logger } = reloader({
      running: [],
      discover: async () => discovered('nightly-sync'),
      listen: false,
    });

    await jobs.reload();

    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'Reloaded the job files',
        attributes: expect.objectContaining({ added: ['nightly-sync'] }),
      }),
    ]);
  });
});
