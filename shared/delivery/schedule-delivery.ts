/**
 * How EventBridge Scheduler retries sending a run to its job's queue, for recurring schedules
 * (the CDK stack) and one-time ones (`enqueue({ at })`) alike. Scheduler retries only failed
 * sends to SQS (throttling, a queue briefly unavailable); SQS and the worker retry the run
 * itself. A run that still cannot be sent goes to the app's Scheduler dead-letter queue, whose
 * alarm says so.
 */
export const SCHEDULE_DELIVERY_RETRY = {
  maximumRetryAttempts: 3,
  maximumEventAgeInSeconds: 3600,
} as const;
