import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { discoverJobs, findJobFiles } from '../../../discovery/index';
import { JobDiscoveryError } from '../../../shared/errors';
import { bundledJobFile } from '../../../shared/job/bundled-job-file';
import { jobSource, REPOSITORY_ROOT, useFixtureProjects } from './fixture-project';

// Loading job files goes through esbuild and a dynamic import: allow for a slow machine.
const LOAD_TIMEOUT_MS = 30_000;

describe('discoverJobs', { timeout: LOAD_TIMEOUT_MS }, () => {
  const createProject = useFixtureProjects();

  describe("the repository's own example jobs", () => {
    it('finds each of them under its name, with its source file', async () => {
      const { jobs, warnings } = await discoverJobs({ projectRoot: REPOSITORY_ROOT });

      const found = jobs.map((job) => [job.definition.name, job.relativeFile, job.file]);
      expect(found).toEqual(
        expect.arrayContaining(
          ['daily-report', 'month-end-report', 'send-email', 'weekly-cleanup'].map((name) => [
            name,
            `functions/jobs/${name}.job.ts`,
            join(REPOSITORY_ROOT, 'functions', 'jobs', `${name}.job.ts`),
          ]),
        ),
      );
      expect(warnings).toEqual([]);
    });

    it("gives daily-report its schedule in Scheduler's cron form, in London time", async () => {
      const { jobs } = await discoverJobs({ projectRoot: REPOSITORY_ROOT });

      const dailyReport = jobs.find((job) => job.definition.name === 'daily-report');
      expect(dailyReport?.definition.schedule?.expression).toBe('cron(0 7 * * ? *)');
      expect(dailyReport?.definition.schedule?.timezone).toBe('Europe/London');
      expect(dailyReport?.definition.displayName).toBe('Daily sales report');
    });

    it('keeps the schedules of the other examples: weekly-cleanup on Sundays, the rest on demand', async () => {
      const { jobs } = await discoverJobs({ projectRoot: REPOSITORY_ROOT });

      const scheduleOf = (name: string) =>
        jobs.find((job) => job.definition.name === name)?.definition.schedule;
      expect(scheduleOf('weekly-cleanup')?.expression).toBe('cron(0 3 ? * SUN *)');
      expect(scheduleOf('weekly-cleanup')?.timezone).toBe('UTC');
      expect(scheduleOf('month-end-report')).toBeUndefined();
      expect(scheduleOf('send-email')).toBeUndefined();
    });
  });

  describe('naming', () => {
    it('names a job after its file when the definition sets no name', async () => {
      const project = await createProject();
      await project.writeJob('nightly-sync.job.ts', jobSource());

      const { jobs, warnings } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.definition.name)).toEqual(['nightly-sync']);
      expect(jobs[0]?.definition.displayName).toBe('nightly-sync');
      expect(warnings).toEqual([]);
    });

    it('leaves no job file behind to name a job defined after the job files loaded', async () => {
      const project = await createProject();
      await project.writeJob('nightly-sync.job.ts', jobSource());

      await discoverJobs({ projectRoot: project.root });

      expect(bundledJobFile()).toBeUndefined();
    });

    it('names a job that another job imports after its own file, not the importer', async () => {
      const project = await createProject();
      await project.writeJob(
        'audit-log.job.ts',
        "import { defineJob, JobResult } from '#shared';\nexport default defineJob({ run: async () => JobResult.success() });\n",
      );
      await project.writeJob(
        'checkout.job.ts',
        "import { defineJob, JobResult } from '#shared';\nimport auditLog from './audit-log.job';\nexport default defineJob({ enqueues: [auditLog], run: async () => JobResult.success() });\n",
      );

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => [job.definition.name, job.definition.enqueues])).toEqual([
        ['audit-log', []],
        ['checkout', ['audit-log']],
      ]);
    });

    it('keeps a display name the definition sets while naming the job after its file', async () => {
      const project = await createProject();
      await project.writeJob('nightly-sync.job.ts', jobSource("displayName: 'Nightly sync',"));

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs[0]?.definition.name).toBe('nightly-sync');
      expect(jobs[0]?.definition.displayName).toBe('Nightly sync');
    });

    it('uses the name a definition sets, without a warning when it matches the file', async () => {
      const project = await createProject();
      await project.writeJob('nightly-sync.job.ts', jobSource("name: 'nightly-sync',"));

      const { jobs, warnings } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.definition.name)).toEqual(['nightly-sync']);
      expect(warnings).toEqual([]);
    });

    it('warns, but does not fail, when a schedule falls in an hour daylight saving skips or repeats', async () => {
      const project = await createProject();
      await project.writeJob(
        'nightly-sync.job.ts',
        jobSource("schedule: { cron: '30 1 * * *', timezone: 'Europe/London' },"),
      );
      await project.writeJob(
        'morning-report.job.ts',
        jobSource("schedule: { cron: '0 7 * * *', timezone: 'Europe/London' },"),
      );

      const { jobs, warnings } = await discoverJobs({ projectRoot: project.root });

      expect(jobs).toHaveLength(2);
      // London's clocks change twice a year, both times at 01:00 UTC: whenever this test runs,
      // the coming year holds one of each.
      expect(warnings).toEqual([
        expect.stringMatching(
          /^functions\/jobs\/nightly-sync\.job\.ts: its schedule "30 1 \* \* \*" \(Europe\/London\) fires in an hour daylight saving (skips|repeats)/,
        ),
        expect.stringMatching(/^functions\/jobs\/nightly-sync\.job\.ts: .* (skips|repeats): /),
      ]);
      expect(warnings.join('\n')).toContain('does not run it at 01:30 that day');
      expect(warnings.join('\n')).toContain('runs it once at 01:30, the first time');
    });

    it('warns, but does not fail, when a job is named unlike its file', async () => {
      const project = await createProject();
      await project.writeJob('sync.job.ts', jobSource("name: 'nightly-sync',"));

      const { jobs, warnings } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => [job.definition.name, job.relativeFile])).toEqual([
        ['nightly-sync', 'functions/jobs/sync.job.ts'],
      ]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('functions/jobs/sync.job.ts');
      expect(warnings[0]).toContain('"nightly-sync"');
      expect(warnings[0]).toContain('nightly-sync.job.ts');
    });

    it('accepts a file name that is not a valid job name when the definition sets a valid name', async () => {
      const project = await createProject();
      await project.writeJob('Nightly_Sync.job.ts', jobSource("name: 'nightly-sync',"));

      const { jobs, warnings } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.definition.name)).toEqual(['nightly-sync']);
      expect(warnings).toHaveLength(1);
    });

    it('names a job imported by another job file after its own file', async () => {
      const project = await createProject();
      await project.writeJob('send-email.job.ts', jobSource());
      await project.writeJob(
        'daily-report.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import sendEmail from './send-email.job';",
          '',
          "export default defineJob({ run: async (ctx) => { await ctx.enqueue(sendEmail, { to: 'a@example.com' }); } });",
          '',
        ].join('\n'),
      );

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.definition.name)).toEqual(['daily-report', 'send-email']);
    });
  });

  describe('which files count as jobs', () => {
    it('finds job files in nested sub-folders, with forward-slash relative paths', async () => {
      const project = await createProject();
      await project.writeJob('billing/invoices/send-invoices.job.ts', jobSource());
      await project.writeJob('crm/sync-contacts.job.ts', jobSource());

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => [job.definition.name, job.relativeFile, job.file])).toEqual([
        [
          'send-invoices',
          'functions/jobs/billing/invoices/send-invoices.job.ts',
          join(project.root, 'functions', 'jobs', 'billing', 'invoices', 'send-invoices.job.ts'),
        ],
        [
          'sync-contacts',
          'functions/jobs/crm/sync-contacts.job.ts',
          join(project.root, 'functions', 'jobs', 'crm', 'sync-contacts.job.ts'),
        ],
      ]);
    });

    it('ignores .ts files that are not *.job.ts, even ones that would throw if loaded', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', jobSource());
      await project.writeJob('helpers.ts', "throw new Error('helpers.ts must not be loaded');\n");
      await project.writeJob('report.test.ts', "throw new Error('tests must not be loaded');\n");
      await project.writeJob('job.ts', "throw new Error('job.ts is not a job file');\n");
      await project.writeJob('report.job.ts.bak', "throw new Error('backups are not jobs');\n");
      await project.writeJob('README.md', '# Jobs\n');

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.relativeFile)).toEqual(['functions/jobs/report.job.ts']);
    });

    it('skips job files inside node_modules and hidden folders', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', jobSource());
      await project.writeJob('node_modules/some-package/x.job.ts', "throw new Error('no');\n");
      await project.writeJob('.archive/old.job.ts', "throw new Error('no');\n");
      await project.writeJob('billing/.drafts/draft.job.ts', "throw new Error('no');\n");

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.relativeFile)).toEqual(['functions/jobs/report.job.ts']);
    });

    it('loads helper modules that job files import', async () => {
      const project = await createProject();
      await project.write('functions/lib/times.ts', "export const NIGHTLY = '0 2 * * *';\n");
      await project.writeJob(
        'nightly.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import { NIGHTLY } from '../lib/times';",
          '',
          'export default defineJob({ schedule: { cron: NIGHTLY }, run: async () => {} });',
          '',
        ].join('\n'),
      );

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs[0]?.definition.schedule?.expression).toBe('cron(0 2 * * ? *)');
    });

    it('returns the jobs sorted by file path, whatever order they were written in', async () => {
      const project = await createProject();
      for (const file of ['zeta.job.ts', 'b/beta.job.ts', 'alpha.job.ts', 'a/omega.job.ts']) {
        await project.writeJob(file, jobSource());
      }

      const { jobs } = await discoverJobs({ projectRoot: project.root });

      expect(jobs.map((job) => job.relativeFile)).toEqual([
        'functions/jobs/a/omega.job.ts',
        'functions/jobs/alpha.job.ts',
        'functions/jobs/b/beta.job.ts',
        'functions/jobs/zeta.job.ts',
      ]);
    });

    it('looks in functions/jobs below the current working directory by default', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', jobSource());
      vi.spyOn(process, 'cwd').mockReturnValue(project.root);

      const { jobs } = await discoverJobs();

      expect(jobs.map((job) => job.file)).toEqual([
        join(project.root, 'functions', 'jobs', 'report.job.ts'),
      ]);
    });

    it('looks in the jobs folder it is given, relative to the project root', async () => {
      const project = await createProject();
      await project.write('src/background/cleanup.job.ts', jobSource());
      await project.writeJob('ignored.job.ts', jobSource());

      const { jobs } = await discoverJobs({ projectRoot: project.root, jobsDir: 'src/background' });

      expect(jobs.map((job) => [job.definition.name, job.relativeFile])).toEqual([
        ['cleanup', 'src/background/cleanup.job.ts'],
      ]);
    });
  });

  describe('jobs folder', () => {
    it('finds no jobs in an empty jobs folder', async () => {
      const project = await createProject();
      await project.mkdir('functions/jobs');

      const result = await discoverJobs({ projectRoot: project.root });

      expect(result).toEqual({ jobs: [], warnings: [] });
    });

    it('finds no jobs in a jobs folder that holds only other files', async () => {
      const project = await createProject();
      await project.writeJob('helpers.ts', 'export const x = 1;\n');

      const result = await discoverJobs({ projectRoot: project.root });

      expect(result).toEqual({ jobs: [], warnings: [] });
    });

    it('fails with a clear error when the jobs folder does not exist', async () => {
      const project = await createProject();

      const discovery = discoverJobs({ projectRoot: project.root });

      await expect(discovery).rejects.toThrow(JobDiscoveryError);
      await expect(discovery).rejects.toMatchObject({
        problems: [
          {
            file: 'functions/jobs',
            message: expect.stringMatching(
              /no jobs folder.*functions\/jobs\/daily-report\.job\.ts/,
            ),
          },
        ],
      });
    });

    it('says where it looked for the missing jobs folder', async () => {
      const project = await createProject();

      const discovery = discoverJobs({ projectRoot: project.root, jobsDir: 'src/jobs' });

      await expect(discovery).rejects.toThrow(join(project.root, 'src', 'jobs'));
    });

    it('fails with a clear error when the jobs folder is a file', async () => {
      const project = await createProject();
      await project.write('functions/jobs', 'not a folder\n');

      const discovery = discoverJobs({ projectRoot: project.root });

      await expect(discovery).rejects.toMatchObject({
        name: 'JobDiscoveryError',
        problems: [{ file: 'functions/jobs', message: expect.stringContaining('no jobs folder') }],
      });
    });
  });

  describe('the bundle cache', () => {
    it('leaves no bundle files behind after a successful discovery', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', jobSource());

      await discoverJobs({ projectRoot: project.root });

      expect(await project.cacheFiles()).toEqual([]);
    });

    it('leaves no bundle files behind when a job file throws', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', "throw new Error('boom');\n");

      await expect(discoverJobs({ projectRoot: project.root })).rejects.toThrow(JobDiscoveryError);

      expect(await project.cacheFiles()).toEqual([]);
    });

    it('leaves no bundle files behind when a job file does not compile', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', 'export default {{;\n');

      await expect(discoverJobs({ projectRoot: project.root })).rejects.toThrow(JobDiscoveryError);

      expect(await project.cacheFiles()).toEqual([]);
    });

    it('leaves no bundle files behind when a job file imports a missing package', async () => {
      const project = await createProject();
      await project.writeJob(
        'report.job.ts',
        "import 'no-such-package-for-discovery-tests';\nexport default 1;\n",
      );

      await expect(discoverJobs({ projectRoot: project.root })).rejects.toThrow(JobDiscoveryError);

      expect(await project.cacheFiles()).toEqual([]);
    });
  });
});

describe('findJobFiles', () => {
  const createProject = useFixtureProjects();

  it('lists the absolute paths of job files below a folder, in path order, without loading them', async () => {
    const project = await createProject();
    await project.writeJob('b.job.ts', "throw new Error('not loaded');\n");
    await project.writeJob('a/c.job.ts', '');
    await project.writeJob('a/helper.ts', '');
    await project.writeJob('node_modules/d.job.ts', '');
    await project.writeJob('.git/e.job.ts', '');
    const jobsDir = join(project.root, 'functions', 'jobs');

    const files = findJobFiles(jobsDir);

    expect(files).toEqual([join(jobsDir, 'a', 'c.job.ts'), join(jobsDir, 'b.job.ts')]);
  });
});
