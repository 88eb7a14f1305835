import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerScheduleControl } from '../shared/delivery/scheduler-schedule-control';
import { createCustomResourceHandler } from '../shared/deploy/custom-resource';
import { type KeepPausedPorts, keepPausedSchedules } from '../shared/deploy/keep-paused-schedules';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { DynamoDbJobStateStore } from '../shared/stores/dynamodb/dynamodb-job-state-store';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';
import { readWorkerEnvironment } from '../shared/worker/worker-environment';

/**
 * The function each shard stack's KeepPausedSchedules resource calls after its schedules
 * change in a deploy: it switches paused jobs' schedules off again, from the job-state table.
 */
export function keepPausedHandler() {
  const observability = lambdaObservability({ serviceName: 'jobs-keep-paused' });
  // Built on the first event, inside the step, so that a broken environment is logged and
  // CloudFormation still gets its answer rather than waiting out the resource's timeout.
  const ports = (): KeepPausedPorts => {
    const { names, tables } = readWorkerEnvironment();
    return {
      jobStateStore: new DynamoDbJobStateStore({
        client: new DynamoDBClient(SDK_RETRY_SETTINGS),
        tableName: tables.jobState,
      }),
      scheduleControl: SchedulerScheduleControl.ofApp(names.scheduleGroup, names),
    };
  };
  const { logger } = observability;
  const handler = createCustomResourceHandler({
    work: keepPausedSchedules(ports, { logger }),
    logger,
  });
  return lambdaHandler(handler, observability);
}
