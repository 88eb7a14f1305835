import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerOneOffScheduler } from '../shared/delivery/one-off-scheduler';
import { conventionalQueueLocator } from '../shared/delivery/queue-locator';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { powertoolsLogger } from '../shared/logging/powertools-logger';
import { createWorker } from '../shared/worker/create-worker';
import { readWorkerEnvironment } from '../shared/worker/worker-environment';
import type { WorkerHandler } from '../shared/worker/worker-handler';

/**
 * The worker Lambda's handler for the jobs bundled into it (each job's function bundles its own
 * job file and exports `handler = createLambdaWorker([job])`). Clients and stores are built once
 * per container, from the environment the CDK stack sets.
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
          oneOffScheduler: new SchedulerOneOffScheduler({
            schedulerClient: new SchedulerClient({}),
            groupName: oneOff.groupName,
            roleArn: oneOff.roleArn,
            queues,
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
