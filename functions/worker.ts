import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { OneOffScheduler } from '../shared/delivery/one-off-scheduler';
import { conventionalQueueLocator } from '../shared/delivery/queue-locator';
import { JobsError } from '../shared/errors';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { powertoolsLogger } from '../shared/logging/powertools-logger';
import { createWorker } from '../shared/worker/create-worker';
import { readWorkerEnvironment, WORKER_ENVIRONMENT } from '../shared/worker/worker-environment';
import type { WorkerHandler } from '../shared/worker/worker-handler';

/**
 * The handler of one job's function. A shard's functions share one code asset, in which each job
 * has its own entry, `<job>.mjs`, that imports its job file and no other's; the stack names that
 * entry as the handler and the job in `JOBS_JOB_NAME`. Both come from the same deploy, so if
 * they disagree, the function fails at start rather than run another job's messages.
 */
export function createJobLambdaWorker(
  jobName: string,
  job: AnyJobDefinition,
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkerHandler {
  const configured = env[WORKER_ENVIRONMENT.jobName];
  if (configured !== jobName) {
    throw new JobsError(
      `This function's handler, ${jobName}.handler, runs job "${jobName}", but ${WORKER_ENVIRONMENT.jobName} is ${configured ? `"${configured}"` : 'not set'}: the CDK stack sets both; redeploy the app`,
    );
  }
  return createLambdaWorker([job]);
}

/**
 * The worker Lambda's handler for the given jobs. Clients and stores are built once per
 * container, from the environment the CDK stack sets.
 */
export function createLambdaWorker(jobs: readonly AnyJobDefinition[]): WorkerHandler {
  const environment = readWorkerEnvironment();
  const queues = conventionalQueueLocator({
    names: environment.names,
    location: environment.location,
  });
  const sqsClient = new SQSClient({});
  const { oneOff } = environment;
  return createWorker({
    jobs,
    names: environment.names,
    tables: environment.tables,
    dynamoDbClient: new DynamoDBClient({}),
    sqsClient,
    queues,
    ...(oneOff
      ? {
          oneOffScheduler: loadedOnFirstUse(async () => {
            const [{ SchedulerClient }, { SchedulerOneOffScheduler }] = await Promise.all([
              import('@aws-sdk/client-scheduler'),
              import('../shared/delivery/one-off-scheduler'),
            ]);
            return new SchedulerOneOffScheduler({
              schedulerClient: new SchedulerClient({}),
              groupName: oneOff.groupName,
              roleArn: oneOff.roleArn,
              deadLetterArn: oneOff.deadLetterArn,
              queues,
            });
          }),
        }
      : {}),
    ...(environment.retentionDays !== undefined
      ? { retentionDays: environment.retentionDays }
      : {}),
    ...(environment.codeVersion !== undefined ? { codeVersion: environment.codeVersion } : {}),
    logger: powertoolsLogger(new Logger({ serviceName: 'jobs-worker' })),
    // Lambda freezes a sandbox between invocations: a body that outlived its attempt would
    // resume at the next one, beside that one's bodies. Ending the process makes a fresh one.
    recycle: () => process.exit(1),
  }).handler;
}

/**
 * A one-off scheduler whose code (the Scheduler client) loads on the first run scheduled more
 * than 15 minutes ahead: most functions never schedule one, and loading it costs every cold start.
 */
function loadedOnFirstUse(load: () => Promise<OneOffScheduler>): OneOffScheduler {
  let loading: Promise<OneOffScheduler> | undefined;
  return {
    async schedule(run) {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading).schedule(run);
    },
  };
}
