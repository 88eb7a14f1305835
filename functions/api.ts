import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { apiGatewayHandler } from '../shared/api/api-gateway-adapter';
import { createApi } from '../shared/api/create-api';
import { conventionalQueueLocator } from '../shared/delivery/queue-locator';
import { SchedulerScheduleControl } from '../shared/delivery/scheduler-schedule-control';
import { SqsDeadLetters } from '../shared/delivery/sqs-dead-letters';
import { SqsEnqueuer } from '../shared/delivery/sqs-enqueuer';
import { appHealthChecks } from '../shared/health/app-health-checks';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { dynamoDbApiStores } from '../shared/stores/dynamodb/dynamodb-api-stores';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';
import { readWorkerEnvironment } from '../shared/worker/worker-environment';

/** The REST API function's handler, over the deployed tables, queues and schedules. */
export function apiHandler(jobs: readonly AnyJobDefinition[]) {
  const { names, tables, location, recurringScheduleGroup } = readWorkerEnvironment();
  const observability = lambdaObservability({ serviceName: 'jobs-api' });
  const dynamoDbClient = new DynamoDBClient(SDK_RETRY_SETTINGS);
  const sqsClient = new SQSClient(SDK_RETRY_SETTINGS);
  const queues = conventionalQueueLocator({ names, location });
  const api = createApi({
    jobs,
    ...dynamoDbApiStores(dynamoDbClient, tables),
    enqueuer: new SqsEnqueuer({ sqsClient, queues }),
    deadLetters: new SqsDeadLetters({ sqsClient, queues }),
    healthChecks: appHealthChecks({ dynamoDbClient, sqsClient, tables, queues }),
    ...(recurringScheduleGroup && {
      scheduleControl: SchedulerScheduleControl.ofApp(recurringScheduleGroup, names),
    }),
    logger: observability.logger,
  });
  return lambdaHandler(apiGatewayHandler(api), observability);
}
