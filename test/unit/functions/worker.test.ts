import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { jobWorkerHandler } from '../../../functions/worker';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { lambdaContext } from '../../support/lambda-context';

const dynamoDb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  dynamoDb.restore();
  sqs.restore();
  scheduler.restore();
});

afterEach(() => {
  dynamoDb.reset();
  sqs.reset();
  scheduler.reset();
});

const ping = defineJob({ name: 'ping', run: async () => JobResult.success('pong') });

function stubDeployedEnvironment() {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_VERSION', '12');
  vi.stubEnv('JOBS_EXECUTIONS_TABLE', 'app_executions');
  vi.stubEnv('JOBS_JOB_STATE_TABLE', 'app_job-state');
  vi.stubEnv('JOBS_ALERT_CONFIG_TABLE', 'app_alert-config');
  vi.stubEnv('JOBS_APP_NAME', 'app');
  vi.stubEnv('JOBS_ACCOUNT_ID', '123456789012');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
}

/** An SQS record of `body`, received from the queue of the job it names, as deployed. */
function record(body: { readonly job: string; readonly runId: string }): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'r-1',
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-west-1:123456789012:app_${body.job}`,
    awsRegion: 'eu-west-1',
  };
}

describe('the worker Lambda entry', () => {
  it('records runs in the table its environment names, with the function version', async () => {
    stubDeployedEnvironment();
    dynamoDb.on(PutCommand).resolves({});
    vi.stubEnv('JOBS_JOB_NAME', 'ping');
    const handler = jobWorkerHandler('ping', ping);

    const response = await handler(
      { Records: [record({ job: 'ping', runId: 'run-1' })] },
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const puts = dynamoDb.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.TableName)).toEqual(['app_executions', 'app_executions']);
    expect(puts[1]?.Item).toMatchObject({
      jobName: 'ping',
      runId: 'run-1',
      status: 'succeeded',
      attempt_1: { codeVersion: '12', message: 'pong' },
    });
  });

  it('fails at start with every missing variable named', () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('JOBS_EXECUTIONS_TABLE', '');
    vi.stubEnv('JOBS_JOB_NAME', 'ping');

    expect(() => jobWorkerHandler('ping', ping)).toThrow(/JOBS_EXECUTIONS_TABLE is not set/);
  });

  it('schedules a run more than 15 minutes ahead through EventBridge Scheduler', async () => {
    stubDeployedEnvironment();
    vi.stubEnv('JOBS_SCHEDULE_GROUP', 'app_runs');
    vi.stubEnv('JOBS_SCHEDULER_ROLE_ARN', 'arn:aws:iam::123456789012:role/app_scheduler');
    dynamoDb.on(PutCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({});
    const remind = defineJob({
      name: 'remind',
      enqueues: ['ping'],
      run: async (ctx) => {
        await ctx.enqueue('ping', undefined, { delay: '2 hours' });
      },
    });
    vi.stubEnv('JOBS_JOB_NAME', 'remind');
    const handler = jobWorkerHandler('remind', remind);

    const response = await handler(
      { Records: [record({ job: 'remind', runId: 'run-3' })] },
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const schedules = scheduler
      .commandCalls(CreateScheduleCommand)
      .map((call) => call.args[0].input);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({
      GroupName: 'app_runs',
      Target: {
        Arn: 'arn:aws:sqs:eu-west-1:123456789012:app_ping',
        RoleArn: 'arn:aws:iam::123456789012:role/app_scheduler',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:app_scheduler-dlq' },
      },
    });
  });

  describe("as one job's entry", () => {
    it('runs the job its entry names when JOBS_JOB_NAME agrees', async () => {
      stubDeployedEnvironment();
      vi.stubEnv('JOBS_JOB_NAME', 'ping');
      dynamoDb.on(PutCommand).resolves({});

      const handler = jobWorkerHandler('ping', ping);
      const response = await handler(
        { Records: [record({ job: 'ping', runId: 'run-2' })] },
        lambdaContext(),
      );

      expect(response).toEqual({ batchItemFailures: [] });
      expect(dynamoDb.commandCalls(PutCommand).length).toBeGreaterThan(0);
    });

    it('refuses to start when JOBS_JOB_NAME names another job, saying what to do', () => {
      stubDeployedEnvironment();
      vi.stubEnv('JOBS_JOB_NAME', 'pong');

      expect(() => jobWorkerHandler('ping', ping)).toThrow(
        'This function\'s handler, ping.handler, runs job "ping", but JOBS_JOB_NAME is "pong": the CDK stack sets both; redeploy the app',
      );
    });

    it('refuses to start when JOBS_JOB_NAME is not set', () => {
      stubDeployedEnvironment();
      vi.stubEnv('JOBS_JOB_NAME', '');

      expect(() => jobWorkerHandler('ping', ping)).toThrow('JOBS_JOB_NAME is not set');
    });
  });
});

describe('the worker Lambda entry, at the Lambda edge', () => {
  /** The JSON lines written to stdout and stderr while `work` ran: Lambda logs both. */
  async function loggedLines(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const writes = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    try {
      await work();
    } finally {
      for (const write of writes) write.mockRestore();
    }
    return written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  const failing = defineJob({
    name: 'flaky',
    retries: 1,
    run: async () => {
      throw new Error('the warehouse is closed');
    },
  });

  it("puts the invocation's request id on every log line the run writes", async () => {
    stubDeployedEnvironment();
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('JOBS_JOB_NAME', 'flaky');
    dynamoDb.on(PutCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    const handler = jobWorkerHandler('flaky', failing);
    const context = lambdaContext({ functionName: 'app_flaky' });

    const logs = (
      await loggedLines(() =>
        handler({ Records: [record({ job: 'flaky', runId: 'run-4' })] }, context),
      )
    ).filter((line) => 'level' in line);

    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) {
      expect(line).toMatchObject({
        function_request_id: context.awsRequestId,
        function_name: 'app_flaky',
        service: 'jobs-worker',
      });
    }
  });

  // CloudWatch embedded metric format: a log line with an `_aws` key whose CloudWatchMetrics
  // name the namespace, dimensions and metrics; CloudWatch makes the metrics from the log.
  it("writes the run's outcome and duration as embedded metrics, by job, with no API call", async () => {
    stubDeployedEnvironment();
    vi.stubEnv('JOBS_JOB_NAME', 'ping');
    dynamoDb.on(PutCommand).resolves({});
    const handler = jobWorkerHandler('ping', ping);

    const emf = (
      await loggedLines(() =>
        handler({ Records: [record({ job: 'ping', runId: 'run-5' })] }, lambdaContext()),
      )
    ).find((line) => JSON.stringify(line).includes('RunsSucceeded')) as
      | { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } }
      | undefined;

    expect(emf).toMatchObject({ JobName: 'ping', RunsSucceeded: 1, service: 'jobs-worker' });
    expect(emf?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Jobs/app');
    expect(emf?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(
      expect.arrayContaining(['JobName', 'service']),
    );
    expect(Object.keys(emf ?? {})).toContain('AttemptDuration');
  });

  it('counts a failed attempt that will be retried as a retry, not as a failed run', async () => {
    stubDeployedEnvironment();
    vi.stubEnv('JOBS_JOB_NAME', 'flaky');
    dynamoDb.on(PutCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    const handler = jobWorkerHandler('flaky', failing);

    const lines = await loggedLines(() =>
      handler({ Records: [record({ job: 'flaky', runId: 'run-6' })] }, lambdaContext()),
    );

    const emf = lines.find((line) => '_aws' in line && 'AttemptDuration' in line);
    expect(emf).toMatchObject({ Retries: 1 });
    expect(emf).not.toHaveProperty('RunsFailed');
  });
});
