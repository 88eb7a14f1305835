import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { oneOffSchedulerOnFirstUse } from '../shared/delivery/one-off-scheduler-on-first-use';
import { conventionalQueueLocator } from '../shared/delivery/queue-locator';
import { sqsClientOnFirstUse } from '../shared/delivery/sqs-client-on-first-use';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { powertoolsRunMetrics } from '../shared/metrics/powertools-run-metrics';
import { WORKER_SERVICE_NAME } from '../shared/naming/resource-names';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';
import { createWorker } from '../shared/worker/create-worker';
import { readJobWorkerEnvironment } from '../shared/worker/worker-environment';

/** The handler of one job's function (`<job>.handler`), built once per container. */
export function jobWorkerHandler(jobName: string, job: AnyJobDefinition) {
  const environment = readJobWorkerEnvironment(jobName);
  const { names, tables, location, oneOff, retentionDays, codeVersion } = environment;
  const observability = lambdaObservability({
    serviceName: WORKER_SERVICE_NAME,
    metrics: { appName: names.appName, dimensions: { JobName: jobName } },
  });
  const queues = conventionalQueueLocator({ names, location });
  const worker = createWorker({
    jobs: [job],
    names,
    tables,
    dynamoDbClient: new DynamoDBClient(SDK_RETRY_SETTINGS),
    sqsClient: sqsClientOnFirstUse(),
    queues,
    ...(oneOff ? { oneOffScheduler: oneOffSchedulerOnFirstUse({ ...oneOff, queues }) } : {}),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
    ...(codeVersion !== undefined ? { codeVersion } : {}),
    logger: observability.logger,
    metrics: powertoolsRunMetrics(observability.metrics),
    // Lambda freezes a sandbox between invocations: a body that outlived its attempt would
    // resume at the next one, beside that one's bodies. Ending the process makes a fresh one.
    recycle: () => process.exit(1),
  });
  return lambdaHandler(worker.handler, observability);
}
