import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { QUEUE_CLASS_SETTINGS } from '../../infra/constructs/job-worker';
import { defineJob } from '../../shared/job/define-job';
import type { QueueClass } from '../../shared/job/job-definition';
import {
  ACCOUNT,
  buildJobsApp,
  getAtt,
  jobSource,
  logicalIdOf,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  RECURRING_JOB,
  roleStatements,
  SYNTH_TIMEOUT_MS,
  templateOf,
  workerOf,
} from './jobs-app';

interface Expected {
  readonly memoryMb: number;
  /** The job's timeout plus 10 s to record the outcome. */
  readonly functionTimeout: number;
  readonly queueClass: QueueClass;
  readonly retries: number;
  /** retries + 1 + 4: the receives SQS allows before its redrive, a safety net. */
  readonly maxReceiveCount: number;
}

const WORKERS: readonly (readonly [job: string, expected: Expected])[] = [
  [
    RECURRING_JOB,
    { memoryMb: 512, functionTimeout: 130, queueClass: 'critical', retries: 2, maxReceiveCount: 7 },
  ],
  [
    ONE_OFF_JOB,
    { memoryMb: 256, functionTimeout: 70, queueClass: 'default', retries: 3, maxReceiveCount: 8 },
  ],
  [
    ON_DEMAND_JOB,
    { memoryMb: 256, functionTimeout: 70, queueClass: 'batch', retries: 3, maxReceiveCount: 8 },
  ],
];

