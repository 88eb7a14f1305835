import { describe, expect, it } from 'vitest';
import { jobSource, useFixtureProjects } from '../discovery/fixture-project';
import { cli, memoryIo } from './cli-harness';

// Validation loads each job file through esbuild, and synth's checks bring in aws-cdk-lib.
const LOAD_TIMEOUT_MS = 30_000;

describe('jobctl validate', { timeout: LOAD_TIMEOUT_MS }, () => {
  const createProject = useFixtureProjects();

  it('lists the valid jobs with their files and schedules, and exits 0', async () => {
    const project = await createProject();
    await project.writeJob(
      'nightly-sync.job.ts',
      jobSource("schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },"),
    );
    await project.writeJob('billing/send-invoice.job.ts', jobSource());

    const { code, stdout, stderr } = await cli(['validate'], {
      io: memoryIo({ cwd: project.root }),
    });

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'JOB           FILE                                        SCHEDULE',
        'send-invoice  functions/jobs/billing/send-invoice.job.ts  on demand',
        'nightly-sync  functions/jobs/nightly-sync.job.ts          0 2 * * * (Europe/London)',
        '',
        '2 jobs are valid.',
        '',
      ].join('\n'),
    );
  });

  it('reports every problem with its file and field, and exits 1, without a server', async () => {
    const project = await createProject();
    await project.writeJob(
      'nightly-sync.job.ts',
      jobSource("retries: 99, schedule: { cron: '0 2 * * *', timezone: 'Europe/Londn' },"),
    );
    await project.writeJob(
      'import-orders.job.ts',
      "throw new Error('ORDERS_API_URL is not set');\n",
    );
    await project.writeJob('send-email.job.ts', jobSource());

    const { code, stdout, stderr } = await cli(['validate'], {
      io: memoryIo({ cwd: project.root }),
    });

    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^functions\/jobs\/import-orders\.job\.ts: failed to load: Error: ORDERS_API_URL is not set/,
      ),
      expect.stringMatching(
        /^functions\/jobs\/nightly-sync\.job\.ts: retries: must be a whole number from 0 to 10, got 99$/,
      ),
      expect.stringMatching(
        /^functions\/jobs\/nightly-sync\.job\.ts: schedule\.timezone: .*Europe\/Londn/,
      ),
    ]);
    expect(stderr).toBe(
      'error: 3 problems in 2 job files: fix them, then run `npx jobctl validate` again.\n',
    );
  });

  it('reports what synth would reject beyond each definition, such as enqueuing an unknown job', async () => {
    const project = await createProject();
    await project.writeJob('nightly-sync.job.ts', jobSource("enqueues: ['send-emial'],"));
    await project.writeJob('send-email.job.ts', jobSource());

    const { code, stdout } = await cli(['validate'], { io: memoryIo({ cwd: project.root }) });

    expect(code).toBe(1);
    expect(stdout).toBe(
      'functions/jobs/nightly-sync.job.ts: enqueues: "send-emial" is not a job of this app; declare only jobs that exist\n',
    );
  });

  it('prints the problems as JSON with --json, and still exits 1', async () => {
    const project = await createProject();
    await project.writeJob('nightly-sync.job.ts', jobSource('retries: 99,'));

    const { code, stdout } = await cli(['validate', '--json'], {
      io: memoryIo({ cwd: project.root }),
    });

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      valid: false,
      jobs: [],
      problems: [
        {
          file: 'functions/jobs/nightly-sync.job.ts',
          field: 'retries',
          message: 'must be a whole number from 0 to 10, got 99',
        },
      ],
      warnings: [],
    });
  });

  it('says where to put job files when there is no jobs folder', async () => {
    const project = await createProject();

    const { code, stdout } = await cli(['validate'], { io: memoryIo({ cwd: project.root }) });

    expect(code).toBe(1);
    expect(stdout).toMatch(/^functions\/jobs: there is no jobs folder at .*; create it/);
  });
});
