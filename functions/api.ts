import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ApiGatewayHandler, apiGatewayHandler } from '../shared/api/api-gateway-adapter';
import { createApiHandler } from '../shared/api/create-api-handler';
import { JobControl } from '../shared/control/job-control';
import { RunTrigger } from '../shared/control/run-trigger';
import { conventionalQueueLocator } from '../shared/delivery/queue-locator';
import { SchedulerScheduleControl } from '../shared/delivery/scheduler-schedule-control';
import { SqsEnqueuer } from '../shared/delivery/sqs-enqueuer';
import { JobRegistry } from '../shared/executor/job-registry';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { powertoolsLogger } from '../shared/logging/powertools-logger';
import { DynamoDbAlertConfigStore } from '../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbExecutionStore } from '../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../shared/stores/dynamodb/dynamodb-job-state-store';
import { readWorkerEnvironment, WORKER_ENVIRONMENT } from '../shared/worker/worker-environment';

/**
 * The REST API Lambda's handler: the same handler the local runtime serves, over the deployed
 * tables, queues and schedules. Built once per container from the environment the CDK stack sets.
 */
export function createLambdaApi(jobDefinitions: readonly AnyJobDefinition[]): ApiGatewayHandler {
  const environment = readWorkerEnvironment();
  const jobs = JobRegistry.from(jobDefinitions);
  const dynamoDbClient = new DynamoDBClient({});
  const history = new DynamoDbExecutionStore({
    client: dynamoDbClient,
    tableName: environment.tables.executions,
  });
  const jobStateStore = new DynamoDbJobStateStore({
    client: dynamoDbClient,
    tableName: environment.tables.jobState,
  });
  const alertConfigStore = new DynamoDbAlertConfigStore({
    client: dynamoDbClient,
    tableName: environment.tables.alertConfig,
  });
  const logger = powertoolsLogger(new Logger({ serviceName: 'jobs-api' }));
  const scheduleGroup = process.env[WORKER_ENVIRONMENT.recurringScheduleGroup];
  const jobControl = new JobControl({
    jobs,
    jobStateStore,
    logger,
    ...(scheduleGroup
      ? {
          scheduleControl: new SchedulerScheduleControl({
            schedulerClient: new SchedulerClient({}),
            groupName: scheduleGroup,
            scheduleNameFor: (jobName) => environment.names.job(jobName),
          }),
        }
      : {}),
  });
  const runTrigger = new RunTrigger({
    jobs,
    history,
    enqueuer: new SqsEnqueuer({
      sqsClient: new SQSClient({}),
      queues: conventionalQueueLocator({
        names: environment.names,
        location: environment.location,
      }),
    }),
  });
  return apiGatewayHandler(
    createApiHandler({
      jobs,
      history,
      jobStateStore,
      jobControl,
      runTrigger,
      alertConfigStore,
      logger,
    }),
  );
}
