import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ServerlessJobs } from '../../infra/serverless-jobs';
import { hashShardOf, jobStackName, RESOURCES_PER_JOB_AT_MOST } from '../../infra/stack-assignment';
import { KEEP_PAUSED_PROPERTIES } from '../../shared/deploy/keep-paused-schedules';
import { defineJob } from '../../shared/job/define-job';
import {
  APP_NAME,
  buildJobsApp,
  jobSource,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  oneOffJob,
  RECURRING_JOB,
  SHARD_COUNT,
  SYNTH_TIMEOUT_MS,
  stackOf,
  threeJobs,
} from './jobs-app';

const EXISTING_JOBS = [RECURRING_JOB, ONE_OFF_JOB, ON_DEMAND_JOB];
const SCHEDULED_JOBS = [RECURRING_JOB, ONE_OFF_JOB];
/** The logical id of the step that switches paused jobs' schedules off again after a deploy. */
const KEEP_PAUSED = 'KeepPausedSchedules';
// Hashes into the shard of daily-report and year-end-close, so it shares their stack.
const FOURTH_JOB = 'purge-sessions';

/** The app with a fourth job added to `jobs` (the same definitions, so the same one-off time). */
function withFourthJob(jobs = threeJobs()): ServerlessJobs {
  const fourth = jobSource(defineJob({ name: FOURTH_JOB, run: async () => {} }));
  return buildJobsApp({ jobs: [...jobs, fourth] }).jobs;
}

function resourcesOf(stack: Stack): Record<string, unknown> {
  return Template.fromStack(stack).toJSON().Resources;
}

/** CDK derives the logical ids of a job's resources from their `Job-<name>/...` paths. */
function logicalIdPrefix(job: string): string {
  return `Job${job.replaceAll('-', '')}`;
}

function logicalIdsOf(jobs: ServerlessJobs, job: string): string[] {
  return Object.keys(resourcesOf(stackOf(jobs, job))).filter((id) =>
    id.startsWith(logicalIdPrefix(job)),
  );
}

describe('ServerlessJobs sharding', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('with no assignment yet, puts each job in the stack a hash of its name put it in before (adopting)', () => {
    const { jobs } = buildJobsApp();

    const placement = EXISTING_JOBS.map((job) => [job, stackOf(jobs, job).stackName]);
    expect(placement).toEqual(
      EXISTING_JOBS.map((job) => [job, jobStackName(APP_NAME, hashShardOf(job, SHARD_COUNT))]),
    );
  });

  it("puts all of a job's resources in its shard stack, and nothing else there but the KeepPausedSchedules step of a stack with a scheduled job", () => {
    const { jobs } = buildJobsApp();

    const ownersByStack = jobs.shardStacks.map((stack) => [
      stack.stackName,
      [
        ...new Set(
          Object.keys(resourcesOf(stack)).map(
            (id) => EXISTING_JOBS.find((job) => id.startsWith(logicalIdPrefix(job))) ?? id,
          ),
        ),
      ].sort(),
    ]);
    const shards = [...new Set(EXISTING_JOBS.map((job) => hashShardOf(job, SHARD_COUNT)))].sort();
    const expected = shards.map((shard) => {
      const shardJobs = EXISTING_JOBS.filter((job) => hashShardOf(job, SHARD_COUNT) === shard);
      const scheduled = shardJobs.some((job) => SCHEDULED_JOBS.includes(job));
      return [
        jobStackName(APP_NAME, shard),
        [...shardJobs, ...(scheduled ? [KEEP_PAUSED] : [])].sort(),
      ];
    });
    expect(ownersByStack).toEqual(expected);
  });

  it('keeps every existing job in its stack when a job is added', () => {
    const before = buildJobsApp().jobs;
    const after = withFourthJob();

    expect(hashShardOf(FOURTH_JOB, SHARD_COUNT)).toBe(hashShardOf(RECURRING_JOB, SHARD_COUNT));
    const stackIds = (jobs: ServerlessJobs) =>
      EXISTING_JOBS.map((job) => [job, stackOf(jobs, job).node.id, stackOf(jobs, job).stackName]);
    expect(stackIds(after)).toEqual(stackIds(before));
  });

  it("keeps every logical id of an existing job's resources when a job is added", () => {
    const before = buildJobsApp().jobs;
    const after = withFourthJob();

    const idsByJob = (jobs: ServerlessJobs) =>
      Object.fromEntries(EXISTING_JOBS.map((job) => [job, logicalIdsOf(jobs, job)]));
    expect(Object.values(idsByJob(before)).every((ids) => ids.length > 0)).toBe(true);
    expect(idsByJob(after)).toEqual(idsByJob(before));
  });

  it("leaves the resources already in a stack unchanged when a job is added to it, but for the new job in its KeepPausedSchedules step's list", () => {
    const jobs = threeJobs();
    const before = buildJobsApp({ jobs }).jobs;
    const after = withFourthJob(jobs);

    const resourcesBefore = resourcesOf(stackOf(before, RECURRING_JOB));
    const resourcesAfter = resourcesOf(stackOf(after, RECURRING_JOB));
    const keptResources = Object.fromEntries(
      Object.keys(resourcesBefore)
        .filter((id) => id !== KEEP_PAUSED)
        .map((id) => [id, resourcesAfter[id]]),
    );
    const { [KEEP_PAUSED]: keepPausedBefore, ...otherResourcesBefore } = resourcesBefore;
    expect(keptResources).toEqual(otherResourcesBefore);
    const propertiesOf = (resource: unknown) =>
      (resource as { Properties: Record<string, string> }).Properties;
    const jobsBefore = JSON.parse(
      propertiesOf(keepPausedBefore)[KEEP_PAUSED_PROPERTIES.jobs] ?? '',
    );
    const jobsAfter = JSON.parse(
      propertiesOf(resourcesAfter[KEEP_PAUSED])[KEEP_PAUSED_PROPERTIES.jobs] ?? '',
    );
    expect(jobsAfter).toEqual([
      ...jobsBefore,
      { name: FOURTH_JOB, paused: false, scheduled: false },
    ]);
    expect(propertiesOf(resourcesAfter[KEEP_PAUSED])[KEEP_PAUSED_PROPERTIES.schedulesDigest]).toBe(
      propertiesOf(keepPausedBefore)[KEEP_PAUSED_PROPERTIES.schedulesDigest],
    );
  });

  it('creates a stack only for each shard that holds jobs, named by its index', () => {
    const { jobs } = buildJobsApp();

    const shardsWithJobs = [...new Set(EXISTING_JOBS.map((job) => hashShardOf(job, SHARD_COUNT)))];
    expect(shardsWithJobs.length).toBeLessThan(SHARD_COUNT);
    expect(jobs.shardStacks.map((stack) => stack.stackName)).toEqual([
      'acme-shard-01',
      'acme-shard-02',
    ]);
    expect(jobs.shardStacks.map((stack) => stack.stackName)).toEqual(
      shardsWithJobs.sort().map((shard) => jobStackName(APP_NAME, shard)),
    );
  });

  it('makes no stack for a shard without jobs, and no wait condition placeholder anywhere', () => {
    const { jobs } = buildJobsApp();

    const stacks = jobs.node.findAll().filter((construct) => Stack.isStack(construct));
    expect(stacks.map((stack) => stack.stackName).sort()).toEqual([
      'acme-control',
      'acme-data',
      'acme-shard-01',
      'acme-shard-02',
    ]);
    expect(jobs.shardStacks.every((stack) => stack.workers.size > 0)).toBe(true);
    for (const stack of stacks) {
      Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
    }
  });

  it('makes one shard stack for an app whose jobs all live in one shard', () => {
    const { jobs } = buildJobsApp({ jobs: [oneOffJob()] });

    expect(jobs.shardStacks.map((stack) => stack.stackName)).toEqual([
      jobStackName(APP_NAME, hashShardOf(ONE_OFF_JOB, SHARD_COUNT)),
    ]);
  });

  it('exports no output per job from any stack', () => {
    const { jobs } = buildJobsApp();

    const stacks = [jobs.dataStack, jobs.controlStack, ...jobs.shardStacks];
    const outputs = stacks.flatMap((stack) =>
      Object.entries(Template.fromStack(stack).findOutputs('*')).map(([id, output]) => [
        stack.stackName,
        id,
        output,
      ]),
    );
    const perJob = outputs.filter((output) =>
      EXISTING_JOBS.some((job) => {
        const text = JSON.stringify(output);
        return text.includes(job) || text.includes(job.replaceAll('-', ''));
      }),
    );
    expect(perJob).toEqual([]);
  });
});

