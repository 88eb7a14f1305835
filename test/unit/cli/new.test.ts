import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, memoryIo } from './cli-harness';

let project: string;

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'jobs-new-'));
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

function jobsNew(...args: string[]) {
  return cli(['new', ...args], { io: memoryIo({ cwd: project }) });
}

describe('jobs new', () => {
  it('writes functions/jobs/<name>.job.ts with the cron schedule in its time zone', async () => {
    const { code, stdout } = await jobsNew(
      'nightly-sync',
      '--cron',
      '0 2 * * *',
      '--timezone',
      'Europe/London',
    );

    expect(code).toBe(0);
    expect(stdout).toBe(
      'Created functions/jobs/nightly-sync.job.ts.\nWrite its work in run(), then check it with: npx jobctl validate\nBefore deploying, run npx cdk synth: it gives the job its stack in job-stacks.txt; commit that file with the job.\n',
    );
    const source = await readFile(join(project, 'functions/jobs/nightly-sync.job.ts'), 'utf8');
    expect(source).toContain("schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },");
  });

  it.each([
    [['--rate', '15 minutes'], "schedule: { rate: '15 minutes' },"],
    [['--manual', '--description', 'Sends one email'], "description: 'Sends one email',"],
  ])('writes a job with %j', async (flags, expected) => {
    const { code } = await jobsNew('poll-orders', ...flags);

    expect(code).toBe(0);
    const source = await readFile(join(project, 'functions/jobs/poll-orders.job.ts'), 'utf8');
    expect(source).toContain(expected);
  });

  it('refuses to overwrite a job file, leaving it as it was', async () => {
    await mkdir(join(project, 'functions/jobs'), { recursive: true });
    await writeFile(join(project, 'functions/jobs/nightly-sync.job.ts'), '// mine\n');

    const { code, stderr } = await jobsNew('nightly-sync', '--manual');

    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: functions/jobs/nightly-sync.job.ts already exists, and job names must be unique: pick another name, or edit that file.\n',
    );
    expect(await readFile(join(project, 'functions/jobs/nightly-sync.job.ts'), 'utf8')).toBe(
      '// mine\n',
    );
  });

  it.each([
    ['alerts', 'Lambda function "jobs_alerts" (the app\'s alerts function)'],
    ['scheduler-dlq', 'SQS queue "jobs_scheduler-dlq" (the app\'s Scheduler\'s dead-letter queue)'],
  ])(
    "refuses %s, whose resources would take a name the app's own have, writing nothing",
    async (name, taken) => {
      const { code, stderr } = await jobsNew(name, '--manual');

      expect(code).toBe(1);
      expect(stderr).toContain(taken);
      await expect(readFile(join(project, `functions/jobs/${name}.job.ts`))).rejects.toThrow();
    },
  );

  it("reads the app's name from cdk.json to tell what the app's own resources are named", async () => {
    await writeFile(
      join(project, 'cdk.json'),
      JSON.stringify({ context: { 'jobs:appName': 'acme' } }),
    );

    const { stderr } = await jobsNew('api', '--manual');

    expect(stderr).toContain('"acme_api"');
  });

  it('refuses a name that a job file in a subfolder already has', async () => {
    await mkdir(join(project, 'functions/jobs/billing'), { recursive: true });
    await writeFile(join(project, 'functions/jobs/billing/send-invoice.job.ts'), '// mine\n');

    const { code, stderr } = await jobsNew('send-invoice', '--manual');

    expect(code).toBe(1);
    expect(stderr).toContain('functions/jobs/billing/send-invoice.job.ts already exists');
  });

  it.each([
    [[], "Say when the job runs: --cron '0 2 * * *' [--timezone Europe/London]"],
    [
      ['--cron', '0 2 * * *', '--manual'],
      'Pass one of --cron, --rate and --manual, got --cron and --manual.',
    ],
    [['--rate', '1 hour', '--timezone', 'UTC'], '--timezone goes with --cron'],
    [
      ['--cron', '0 2 * *'],
      '--cron: Cannot create job "nightly-sync": "0 2 * *" is not a valid schedule',
    ],
    [
      ['--cron', '0 2 * * *', '--timezone', 'Europe/Londn'],
      '--timezone: Cannot create job "nightly-sync": unknown time zone "Europe/Londn"',
    ],
  ])('rejects %j as a usage error, writing nothing', async (flags, message) => {
    const { code, stderr } = await jobsNew('nightly-sync', ...flags);

    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${message}`);
    await expect(readFile(join(project, 'functions/jobs/nightly-sync.job.ts'))).rejects.toThrow();
  });

  it('says a seconds-first cron starts with seconds, and offers it without them', async () => {
    const { code, stderr } = await jobsNew('nightly-sync', '--cron', '0 0 2 * * *');

    expect(code).toBe(2);
    expect(stderr).toContain('6 fields starting with seconds (Quartz style)');
    expect(stderr).toContain('Drop the seconds: "0 2 * * *"');
    expect(stderr).not.toContain('cron(0 12 * * ? *)');
  });

  it('rejects a name that is not lower-case kebab, suggesting one', async () => {
    const { code, stderr } = await jobsNew('Nightly_Sync', '--manual');

    expect(code).toBe(2);
    expect(stderr).toContain(
      'error: <name>: Invalid job name: "Nightly_Sync" is not lower-case kebab',
    );
    expect(stderr).toContain('try "nightly-sync"');
  });
});
