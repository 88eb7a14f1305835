import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  arn,
  aYearAhead,
  buildJobsApp,
  getAtt,
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
    it("fires at 07:00 London time in the app's schedule group, without a flexible window", () => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `acme-${RECURRING_JOB}`,
        GroupName: 'acme',
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
        Name: `acme-${RECURRING_JOB}`,
        Target: {
          Arn: getAtt(logicalIdOf(queue), 'Arn'),
          RoleArn: arn('iam', 'role/acme-scheduler', ''),
        },
      });
    });

    it("sends a run message naming the job and Scheduler's tick time", () => {
      const { jobs } = buildJobsApp();

      const schedule = scheduleNamed(templateOf(jobs, RECURRING_JOB), `acme-${RECURRING_JOB}`);
      expect(JSON.parse(schedule?.Target.Input ?? 'null')).toEqual({
        job: RECURRING_JOB,
        trigger: 'schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        scheduleArn: '<aws.scheduler.schedule-arn>',
        triggeredBy: 'scheduler',
      });
    });

    it('retries a failed delivery twice, then dead-letters it to acme-scheduler-dlq', () => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `acme-${RECURRING_JOB}`,
        Target: {
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: { Arn: arn('sqs', 'acme-scheduler-dlq') },
        },
      });
    });
  });

  it('fires a one-off job once, at its local time in UTC', () => {
    const at = aYearAhead();
    const { jobs } = buildJobsApp({ jobs: [recurringJob(), oneOffJob(at), onDemandJob()] });

    templateOf(jobs, ONE_OFF_JOB).hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `acme-${ONE_OFF_JOB}`,
      GroupName: 'acme',
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'UTC',
    });
  });

  it('gives an on-demand job no schedule', () => {
    const { jobs } = buildJobsApp();

    templateOf(jobs, ON_DEMAND_JOB).resourceCountIs('AWS::Scheduler::Schedule', 0);
    const namedAfterIt = jobs.shardStacks.map((stack) =>
      scheduleNamed(Template.fromStack(stack), `acme-${ON_DEMAND_JOB}`),
    );
    expect(namedAfterIt.filter((schedule) => schedule !== undefined)).toEqual([]);
  });
});
