import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ServerlessJobs } from '../../infra/serverless-jobs';
import { shardOf } from '../../infra/sharding';
import { defineJob } from '../../shared/job/define-job';
import {
  buildJobsApp,
  jobSource,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  RECURRING_JOB,
  SHARD_COUNT,
  SYNTH_TIMEOUT_MS,
  stackOf,
  threeJobs,
} from './jobs-app';

const EXISTING_JOBS = [RECURRING_JOB, ONE_OFF_JOB, ON_DEMAND_JOB];
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
  it('puts each job in the shard stack that shardOf names', () => {
    const { jobs } = buildJobsApp();

    const placement = EXISTING_JOBS.map((job) => [
      job,
      jobs.shardStacks.indexOf(stackOf(jobs, job)),
    ]);
    expect(placement).toEqual(EXISTING_JOBS.map((job) => [job, shardOf(job, SHARD_COUNT)]));
  });

  it("puts all of a job's resources in its shard stack, and nothing else there", () => {
    const { jobs } = buildJobsApp();

    const ownersByStack = jobs.shardStacks.map((stack) => [
      ...new Set(
        Object.keys(resourcesOf(stack)).map(
          (id) => EXISTING_JOBS.find((job) => id.startsWith(logicalIdPrefix(job))) ?? id,
        ),
      ),
    ]);
    const expected = jobs.shardStacks.map((_, index) => {
      const shardJobs = EXISTING_JOBS.filter((job) => shardOf(job, SHARD_COUNT) === index);
      return shardJobs.length > 0 ? shardJobs : ['EmptyShard'];
    });
    expect(ownersByStack.map((owners) => owners.sort())).toEqual(
      expected.map((owners) => owners.sort()),
    );
  });

  it('keeps every existing job in its stack when a job is added', () => {
    const before = buildJobsApp().jobs;
    const after = withFourthJob();

    expect(shardOf(FOURTH_JOB, SHARD_COUNT)).toBe(shardOf(RECURRING_JOB, SHARD_COUNT));
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

  it('leaves the resources already in a stack unchanged when a job is added to it', () => {
    const jobs = threeJobs();
    const before = buildJobsApp({ jobs }).jobs;
    const after = withFourthJob(jobs);

    const resourcesBefore = resourcesOf(stackOf(before, RECURRING_JOB));
    const resourcesAfter = resourcesOf(stackOf(after, RECURRING_JOB));
    const keptResources = Object.fromEntries(
      Object.keys(resourcesBefore).map((id) => [id, resourcesAfter[id]]),
    );
    expect(keptResources).toEqual(resourcesBefore);
  });

  it('creates all shardCount stacks, named by their index', () => {
    const { jobs } = buildJobsApp();

    expect(jobs.shardStacks.map((stack) => stack.stackName)).toEqual([
      'acme-shard-00',
      'acme-shard-01',
      'acme-shard-02',
      'acme-shard-03',
    ]);
  });

  it('puts only a wait condition handle in a shard without jobs, as a template needs a resource', () => {
    const { jobs } = buildJobsApp();

    const emptyShards = jobs.shardStacks.filter((stack) => stack.workers.size === 0);
    expect(emptyShards.length).toBeGreaterThan(0);
    for (const stack of emptyShards) {
      expect(Object.values(resourcesOf(stack))).toEqual([
        { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      ]);
    }
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
