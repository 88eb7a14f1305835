import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { apiGatewayHandler } from '../shared/api/api-gateway-adapter';
import { createApi } from '../shared/api/create-api';
import { conventionalQueueLocator } from '../shared/delivery/queue-locator';
import { SchedulerScheduleControl } from '../shared/delivery/scheduler-schedule-control';
import { SqsEnqueuer } from '../shared/delivery/sqs-enqueuer';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { DynamoDbAlertConfigStore } from '../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbExecutionStore } from '../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../shared/stores/dynamodb/dynamodb-job-state-store';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';
import { readWorkerEnvironment } from '../shared/worker/worker-environment';

/** The REST API function's handler, over the deployed tables, queues and schedules. */
export function apiHandler(jobs: readonly AnyJobDefinition[]) {
  const { names, tables, location, recurringScheduleGroup } = readWorkerEnvironment();
  const observability = lambdaObservability({ serviceName: 'jobs-api' });
  const client = new DynamoDBClient(SDK_RETRY_SETTINGS);
  const queues = conventionalQueueLocator({ names, location });
  const api = createApi({
    jobs,
    history: new DynamoDbExecutionStore({ client, tableName: tables.executions }),
    jobStateStore: new DynamoDbJobStateStore({ client, tableName: tables.jobState }),
    alertConfigStore: new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig }),
    enqueuer: new SqsEnqueuer({ sqsClient: new SQSClient(SDK_RETRY_SETTINGS), queues }),
    ...(recurringScheduleGroup && {
      scheduleControl: new SchedulerScheduleControl({
        schedulerClient: new SchedulerClient(SDK_RETRY_SETTINGS),
        groupName: recurringScheduleGroup,
        scheduleNameFor: (jobName) => names.job(jobName),
      }),
    }),
    logger: observability.logger,
  });
  return lambdaHandler(apiGatewayHandler(api), observability);
}
