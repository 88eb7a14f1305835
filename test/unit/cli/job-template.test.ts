import { describe, expect, it } from 'vitest';
import {
  JobTemplateError,
  type JobTemplateField,
  type JobTemplateSpec,
  jobFilePath,
  renderJobFile,
  stringLiteral,
} from '../../../cli/job-template';
import { JobsError } from '../../../shared/errors';
import { createTestInvoker } from '../../../shared/testing/index';
import { useTempProjects } from './fixtures/temp-project';

// Loading job files goes through esbuild and a dynamic import: allow for a slow machine.
const LOAD_TIMEOUT_MS = 30_000;

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('jobFilePath', () => {
  it("puts a job's file in functions/jobs, named after the job", () => {
    const path = jobFilePath('nightly-sync');

    expect(path).toBe('functions/jobs/nightly-sync.job.ts');
  });

  it.each(['../escape', 'Nightly Sync', ''])('builds no path from the invalid name %j', (name) => {
    const error = thrownBy(() => jobFilePath(name));

    expect(error).toBeInstanceOf(JobTemplateError);
    expect((error as JobTemplateError).field).toBe('name');
  });
});

describe('renderJobFile', { timeout: LOAD_TIMEOUT_MS }, () => {
  const createProject = useTempProjects('test-template');

  async function load(spec: JobTemplateSpec) {
    const project = await createProject();
    await project.write(jobFilePath(spec.name), renderJobFile(spec));
    const jobs = await project.discover();
    const job = jobs.get(spec.name);
    if (!job) throw new Error(`discovery did not find ${spec.name}: ${[...jobs.keys()]}`);
    return job.definition;
  }

  describe('writes a job that discovery loads', () => {
    it('with a cron schedule in its time zone', async () => {
      const spec = {
        name: 'nightly-sync',
        schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
      };

      const definition = await load(spec);

      expect(definition.name).toBe('nightly-sync');
      expect(definition.schedule?.expression).toBe('cron(0 2 * * ? *)');
      expect(definition.schedule?.timezone).toBe('Europe/London');
    });

    it('with a rate schedule', async () => {
      const spec = { name: 'poll-feed', schedule: { rate: '15 minutes' } };

      const definition = await load(spec);

      expect(definition.schedule?.expression).toBe('rate(15 minutes)');
    });

    it('with no schedule, for a job that runs on demand', async () => {
      const spec = { name: 'month-close' };

      const definition = await load(spec);

      expect(definition.schedule).toBeUndefined();
      expect(definition.description).toBe('Runs on demand: npx jobctl run month-close.');
    });
  });

  it('writes a cron schedule in UTC when no time zone is given, and says so in the file', async () => {
    const spec = { name: 'hourly-ping', schedule: { cron: '5 * * * *' } };

    const source = renderJobFile(spec);
    const definition = await load(spec);

    expect(source).toContain("schedule: { cron: '5 * * * *', timezone: 'UTC' },");
    expect(definition.schedule?.timezone).toBe('UTC');
  });

  it('keeps the description and display name it is given, quotes and all', async () => {
    const spec = {
      name: 'quote-check',
      displayName: 'Bob\'s "quote" check',
      description: "Checks Bob's quotes\\backslashes, every morning.",
      schedule: { cron: '0 7 * * 1-5', timezone: 'America/New_York' },
    };

    const definition = await load(spec);

    expect(definition.displayName).toBe(spec.displayName);
    expect(definition.description).toBe(spec.description);
  });

  it('gives the job a display name made of its name in words', async () => {
    const definition = await load({ name: 'nightly-sales-sync' });

    expect(definition.displayName).toBe('Nightly sales sync');
  });

  it('gives the job a run that logs, succeeds, and says where the work goes', async () => {
    const spec = { name: 'starter-job', schedule: { rate: '1 hour' } };
    const definition = await load(spec);
    const invoker = createTestInvoker({ jobs: [definition] });

    const execution = await invoker.run('starter-job');

    expect(execution.status).toBe('succeeded');
    expect(invoker.logs(execution.runId).map((entry) => entry.message)).toContain('Job started');
    expect(renderJobFile(spec)).toContain("// Put the job's work here.");
  });

  it("imports defineJob and JobResult from '#shared', as the example jobs do", () => {
    const source = renderJobFile({ name: 'any-job' });

    expect(source.split('\n')[0]).toBe("import { defineJob, JobResult } from '#shared';");
    expect(source).toContain('export default defineJob({');
  });

  it('writes files that Biome, as this repository configures it, leaves as they are', async () => {
    const project = await createProject();
    const specs: JobTemplateSpec[] = [
      { name: 'plain-cron', schedule: { cron: '0 2 * * *' } },
      { name: 'plain-rate', schedule: { rate: 'rate(1 day)' } },
      { name: 'on-demand', description: "It's run by hand when finance asks for it." },
      {
        name: 'a-job-with-a-rather-long-name-for-long-lines',
        displayName: `A display name long enough to push its line past the width ${'x'.repeat(40)}`,
        description: `A description that goes on for a while, ${'and on '.repeat(30)}until it ends.`,
        schedule: {
          cron: '0,5,10,15,20,25,30,35,40,45,50,55 0,2,4,6,8,10,12,14,16,18,20,22 * * *',
          timezone: 'America/Argentina/ComodRivadavia',
        },
      },
      { name: 'wide-text', displayName: '日本'.repeat(23), description: '月次レポート'.repeat(10) },
    ];
    for (const spec of specs) await project.write(jobFilePath(spec.name), renderJobFile(spec));

    const { passed, output } = await project.lint();

    expect(output).toContain(`Checked ${specs.length} files`);
    expect(passed, output).toBe(true);
  });

  describe('refuses what defineJob would refuse, saying how to fix it', () => {
    it.each<[string, JobTemplateSpec, JobTemplateField, string]>([
      [
        'a name in capitals and spaces',
        { name: 'Nightly Sync' },
        'name',
        'Invalid job name: "Nightly Sync" is not lower-case kebab (a-z, 0-9, single hyphens between words); try "nightly-sync"',
      ],
      [
        'a name over 48 characters',
        { name: 'x'.repeat(49) },
        'name',
        'a job name has at most 48, so shorten it',
      ],
      [
        'a cron with four fields',
        { name: 'bad-cron', schedule: { cron: '0 2 * *' } },
        'cron',
        'Cannot create job "bad-cron": "0 2 * *" is not a valid schedule: Unix cron takes 5 fields',
      ],
      [
        'a cron with seconds',
        { name: 'bad-cron', schedule: { cron: '0 0 2 * * *' } },
        'cron',
        '6 fields starting with seconds (Quartz style); Scheduler has no seconds, and in cron(...) would read them as minutes. Drop the seconds: "0 2 * * *"',
      ],
      [
        'a rate in seconds',
        { name: 'bad-rate', schedule: { rate: '30 seconds' } },
        'rate',
        "Scheduler's shortest rate is 1 minute",
      ],
      [
        'an unknown time zone',
        { name: 'bad-zone', schedule: { cron: '0 2 * * *', timezone: 'Mars/Olympus_Mons' } },
        'timezone',
        'Cannot create job "bad-zone": unknown time zone "Mars/Olympus_Mons"; use an IANA name',
      ],
      [
        'a rate with a time zone',
        { name: 'bad-zone', schedule: { rate: '1 hour', timezone: 'UTC' } as never },
        'timezone',
        'a rate counts from the last run and does not depend on a time zone',
      ],
      [
        'a description over 2000 characters',
        { name: 'wordy', description: 'x'.repeat(2001) },
        'description',
        'the description is 2001 characters long',
      ],
    ])('%s', (_case, spec, field, message) => {
      const error = thrownBy(() => renderJobFile(spec));

      expect(error).toBeInstanceOf(JobTemplateError);
      expect(error).toBeInstanceOf(JobsError);
      expect((error as JobTemplateError).name).toBe('JobTemplateError');
      expect((error as JobTemplateError).field).toBe(field);
      expect((error as JobTemplateError).message).toContain(message);
    });
  });
});

describe('stringLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", '"it\'s"'],
    ['say "hi"', '\'say "hi"\''],
    ['\'a\' "b"', "'\\'a\\' \"b\"'"],
    ['back\\slash\nnew line', "'back\\\\slash\\nnew line'"],
  ])('writes %j as %s, in the quotes Biome prefers', (text, literal) => {
    expect(stringLiteral(text)).toBe(literal);
  });
});
