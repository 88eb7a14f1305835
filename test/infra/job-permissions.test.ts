import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ServerlessJobs } from '../../infra/serverless-jobs';
import {
  actionsOf,
  arn,
  buildJobsApp,
  getAtt,
  logicalIdOf,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  RECURRING_JOB,
  roleStatements,
  SYNTH_TIMEOUT_MS,
  statementsOfRole,
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

  expect(statementsOfRole(templateOf(jobs, job), logicalIdOf(role))).toEqual(
    expect.arrayContaining([expect.objectContaining({ Effect: 'Allow', ...statement })]),
  );
}

describe('JobWorker role', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it.each(ALL_JOBS)('lets %s read and write only its own runs in acme_executions', (job) => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, job, {
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: arn('dynamodb', 'table/acme_executions'),
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [job] } },
    });
  });

  it.each(ALL_JOBS)('lets %s read and update only its own item in acme_job-state', (job) => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, job, {
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Resource: arn('dynamodb', 'table/acme_job-state'),
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [job] } },
    });
  });

  it('lets a job send messages only to the queue of the job it declares, and to its own dead-letter queue', () => {
    const { jobs } = buildJobsApp();

    const sends = roleStatements(jobs, RECURRING_JOB).filter((statement) =>
      actionsOf(statement).includes('sqs:SendMessage'),
    );
    expect(sends.map((statement) => statement.Resource)).toEqual([
      arn('sqs', `acme_${ON_DEMAND_JOB}`),
      getAtt(logicalIdOf(workerOf(jobs, RECURRING_JOB).deadLetterQueue), 'Arn'),
    ]);
  });

  it.each([ONE_OFF_JOB, ON_DEMAND_JOB])(
    'gives %s, which declares no jobs, sqs:SendMessage to its own dead-letter queue only',
    (job) => {
      const { jobs } = buildJobsApp();

      const sends = roleStatements(jobs, job).filter((statement) =>
        actionsOf(statement).includes('sqs:SendMessage'),
      );
      expect(sends).toEqual([
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: getAtt(logicalIdOf(workerOf(jobs, job).deadLetterQueue), 'Arn'),
        },
      ]);
    },
  );

  it.each(ALL_JOBS)(
    "names %s's own dead-letter queue, <app>_<job>_dlq, as the one it may send to",
    (job) => {
      const { jobs } = buildJobsApp();

      const named = templateOf(jobs, job).findResources('AWS::SQS::Queue', {
        Properties: { QueueName: `acme_${job}_dlq` },
      });
      expect(Object.keys(named)).toEqual([logicalIdOf(workerOf(jobs, job).deadLetterQueue)]);
    },
  );

  it("lets a job that enqueues create one-time schedules only in the app's acme_runs group", () => {
    const { jobs } = buildJobsApp();

    expectRoleAllows(jobs, RECURRING_JOB, {
      Action: 'scheduler:CreateSchedule',
      Resource: arn('scheduler', 'schedule/acme_runs/*'),
    });
  });

  it('lets a job that enqueues pass only its own later-runs role, and only to EventBridge Scheduler', () => {
    const { jobs } = buildJobsApp();
    const laterRuns = workerOf(jobs, RECURRING_JOB).laterRunsRole;

    const passed = roleStatements(jobs, RECURRING_JOB).filter((statement) =>
      actionsOf(statement).includes('iam:PassRole'),
    );

    expect(passed).toEqual([
      expect.objectContaining({
        Resource: getAtt(logicalIdOf(laterRuns as never), 'Arn'),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    ]);
  });

  // The one-time schedules of enqueue({ at }) run as this role: were it the app's Scheduler
  // role, which may send to every job, a job could start any job with any input.
  it("gives the later-runs role of a job that enqueues only its declared jobs' queues", () => {
    const { jobs } = buildJobsApp();
    const laterRuns = workerOf(jobs, RECURRING_JOB).laterRunsRole;
    const template = templateOf(jobs, RECURRING_JOB);

    expect(statementsOfRole(template, logicalIdOf(laterRuns as never))).toEqual([
      {
        Sid: 'SendToDeclaredJobs',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [arn('sqs', `acme_${ON_DEMAND_JOB}`), arn('sqs', 'acme_scheduler-dlq')],
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': arn('scheduler', 'schedule-group/acme_runs') },
            },
          }),
        ],
      },
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
