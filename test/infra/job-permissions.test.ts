import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ServerlessJobs } from '../../infra/serverless-jobs';
import {
  actionsOf,
  arn,
  buildJobsApp,
  logicalIdOf,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  RECURRING_JOB,
  roleStatements,
  SYNTH_TIMEOUT_MS,
  templateOf,
  workerOf,
} from './jobs-app';

const ALL_JOBS = [RECURRING_JOB, ONE_OFF_JOB, ON_DEMAND_JOB];

/** The policy of the job's role holds a statement like `statement`. */
function expectRoleAllows(
  jobs: ServerlessJobs,
  job: string,
  statement: Record<string, unknown>,
): void {
  const role = workerOf(jobs, job).function.role;
  if (!role) throw new Error(`the function of job ${job} has no role`);

  templateOf(jobs, job).hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: logicalIdOf(role) }],
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', ...statement })]),
    },
  });
}

describe('JobWorker role', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it.each(ALL_JOBS)('lets %s read and write only its own runs in acme-executions', (job) => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, job, {
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: arn('dynamodb', 'table/acme-executions'),
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [job] } },
    });
  });

  it.each(ALL_JOBS)('lets %s read and update only its own item in acme-job-state', (job) => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, job, {
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Resource: arn('dynamodb', 'table/acme-job-state'),
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [job] } },
    });
  });

  it('lets a job send messages only to the queue of the job it declares', () => {
    const { jobs } = buildJobsApp();

    const sends = roleStatements(jobs, RECURRING_JOB).filter((statement) =>
      actionsOf(statement).includes('sqs:SendMessage'),
    );
    expect(sends.map((statement) => statement.Resource)).toEqual([
      arn('sqs', `acme-${ON_DEMAND_JOB}`),
    ]);
  });

  it.each([ONE_OFF_JOB, ON_DEMAND_JOB])(
    'gives %s, which declares no jobs, no sqs:SendMessage at all',
    (job) => {
      const { jobs } = buildJobsApp();

      const sends = roleStatements(jobs, job).filter((statement) =>
        actionsOf(statement).includes('sqs:SendMessage'),
      );
      expect(sends).toEqual([]);
    },
  );

  it("lets a job that enqueues create one-time schedules only in the app's acme-runs group", () => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, RECURRING_JOB, {
      Action: 'scheduler:CreateSchedule',
      Resource: arn('scheduler', 'schedule/acme-runs/*'),
    });
  });

  it('lets a job that enqueues pass the scheduler role to EventBridge Scheduler only', () => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, RECURRING_JOB, {
      Action: 'iam:PassRole',
      Resource: arn('iam', 'role/acme-scheduler', ''),
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
  });

  it.each([ONE_OFF_JOB, ON_DEMAND_JOB])(
    'gives %s, which declares no jobs, no scheduler or iam permission',
    (job) => {
      const { jobs } = buildJobsApp();

      const actions = roleStatements(jobs, job).flatMap(actionsOf);
      expect(actions.filter((action) => /^(scheduler|iam):/.test(action))).toEqual([]);
    },
  );
});
