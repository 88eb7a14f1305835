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

/** Loads one job file of a bundle: a dynamic `import()` of it, evaluated only when called. */
export type JobModuleLoader = () => Promise<{ readonly default: AnyJobDefinition }>;

/**
 * The worker of a bundle that holds several jobs (a shard's: one bundle serves every job of a
 * stack): evaluates only the job file of the job this function runs, named by `JOBS_JOB_NAME`,
 * so that one job's imports never slow another job's cold start.
 */
export async function loadLambdaWorker(
  loaders: Readonly<Record<string, JobModuleLoader>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<WorkerHandler> {
  const jobName = env[WORKER_ENVIRONMENT.jobName];
  const load = jobName ? loaders[jobName] : undefined;
  if (!jobName || !load) {
    throw new JobsError(
      `${WORKER_ENVIRONMENT.jobName} must name one of the jobs in this bundle (${Object.keys(loaders).join(', ')}), got ${jobName ? `"${jobName}"` : 'nothing'}: the CDK stack sets it; redeploy the app`,
    );
  }
  const job = (await load()).default;
  return createLambdaWorker([job]);
}

/**
 * The worker Lambda's handler for the given jobs. Clients and stores are built once per
 * container, from the environment the CDK stack sets.
 */
export function createLambdaWorker(jobs: readonly AnyJobDefinition[]): WorkerHandler {
  const environment = readWorkerEnvironment();
  const queues = conventionalQueueLocator({
    region: environment.region,
    accountId: environment.accountId,
    queueNamePrefix: environment.queueNamePrefix,
  });
  const sqsClient = new SQSClient({});
  const { oneOff } = environment;
  return createWorker({
    jobs,
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