describe('ServerlessJobs with a committed stack assignment', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('puts each job in the stack the assignment names, and a new job in a stack that has room', () => {
    const { jobs } = buildJobsApp({
      previousStackAssignment: new Map([
        [RECURRING_JOB, 5],
        [ONE_OFF_JOB, 5],
      ]),
    });

    expect(EXISTING_JOBS.map((job) => [job, stackOf(jobs, job).stackName])).toEqual([
      [RECURRING_JOB, jobStackName(APP_NAME, 5)],
      [ONE_OFF_JOB, jobStackName(APP_NAME, 5)],
      [ON_DEMAND_JOB, jobStackName(APP_NAME, 5)],
    ]);
    expect(jobs.shardStacks.map((stack) => stack.stackName)).toEqual(['acme-shard-05']);
    expect(jobs.stackAssignment).toEqual(
      new Map([
        [RECURRING_JOB, 5],
        [ONE_OFF_JOB, 5],
        [ON_DEMAND_JOB, 5],
      ]),
    );
  });
});

describe('what a job costs in resources', { timeout: SYNTH_TIMEOUT_MS }, () => {
  const jobResources = (jobs: ServerlessJobs, job: string) =>
    Object.entries(resourcesOf(stackOf(jobs, job)))
      .filter(([id]) => id.startsWith(logicalIdPrefix(job)))
      .map(([, resource]) => (resource as { Type: string }).Type)
      .sort();

  it('makes at most RESOURCES_PER_JOB_AT_MOST for a job with every option, and no separate IAM policy', () => {
    const { jobs } = buildJobsApp();

    const resources = jobResources(jobs, RECURRING_JOB);

    expect(resources).toHaveLength(RESOURCES_PER_JOB_AT_MOST);
    expect(resources).toEqual([
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm',
      'AWS::IAM::Role',
      'AWS::IAM::Role',
      'AWS::Lambda::EventSourceMapping',
      'AWS::Lambda::Function',
      'AWS::Logs::LogGroup',
      'AWS::SQS::Queue',
      'AWS::SQS::Queue',
      'AWS::SQS::QueuePolicy',
      'AWS::Scheduler::Schedule',
    ]);
  });

  it('makes 10 for an on-demand job that enqueues nothing', () => {
    const { jobs } = buildJobsApp();

    expect(jobResources(jobs, ON_DEMAND_JOB)).toHaveLength(10);
  });
});
