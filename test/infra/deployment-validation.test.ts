import { describe, expect, it } from 'vitest';
import { JobDeploymentError, type JobSource } from '../../infra/validate-jobs';
import { JobsError } from '../../shared/errors';
import { defineJob } from '../../shared/job/define-job';
import { ScheduleExpression } from '../../shared/schedule/schedule-expression';
import {
  buildJobsApp,
  type JobsAppOptions,
  jobSource,
  ONE_OFF_JOB,
  onDemandJob,
  oneOffJob,
  recurringJob,
  SYNTH_TIMEOUT_MS,
} from './jobs-app';

/** What building the app threw, or undefined if it built. */
function errorBuilding(options: JobsAppOptions): unknown {
  try {
    buildJobsApp(options);
  } catch (error) {
    return error;
  }
  return undefined;
}

// 24 characters, the most an app name may have, and a 45-character job name (at most 48):
// each is valid, but the schedule (and function) name they make, 70 characters, is not.
const LONG_APP_NAME = 'acme-production-eu-west1';
const LONG_JOB_NAME = 'reconcile-ledger-entries-with-bank-statements';

function longNamedJob(): JobSource {
  return jobSource(
    defineJob({ name: LONG_JOB_NAME, schedule: { rate: '1 hour' }, run: async () => {} }),
  );
}

function enqueuingUnknownJob(): JobSource {
  return jobSource(
    defineJob({ name: 'nightly-digest', enqueues: ['send-emails'], run: async () => {} }),
  );
}

/** An at-job whose time passed after its file was written: defineJob alone cannot know. */
function pastOneOffJob(): JobSource {
  const source = oneOffJob();
  return {
    ...source,
    definition: { ...source.definition, schedule: ScheduleExpression.at('2020-01-01T00:00:00') },
  };
}

function duplicateOfOnDemandJob(): JobSource {
  return { definition: onDemandJob().definition, file: '/project/functions/jobs/other.job.ts' };
}

describe('ServerlessJobs validation at synth', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it.each([
    {
      problem: 'a schedule name over 64 characters',
      options: { appName: LONG_APP_NAME, jobs: [longNamedJob()] },
      file: `functions/jobs/${LONG_JOB_NAME}.job.ts`,
      field: 'name',
      message: `the schedule name "${LONG_APP_NAME}_${LONG_JOB_NAME}" has 70 characters; AWS allows 64`,
    },
    {
      problem: 'enqueues naming a job that does not exist',
      options: { jobs: [enqueuingUnknownJob(), onDemandJob()] },
      file: 'functions/jobs/nightly-digest.job.ts',
      field: 'enqueues',
      message: '"send-emails" is not a job of this app',
    },
    {
      problem: 'an at-time that has passed',
      options: { jobs: [pastOneOffJob()] },
      file: `functions/jobs/${ONE_OFF_JOB}.job.ts`,
      field: 'schedule.at',
      message: '2020-01-01T00:00:00 has passed',
    },
    {
      problem: 'a job name given twice',
      options: { jobs: [onDemandJob(), duplicateOfOnDemandJob()] },
      file: '/project/functions/jobs/other.job.ts',
      field: 'name',
      message: 'is also the name of the job in functions/jobs/send-email.job.ts',
    },
  ])('rejects $problem, naming the job file and the field', ({ options, file, field, message }) => {
    const error = errorBuilding(options);

    expect(error).toBeInstanceOf(JobDeploymentError);
    expect((error as JobDeploymentError).problems).toEqual([
      { file, field, message: expect.stringContaining(message) },
    ]);
    expect((error as Error).message).toContain(`${file}: ${field}: `);
  });

  it('lists the problems of every job in one error', () => {
    const error = errorBuilding({
      appName: LONG_APP_NAME,
      jobs: [longNamedJob(), enqueuingUnknownJob(), pastOneOffJob()],
    });

    expect(error).toBeInstanceOf(JobDeploymentError);
    expect((error as JobDeploymentError).problems.map(({ file, field }) => [file, field])).toEqual([
      [`functions/jobs/${LONG_JOB_NAME}.job.ts`, 'name'],
      ['functions/jobs/nightly-digest.job.ts', 'enqueues'],
      [`functions/jobs/${ONE_OFF_JOB}.job.ts`, 'schedule.at'],
    ]);
    expect((error as Error).message).toMatch(/^Cannot deploy the jobs, 3 job problems:/);
  });

  it.each(['api', 'alerts', 'keep-paused', 'scheduler-dlq'])(
    "rejects a job named %s, whose resources would take a name the app's own resources use",
    (name) => {
      const error = errorBuilding({
        jobs: [jobSource(defineJob({ name, run: async () => {} }))],
      });

      expect((error as JobDeploymentError).problems).toEqual([
        expect.objectContaining({
          field: 'name',
          message: expect.stringContaining('rename the job'),
        }),
      ]);
    },
  );

  it('accepts a job named scheduler, which names no resource of a kind the Scheduler role is', () => {
    expect(
      errorBuilding({ jobs: [jobSource(defineJob({ name: 'scheduler', run: async () => {} }))] }),
    ).toBeUndefined();
  });

  it('accepts the three valid jobs', () => {
    expect(errorBuilding({ jobs: [recurringJob(), oneOffJob(), onDemandJob()] })).toBeUndefined();
  });

  it.each(['Acme', 'acme-', '9acme', 'acme_jobs', 'a'.repeat(25), ''])(
    'rejects the app name "%s"',
    (appName) => {
      const error = errorBuilding({ appName });

      expect(error).toBeInstanceOf(JobsError);
      expect((error as Error).message).toBe(
        `appName must be lower-case kebab of 1 to 24 characters starting with a letter, got "${appName}"`,
      );
    },
  );

  it.each([0, -1, 1.5, 201, Number.NaN])('rejects a shardCount of %s', (shardCount) => {
    const error = errorBuilding({ hashShardCount: shardCount });

    expect(error).toBeInstanceOf(JobsError);
    expect((error as Error).message).toBe(
      `hashShardCount (-c jobs:shardCount) must be a whole number from 1 to 200, got ${shardCount}`,
    );
  });
});
