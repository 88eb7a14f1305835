import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../../shared/job/define-job';
import {
  arn,
  buildJobsApp,
  jobSource,
  ON_DEMAND_JOB,
  onDemandJob,
  RECURRING_JOB,
  SYNTH_TIMEOUT_MS,
  stackOf,
  templateOf,
  workerOf,
} from './jobs-app';

function keepPausedOf(template: Template) {
  return Object.entries(template.findResources('Custom::KeepPausedSchedules'));
}

function digestOf(jobs: ReturnType<typeof buildJobsApp>['jobs'], jobName: string) {
  const [[, resource] = []] = keepPausedOf(templateOf(jobs, jobName));
  return (resource as { Properties: { SchedulesDigest: string } }).Properties.SchedulesDigest;
}

describe("a shard stack's KeepPausedSchedules step", () => {
  it(
    "runs after every schedule of the stack is in place, calling the app's keep-paused function",
    () => {
      const { jobs } = buildJobsApp();
      const stack = stackOf(jobs, RECURRING_JOB);
      const schedules = [...stack.workers.values()].flatMap((worker) =>
        worker.schedule ? [stack.getLogicalId(worker.schedule)] : [],
      );

      const [[, resource] = []] = keepPausedOf(Template.fromStack(stack));

      expect(schedules.length).toBeGreaterThan(0);
      expect(resource).toMatchObject({
        DependsOn: expect.arrayContaining(schedules),
        Properties: {
          ServiceToken: arn('lambda', 'function:acme_keep-paused'),
          ServiceTimeout: '300',
        },
      });
    },
    SYNTH_TIMEOUT_MS,
  );

  it('tells the function each job of the stack, its paused default and whether it ticks', () => {
    const { jobs } = buildJobsApp({
      jobs: [
        jobSource(
          defineJob({
            name: 'legacy-sync',
            paused: true,
            schedule: { cron: '0 1 * * *' },
            run: async () => {},
          }),
        ),
      ],
    });

    const [[, resource] = []] = keepPausedOf(templateOf(jobs, 'legacy-sync'));

    expect(JSON.parse((resource as { Properties: { Jobs: string } }).Properties.Jobs)).toEqual([
      { name: 'legacy-sync', paused: true, scheduled: true },
    ]);
  });

  it('deploys a job defined paused with its schedule disabled, and others enabled', () => {
    const paused = jobSource(
      defineJob({
        name: 'legacy-sync',
        paused: true,
        schedule: { rate: '1 hour' },
        run: async () => {},
      }),
    );
    const ticking = jobSource(
      defineJob({ name: 'hourly-sync', schedule: { rate: '1 hour' }, run: async () => {} }),
    );
    const { jobs } = buildJobsApp({ jobs: [paused, ticking] });

    const stateOf = (jobName: string) => workerOf(jobs, jobName).schedule?.state;

    expect(stateOf('legacy-sync')).toBe('DISABLED');
    expect(stateOf('hourly-sync')).toBe('ENABLED');
  });

  const report = (options: { cron?: string; memoryMb?: number } = {}) =>
    jobSource(
      defineJob({
        name: 'nightly-report',
        schedule: { cron: options.cron ?? '0 7 * * *', timezone: 'Europe/London' },
        memoryMb: options.memoryMb ?? 256,
        run: async () => {},
      }),
    );

  it('runs again when a deploy changes a schedule, which CloudFormation rewrites state and all', () => {
    const before = buildJobsApp({ jobs: [report()] }).jobs;
    const after = buildJobsApp({ jobs: [report({ cron: '30 7 * * *' })] }).jobs;

    expect(digestOf(after, 'nightly-report')).not.toBe(digestOf(before, 'nightly-report'));
  });

  it("does not run when a deploy changes nothing of the stack's schedules", () => {
    const before = buildJobsApp({ jobs: [report()] }).jobs;
    const after = buildJobsApp({ jobs: [report({ memoryMb: 1024 })] }).jobs;

    expect(digestOf(after, 'nightly-report')).toBe(digestOf(before, 'nightly-report'));
  });

  it('is in a stack whose only job is declared paused, to write its initial pause', () => {
    const { jobs } = buildJobsApp({
      jobs: [jobSource(defineJob({ name: 'manual-cleanup', paused: true, run: async () => {} }))],
    });

    expect(keepPausedOf(templateOf(jobs, 'manual-cleanup'))).toHaveLength(1);
  });

  it('is left out of a stack whose jobs have no schedule and none is declared paused', () => {
    const { jobs } = buildJobsApp({ jobs: [onDemandJob()] });

    expect(keepPausedOf(templateOf(jobs, ON_DEMAND_JOB))).toEqual([]);
  });
});