describe('JobWorker', { timeout: SYNTH_TIMEOUT_MS }, () => {
  describe('function', () => {
    it.each(WORKERS)(
      'runs %s as its own function, from its own entry, on Node 24 with its memory and timeout',
      (job, expected) => {
        const { jobs } = buildJobsApp();

        templateOf(jobs, job).hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `acme_${job}`,
          Runtime: 'nodejs24.x',
          Handler: `${job}.handler`,
          MemorySize: expected.memoryMb,
          Timeout: expected.functionTimeout,
        });
      },
    );

    it.each(WORKERS)(
      "tells %s where its tables are, and the app's name, from which its queues' names derive",
      (job) => {
        const { jobs } = buildJobsApp();

        templateOf(jobs, job).hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `acme_${job}`,
          Environment: {
            Variables: Match.objectLike({
              JOBS_EXECUTIONS_TABLE: 'acme_executions',
              JOBS_JOB_STATE_TABLE: 'acme_job-state',
              JOBS_ALERT_CONFIG_TABLE: 'acme_alert-config',
              JOBS_APP_NAME: 'acme',
              JOBS_QUEUE_NAME_PREFIX: Match.absent(),
              JOBS_ACCOUNT_ID: ACCOUNT,
              NODE_OPTIONS: Match.absent(),
            }),
          },
        });
      },
    );

    it.each(WORKERS)('tells the function of %s which job of its bundle it runs', (job) => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, job).hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `acme_${job}`,
        Environment: { Variables: Match.objectLike({ JOBS_JOB_NAME: job }) },
      });
    });

    it('tells a job that enqueues where to schedule runs more than 15 minutes ahead, and with which role', () => {
      const { jobs } = buildJobsApp();
      const laterRuns = workerOf(jobs, RECURRING_JOB).laterRunsRole;

      expect(laterRuns).toBeDefined();
      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `acme_${RECURRING_JOB}`,
        Environment: {
          Variables: Match.objectLike({
            JOBS_SCHEDULE_GROUP: 'acme_runs',
            JOBS_SCHEDULER_ROLE_ARN: getAtt(logicalIdOf(laterRuns as never), 'Arn'),
          }),
        },
      });
    });

    it.each([ONE_OFF_JOB, ON_DEMAND_JOB])(
      'gives %s, which enqueues nothing, no scheduler settings',
      (job) => {
        const { jobs } = buildJobsApp();

        templateOf(jobs, job).hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `acme_${job}`,
          Environment: {
            Variables: Match.objectLike({
              JOBS_SCHEDULE_GROUP: Match.absent(),
              JOBS_SCHEDULER_ROLE_ARN: Match.absent(),
            }),
          },
        });
      },
    );

    it.each(WORKERS)('logs %s as JSON to its own log group, untraced by default', (job) => {
      const { jobs } = buildJobsApp();

      const logGroup = workerOf(jobs, job).function.logGroup;
      templateOf(jobs, job).hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `acme_${job}`,
        TracingConfig: Match.absent(),
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalIdOf(logGroup) } },
      });
      expect(JSON.stringify(roleStatements(jobs, job))).not.toContain('xray:');
    });

    it('traces a worker with X-Ray, and lets it send traces, when the app asks', () => {
      const { jobs } = buildJobsApp({ tracing: true });

      templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `acme_${RECURRING_JOB}`,
        TracingConfig: { Mode: 'Active' },
      });
      expect(roleStatements(jobs, RECURRING_JOB)).toContainEqual(
        expect.objectContaining({
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        }),
      );
    });

    it.each(WORKERS)('keeps the logs of %s in /aws/lambda/acme_<job> for a month', (job) => {
      const { jobs } = buildJobsApp();

      templateOf(jobs, job).hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/acme_${job}`,
        RetentionInDays: 30,
      });
    });

    it("caps the function timeout at Lambda's 900 seconds for a 15-minute job", () => {
      const longJob = jobSource(
        defineJob({ name: 'rebuild-search-index', timeout: '15 minutes', run: async () => {} }),
      );
      const { jobs } = buildJobsApp({ jobs: [longJob] });

      const template = templateOf(jobs, 'rebuild-search-index');
      template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'acme_rebuild-search-index',
        VisibilityTimeout: 5400,
      });
    });
  });

  describe('queue', () => {
    it.each(WORKERS)(
      'names the queue of %s after it, encrypted, hiding a message for 6 function timeouts',
      (job, { functionTimeout }) => {
        const { jobs } = buildJobsApp();

        templateOf(jobs, job).hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `acme_${job}`,
          VisibilityTimeout: functionTimeout * 6,
          SqsManagedSseEnabled: true,
        });
      },
    );

    it.each(WORKERS)(
      'redrives a message of %s to its _dlq queue after retries + 1 + 4 receives, a safety net: the worker dead-letters a run itself once its retries are spent, and AWS advises at least 5 receives for queues feeding Lambda',
      (job, { retries, maxReceiveCount }) => {
        const { jobs } = buildJobsApp();

        const template = templateOf(jobs, job);
        const deadLetterQueueId = logicalIdOf(workerOf(jobs, job).deadLetterQueue);
        expect(maxReceiveCount).toBe(retries + 1 + 4);
        template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `acme_${job}`,
          RedrivePolicy: {
            deadLetterTargetArn: getAtt(deadLetterQueueId, 'Arn'),
            maxReceiveCount,
          },
        });
        expect(template.toJSON().Resources[deadLetterQueueId].Properties).toMatchObject({
          QueueName: `acme_${job}_dlq`,
          SqsManagedSseEnabled: true,
        });
      },
    );

    it('gives a job without retries the 5 receives AWS advises for queues feeding Lambda', () => {
      const once = jobSource(defineJob({ name: 'run-once', retries: 0, run: async () => {} }));
      const { jobs } = buildJobsApp({ jobs: [once] });

      templateOf(jobs, 'run-once').hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'acme_run-once',
        RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
      });
    });

    // A queue policy applies to each queue it lists; SQS evaluates a statement only for a
    // request whose resource the statement names, so both ARNs must be there.
    it.each(WORKERS)('denies requests without TLS to both queues of %s, in one policy', (job) => {
      const { jobs } = buildJobsApp();

      const template = templateOf(jobs, job);
      const worker = workerOf(jobs, job);
      const queueIds = [worker.queue, worker.deadLetterQueue].map((queue) => logicalIdOf(queue));
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: queueIds.map((id) => ({ Ref: id })),
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: queueIds.map((id) => getAtt(id, 'Arn')),
            }),
          ],
        },
      });
    });

    it.each(WORKERS)(
      'feeds %s from its queue by its queue class, reporting failed items',
      (job, { queueClass }) => {
        const { jobs } = buildJobsApp();

        const worker = workerOf(jobs, job);
        const settings = QUEUE_CLASS_SETTINGS[queueClass];
        templateOf(jobs, job).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: getAtt(logicalIdOf(worker.queue), 'Arn'),
          FunctionName: { Ref: logicalIdOf(worker.function) },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BatchSize: settings.batchSize,
          MaximumBatchingWindowInSeconds: settings.maxBatchingWindowSeconds ?? Match.absent(),
          ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
        });
      },
    );
  });
});
