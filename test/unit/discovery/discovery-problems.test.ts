import { describe, expect, it } from 'vitest';
import { discoverJobs } from '../../../discovery/index';
import { type DiscoveryProblem, JobDiscoveryError } from '../../../shared/errors';
import { type FixtureProject, jobSource, useFixtureProjects } from './fixture-project';

// Loading job files goes through esbuild and a dynamic import: allow for a slow machine.
const LOAD_TIMEOUT_MS = 30_000;

/** The JobDiscoveryError that discovering `project` throws. */
async function discoveryError(project: FixtureProject): Promise<JobDiscoveryError> {
  const failure = await discoverJobs({ projectRoot: project.root }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(JobDiscoveryError);
  return failure as JobDiscoveryError;
}

function problemFiles(error: JobDiscoveryError): string[] {
  return error.problems.map((problem: DiscoveryProblem) => problem.file);
}

describe('discoverJobs, with job files it cannot accept', { timeout: LOAD_TIMEOUT_MS }, () => {
  const createProject = useFixtureProjects();

  describe('one problem', () => {
    it('reports a job file that throws while it loads, with the error', async () => {
      const project = await createProject();
      await project.writeJob(
        'import-orders.job.ts',
        "import { defineJob } from '#shared';\nthrow new Error('ORDERS_API_URL is not set');\nexport default defineJob({ run: async () => {} });\n",
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringContaining('failed to load: Error: ORDERS_API_URL is not set'),
        },
      ]);
    });

    it('reports an invalid definition with the field at fault and why', async () => {
      const project = await createProject();
      await project.writeJob('import-orders.job.ts', jobSource('retries: 99,'));

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringContaining('retries: must be a whole number from 0 to 10, got 99'),
        },
      ]);
    });

    it('reports an invalid schedule with the field at fault', async () => {
      const project = await createProject();
      await project.writeJob(
        'import-orders.job.ts',
        jobSource("schedule: { cron: '0 2 * * *', timezone: 'Europe/Londn' },"),
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringContaining('schedule.timezone'),
        },
      ]);
    });

    it('reports a syntax error with its line', async () => {
      const project = await createProject();
      await project.writeJob(
        'import-orders.job.ts',
        "import { defineJob } from '#shared';\nexport default defineJob({ run: async () => { ) });\n",
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringMatching(/Unexpected "\)".*line 2/),
        },
      ]);
    });

    it('reports a job file without a default export, saying what it should export', async () => {
      const project = await createProject();
      await project.writeJob(
        'import-orders.job.ts',
        "import { defineJob } from '#shared';\nexport const job = defineJob({ run: async () => {} });\n",
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringMatching(/has no default export.*export default defineJob/),
        },
      ]);
    });

    it('reports a default export that is not a job', async () => {
      const project = await createProject();
      await project.writeJob(
        'import-orders.job.ts',
        "export default { name: 'import-orders', run: async () => {} };\n",
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringMatching(/default export is not a job.*defineJob/),
        },
      ]);
    });

    it('reports a file name that is not a valid job name when the definition sets none, suggesting one', async () => {
      const project = await createProject();
      await project.writeJob('Import_Orders.job.ts', jobSource());

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/Import_Orders.job.ts',
          message: expect.stringMatching(/"Import_Orders".*try "import-orders".*rename the file/),
        },
      ]);
    });

    it('reports a job file that imports a module that does not exist', async () => {
      const project = await createProject();
      await project.writeJob(
        'import-orders.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import { fetchOrders } from '../lib/orders';",
          '',
          'export default defineJob({ run: async () => { await fetchOrders(); } });',
          '',
        ].join('\n'),
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: 'Could not resolve "../lib/orders" (line 2)',
        },
      ]);
    });

    it('reports a job file that imports a name its helper does not export', async () => {
      const project = await createProject();
      await project.write(
        'functions/lib/orders.ts',
        'export const fetchOrders = async () => [];\n',
      );
      await project.writeJob(
        'import-orders.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import { fetchOrder } from '../lib/orders';",
          '',
          'export default defineJob({ run: async () => { await fetchOrder(); } });',
          '',
        ].join('\n'),
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringMatching(/No matching export.*"fetchOrder".*line 2/),
        },
      ]);
    });

    it('reports a job file that imports a package that is not installed', async () => {
      const project = await createProject();
      await project.writeJob('report.job.ts', jobSource());
      await project.writeJob(
        'import-orders.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import { Client } from 'no-such-package-for-discovery-tests';",
          '',
          'export default defineJob({ run: async () => { new Client(); } });',
          '',
        ].join('\n'),
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/import-orders.job.ts',
          message: expect.stringContaining('no-such-package-for-discovery-tests'),
        },
      ]);
    });
  });

  describe('duplicate names', () => {
    it('names both files when two jobs set the same name', async () => {
      const project = await createProject();
      await project.writeJob('sync-orders.job.ts', jobSource("name: 'sync',"));
      await project.writeJob('sync-contacts.job.ts', jobSource("name: 'sync',"));

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/sync-contacts.job.ts',
          message:
            'defines job "sync", as does functions/jobs/sync-orders.job.ts; job names must be unique',
        },
        {
          file: 'functions/jobs/sync-orders.job.ts',
          message:
            'defines job "sync", as does functions/jobs/sync-contacts.job.ts; job names must be unique',
        },
      ]);
    });

    it('names every other file when three jobs set the same name', async () => {
      const project = await createProject();
      await project.writeJob('sync-orders.job.ts', jobSource("name: 'sync',"));
      await project.writeJob('sync-contacts.job.ts', jobSource("name: 'sync',"));
      await project.writeJob('sync-invoices.job.ts', jobSource("name: 'sync',"));

      const error = await discoveryError(project);

      expect(error.problems).toContainEqual({
        file: 'functions/jobs/sync-orders.job.ts',
        message:
          'defines job "sync", as do functions/jobs/sync-contacts.job.ts, functions/jobs/sync-invoices.job.ts; job names must be unique',
      });
    });

    it('names both files when job files in different folders share a file name', async () => {
      const project = await createProject();
      await project.writeJob('billing/sync.job.ts', jobSource());
      await project.writeJob('crm/sync.job.ts', jobSource());

      const error = await discoveryError(project);

      expect(problemFiles(error)).toEqual([
        'functions/jobs/billing/sync.job.ts',
        'functions/jobs/crm/sync.job.ts',
      ]);
      expect(error.message).toContain('functions/jobs/crm/sync.job.ts');
      expect(error.message).toContain('functions/jobs/billing/sync.job.ts');
    });

    it('counts a name set in one file against the file name of another', async () => {
      const project = await createProject();
      await project.writeJob('sync.job.ts', jobSource());
      await project.writeJob('nightly.job.ts', jobSource("name: 'sync',"));

      const error = await discoveryError(project);

      expect(problemFiles(error)).toEqual([
        'functions/jobs/nightly.job.ts',
        'functions/jobs/sync.job.ts',
      ]);
    });
  });

  describe('several problems', () => {
    it('reports every bad file in one error, and only the bad files', async () => {
      const project = await createProject();
      await project.writeJob('good.job.ts', jobSource());
      await project.writeJob('throws.job.ts', "throw new Error('boom');\n");
      await project.writeJob('invalid.job.ts', jobSource("queue: 'urgent',"));
      await project.writeJob('no-default.job.ts', 'export const x = 1;\n');
      await project.writeJob('not-a-job.job.ts', 'export default 42;\n');
      await project.writeJob('Bad_Name.job.ts', jobSource());
      await project.writeJob('one/twin.job.ts', jobSource());
      await project.writeJob('two/twin.job.ts', jobSource());

      const error = await discoveryError(project);

      expect([...problemFiles(error)].sort()).toEqual(
        [
          'functions/jobs/Bad_Name.job.ts',
          'functions/jobs/invalid.job.ts',
          'functions/jobs/no-default.job.ts',
          'functions/jobs/not-a-job.job.ts',
          'functions/jobs/one/twin.job.ts',
          'functions/jobs/throws.job.ts',
          'functions/jobs/two/twin.job.ts',
        ].sort(),
      );
      expect(error.message).toMatch(/^Job discovery found 7 problems:/);
    });

    it('reports a syntax error together with the problems of other files', async () => {
      const project = await createProject();
      await project.writeJob('good.job.ts', jobSource());
      await project.writeJob('syntax.job.ts', 'export default defineJob({ run: ) });\n');
      await project.writeJob('throws.job.ts', "throw new Error('boom');\n");
      await project.writeJob('no-default.job.ts', 'export const x = 1;\n');

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/no-default.job.ts',
          message: expect.stringContaining('has no default export'),
        },
        {
          file: 'functions/jobs/syntax.job.ts',
          message: expect.stringMatching(/Unexpected "\)".*line 1/),
        },
        { file: 'functions/jobs/throws.job.ts', message: expect.stringContaining('boom') },
      ]);
    });

    it('reports every job file that imports a helper that does not compile', async () => {
      const project = await createProject();
      await project.write('functions/lib/broken.ts', 'export const x = ;\n');
      const importsBroken = [
        "import { defineJob } from '#shared';",
        "import { x } from '../lib/broken';",
        '',
        'export default defineJob({ run: async () => { void x; } });',
        '',
      ].join('\n');
      await project.writeJob('first.job.ts', importsBroken);
      await project.writeJob('second.job.ts', importsBroken);
      await project.writeJob('good.job.ts', jobSource());

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/first.job.ts',
          message: expect.stringMatching(/functions\/lib\/broken\.ts.*line 1/),
        },
        {
          file: 'functions/jobs/second.job.ts',
          message: expect.stringMatching(/functions\/lib\/broken\.ts.*line 1/),
        },
      ]);
    });

    it('reports a job that does not compile, and the job file that imports it, each with the error', async () => {
      const project = await createProject();
      await project.writeJob('send-email.job.ts', 'export default defineJob({ run: ) });\n');
      await project.writeJob(
        'daily-report.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import sendEmail from './send-email.job';",
          '',
          'export default defineJob({ run: async (ctx) => { await ctx.enqueue(sendEmail); } });',
          '',
        ].join('\n'),
      );

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/daily-report.job.ts',
          message: 'cannot load functions/jobs/send-email.job.ts: Unexpected ")" (line 1)',
        },
        { file: 'functions/jobs/send-email.job.ts', message: 'Unexpected ")" (line 1)' },
      ]);
    });

    it('reports a missing package together with the problems of other files', async () => {
      const project = await createProject();
      await project.writeJob('good.job.ts', jobSource());
      await project.writeJob(
        'missing-package.job.ts',
        "import 'no-such-package-for-discovery-tests';\nexport default 1;\n",
      );
      await project.writeJob('throws.job.ts', "throw new Error('boom');\n");

      const error = await discoveryError(project);

      expect(error.problems).toEqual([
        {
          file: 'functions/jobs/missing-package.job.ts',
          message: expect.stringContaining('no-such-package-for-discovery-tests'),
        },
        { file: 'functions/jobs/throws.job.ts', message: expect.stringContaining('boom') },
      ]);
    });

    it('reports a job that another job imports under its own file, not as a missing default export', async () => {
      const project = await createProject();
      await project.writeJob('send-email.job.ts', jobSource('retries: 99,'));
      await project.writeJob(
        'daily-report.job.ts',
        [
          "import { defineJob } from '#shared';",
          "import sendEmail from './send-email.job';",
          '',
          'export default defineJob({ run: async (ctx) => { await ctx.enqueue(sendEmail); } });',
          '',
        ].join('\n'),
      );

      const error = await discoveryError(project);

      const sendEmail = error.problems.find(
        (problem) => problem.file === 'functions/jobs/send-email.job.ts',
      );
      expect(sendEmail?.message).toContain('retries: must be a whole number from 0 to 10');
    });
  });
});
