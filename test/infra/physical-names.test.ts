import { describe, expect, it } from 'vitest';
import { JobDeploymentError } from '../../infra/validate-jobs';
import { defineJob } from '../../shared/job/define-job';
import { MAX_JOB_NAME_LENGTH } from '../../shared/job/job-name';
import type { ResourceKind } from '../../shared/naming/resource-names';
import { buildJobsApp, jobSource, SYNTH_TIMEOUT_MS, threeJobs } from './jobs-app';
import { allResources, NAME_PROPERTIES } from './template-values';

/** The names each service documents as valid, by kind. */
const AWS_NAME_RULES: Readonly<Record<ResourceKind, RegExp>> = {
  'SQS queue': /^[A-Za-z0-9_-]{1,80}$/,
  'Lambda function': /^[A-Za-z0-9_-]{1,64}$/,
  'log group': /^[.\-_/#A-Za-z0-9]{1,512}$/,
  schedule: /^[0-9A-Za-z\-_.]{1,64}$/,
  'schedule group': /^[0-9A-Za-z\-_.]{1,64}$/,
  'DynamoDB table': /^[A-Za-z0-9_.-]{3,255}$/,
  'SNS topic': /^[A-Za-z0-9_-]{1,256}$/,
  'IAM role': /^[\w+=,.@-]{1,64}$/,
  'CloudWatch alarm': /^[^\p{Cc}]{1,255}$/u,
  'CloudWatch dashboard': /^[A-Za-z0-9_-]{1,255}$/,
  'EventBridge rule': /^[.\-_A-Za-z0-9]{1,64}$/,
};

/** Every (kind, name) the synthesized app gives a resource, with the stack it is in. */
function synthesizedNames(jobs: ReturnType<typeof buildJobsApp>['jobs']) {
  return allResources(jobs).flatMap((resource) => {
    const rule = NAME_PROPERTIES[resource.Type];
    const name = rule ? resource.Properties[rule[1]] : undefined;
    return rule && typeof name === 'string' ? [{ kind: rule[0], name }] : [];
  });
}

function deploymentError(build: () => unknown): JobDeploymentError {
  try {
    build();
  } catch (error) {
    if (error instanceof JobDeploymentError) return error;
    throw error;
  }
  throw new Error('synth did not fail');
}

describe('the physical names of an app', () => {
  it(
    'are the names ResourceNames computes, every one of them, so the collision check sees all',
    () => {
      const sources = threeJobs();
      const { jobs } = buildJobsApp({ jobs: sources });

      const synthesized = synthesizedNames(jobs).map(({ kind, name }) => `${kind}: ${name}`);
      const computed = [
        ...jobs.names.ofApp(),
        ...sources.flatMap((source) => jobs.names.ofJob(source.definition)),
      ].map(({ kind, name }) => `${kind}: ${name}`);

      expect(synthesized.sort()).toEqual(computed.sort());
    },
    SYNTH_TIMEOUT_MS,
  );

  it('fit the rules AWS documents for each kind, with the longest app and job names', () => {
    const longJob = 'j'.repeat(MAX_JOB_NAME_LENGTH - 24);
    const { jobs } = buildJobsApp({
      appName: 'a'.repeat(24),
      jobs: [
        jobSource(defineJob({ name: longJob, schedule: { rate: '1 hour' }, run: async () => {} })),
      ],
    });

    const invalid = synthesizedNames(jobs).filter(
      ({ kind, name }) => !AWS_NAME_RULES[kind].test(name),
    );

    expect(invalid).toEqual([]);
  });

  it('start with the app name and an underscore, which no app name or job name contains', () => {
    const { jobs } = buildJobsApp();

    const names = synthesizedNames(jobs).map(({ name }) => name.replace(/^\/aws\/lambda\//, ''));

    expect(names.every((name) => name.startsWith('acme_'))).toBe(true);
  });
});

describe('synth of jobs whose resources would share a name', () => {
  const named = (name: string, file?: string) => {
    const source = jobSource(defineJob({ name, run: async () => {} }));
    return file ? { ...source, relativeFile: file, file: `/project/${file}` } : source;
  };

  it('fails for two job files of one name, naming both files', () => {
    const error = deploymentError(() =>
      buildJobsApp({
        jobs: [
          named('payroll', 'functions/jobs/payroll.job.ts'),
          named('payroll', 'functions/jobs/hr/payroll.job.ts'),
        ],
      }),
    );

    expect(error.message).toContain(
      'functions/jobs/hr/payroll.job.ts: name: "payroll" is also the name of the job in functions/jobs/payroll.job.ts',
    );
  });

  it.each([
    ['alerts', 'Lambda function', "the app's alerts function"],
    ['api', 'Lambda function', "the app's REST API function"],
    ['scheduler-dlq', 'SQS queue', "the app's Scheduler's dead-letter queue"],
    ['keep-paused', 'Lambda function', "the app's function that keeps paused schedules off"],
  ])('fails for a job named %s, whose %s would be %s', (jobName, kind, owner) => {
    const error = deploymentError(() => buildJobsApp({ jobs: [named(jobName)] }));

    expect(error.problems).toContainEqual({
      file: `functions/jobs/${jobName}.job.ts`,
      field: 'name',
      message: expect.stringContaining(`the ${kind} "acme_${jobName}" (${owner})`),
    });
  });

  it('names the job file in the collision, so the user knows which file to rename', () => {
    const error = deploymentError(() => buildJobsApp({ jobs: [named('alerts')] }));

    expect(error.message).toMatch(
      /^ {2}functions\/jobs\/alerts\.job\.ts: name: its resources would take names that the app's own resources have: .*so rename the job$/m,
    );
  });

  it(
    'deploys jobs foo and foo-dlq side by side: a dead-letter queue ends in _dlq, which no job name can',
    () => {
      const { jobs } = buildJobsApp({ jobs: [named('foo'), named('foo-dlq')] });

      const queues = synthesizedNames(jobs)
        .filter(({ kind }) => kind === 'SQS queue')
        .map(({ name }) => name);

      expect(queues).toEqual(
        expect.arrayContaining(['acme_foo', 'acme_foo_dlq', 'acme_foo-dlq', 'acme_foo-dlq_dlq']),
      );
      expect(new Set(queues).size).toBe(queues.length);
    },
    SYNTH_TIMEOUT_MS,
  );
});
