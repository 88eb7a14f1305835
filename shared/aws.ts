// The AWS side of the runtime: DynamoDB stores, SQS and Scheduler delivery, and the worker that
// ties them together. Apart from `#shared` so that a job file importing the job model does not
// reach the AWS SDK.

export {
  type OneOffRun,
  type OneOffScheduler,
  SchedulerOneOffScheduler,
} from './delivery/one-off-scheduler';
export {
  conventionalQueueLocator,
  type QueueAddress,
  type QueueLocator,
  queueUrlFromArn,
} from './delivery/queue-locator';
export { SchedulerScheduleControl } from './delivery/scheduler-schedule-control';
export { SqsEnqueuer, type SqsEnqueuerOptions } from './delivery/sqs-enqueuer';
export { powertoolsLogger } from './logging/powertools-logger';
export { DynamoDbAlertConfigStore } from './stores/dynamodb/dynamodb-alert-config-store';
export {
  DynamoDbExecutionStore,
  type DynamoDbExecutionStoreOptions,
} from './stores/dynamodb/dynamodb-execution-store';
export { DynamoDbJobStateStore } from './stores/dynamodb/dynamodb-job-state-store';
export type { WriteRetryPolicy } from './stores/dynamodb/retry-writes';
export { SDK_RETRY_SETTINGS } from './support/sdk-retry-settings';
export { createWorker, type Worker, type WorkerOptions } from './worker/create-worker';
export { type RetryBackoffOptions, retryDelaySeconds } from './worker/retry-backoff';
export {
  readWorkerEnvironment,
  WORKER_ENVIRONMENT,
  type WorkerEnvironment,
} from './worker/worker-environment';
export {
  createWorkerHandler,
  type WorkerDependencies,
  type WorkerHandler,
} from './worker/worker-handler';
