import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_DELIVERY_RETRY } from '../../shared/delivery/schedule-delivery';
import { defineJob } from '../../shared/job/define-job';
import { ResourceNames } from '../../shared/naming/resource-names';
import {
  APP_NAME,
  arn,
  aYearAhead,
  buildJobsApp,
  getAtt,
  jobSource,
  logicalIdOf,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  onDemandJob,
  oneOffJob,
  RECURRING_JOB,
  recurringJob,
  SYNTH_TIMEOUT_MS,
  templateOf,
  workerOf,
} from './jobs-app';

const names = new ResourceNames(APP_NAME);

interface ScheduleProperties {
  readonly Target: { readonly Input: string };
}

function scheduleNamed(template: Template, name: string): ScheduleProperties | undefined {
  const [schedule] = Object.values(
    template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: name } }),
  );
  return (schedule as { Properties: ScheduleProperties } | undefined)?.Properties;
}

describe('JobWorker schedule', { timeout: SYNTH_TIMEOUT_MS }, () => {
  describe('of a recurring job', () => {
    it("fires at 07:00 London time in the app's acme_schedules group, without a flexible window, enabled as a job not defined paused", () => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `acme_${RECURRING_JOB}`,
        GroupName: 'acme_schedules',
        ScheduleExpression: 'cron(0 7 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/London',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
    });

    it("sends each tick to the job's queue as the scheduler role", () => {
      const { jobs } = buildJobsApp();

      const queue = workerOf(jobs, RECURRING_JOB).queue;
      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `acme_${RECURRING_JOB}`,
        Target: {
          Arn: getAtt(logicalIdOf(queue), 'Arn'),
          RoleArn: arn('iam', 'role/acme_scheduler', ''),
        },
      });
    });

    it("sends a run message naming the job and Scheduler's tick time", () => {
      const { jobs } = buildJobsApp();

      const schedule = scheduleNamed(templateOf(jobs, RECURRING_JOB), `acme_${RECURRING_JOB}`);
      expect(JSON.parse(schedule?.Target.Input ?? 'null')).toEqual({
        job: RECURRING_JOB,
        trigger: 'schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        scheduleArn: '<aws.scheduler.schedule-arn>',
        triggeredBy: 'scheduler',
      });
    });

    it('retries a failed delivery 3 times within an hour, then dead-letters it to acme_scheduler-dlq', () => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `acme_${RECURRING_JOB}`,
        Target: {
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: arn('sqs', 'acme_scheduler-dlq') },
        },
      });
    });

    it('retries as one-off runs do, by SCHEDULE_DELIVERY_RETRY', () => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: names.job(RECURRING_JOB),
        Target: {
          RetryPolicy: {
            MaximumRetryAttempts: SCHEDULE_DELIVERY_RETRY.maximumRetryAttempts,
            MaximumEventAgeInSeconds: SCHEDULE_DELIVERY_RETRY.maximumEventAgeInSeconds,
          },
          DeadLetterConfig: { Arn: arn('sqs', names.schedulerDeadLetterQueue) },
        },
      });
    });

    it('is deployed disabled for a job defined with paused: true', () => {
      const pausedJob = jobSource(
        defineJob({
          name: 'weekly-digest',
          schedule: { cron: '0 8 * * 1', timezone: 'UTC' },
          paused: true,
          run: async () => {},
        }),
      );
      const { jobs } = buildJobsApp({ jobs: [pausedJob] });

      templateOf(jobs, 'weekly-digest').hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: 'acme_weekly-digest',
        State: 'DISABLED',
      });
    });
  });

  it('fires a one-off job once, at its local time in UTC', () => {
    const at = aYearAhead();
    const { jobs } = buildJobsApp({ jobs: [recurringJob(), oneOffJob(at), onDemandJob()] });

    templateOf(jobs, ONE_OFF_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `acme_${ONE_OFF_JOB}`,
      GroupName: 'acme_schedules',
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'UTC',
    });
  });

  it('gives an on-demand job no schedule', () => {
    const { jobs } = buildJobsApp();

    templateOf(jobs, ON_DEMAND_JOB).resourceCountIs('AWS::Scheduler::Schedule', 0);
    const namedAfterIt = jobs.shardStacks.map((stack) =>
      scheduleNamed(Template.fromStack(stack), `acme_${ON_DEMAND_JOB}`),
    );
    expect(namedAfterIt.filter((schedule) => schedule !== undefined)).toEqual([]);
  });
});
