// The public entry of the runtime: what job files and the Lambda handlers import. It must stay
// free of CDK, esbuild and file-system code, since it is bundled into every function.

export { systemClock } from './clock/system-clock';
export {
  type DefinitionIssue,
  type DiscoveryProblem,
  EnqueueError,
  type InputIssue,
  InputValidationError,
  JobDefinitionError,
  JobDiscoveryError,
  JobsError,
  JobTimeoutError,
  NonRetriableError,
  RunCancelledError,
  ScheduleExpressionError,
  UnknownJobError,
} from './errors';
export { mayStartAttempt } from './executor/attempt-claim';
export type {
  Execution,
  ExecutionError,
  ExecutionStatus,
  SkipReason,
  Trigger,
} from './executor/execution';
export { TRIGGERS } from './executor/execution';
export { createExecutor, type Executor, type ExecutorDependencies } from './executor/executor';
export { JobRegistry } from './executor/job-registry';
export { newRunId, runIdForKey } from './executor/run-id';
export type { RunRequest } from './executor/run-request';
export type { ExecuteOptions } from './executor/run-state';
export { defineJob, withJobName } from './job/define-job';
export {
  type AlertRules,
  type AnyJobDefinition,
  type AnyNamedJobDefinition,
  type Duration,
  type EnqueueOptions,
  type InputOf,
  isJobDefinition,
  type JobContext,
  type JobDefinition,
  type JobOptions,
  type NamedJobDefinition,
  type OverlapPolicy,
  QUEUE_CLASSES,
  type QueueClass,
} from './job/job-definition';
export { jobNameFromFile, jobNameProblem } from './job/job-name';
export { JobResult } from './job/job-result';
export type { StandardSchemaV1 } from './job/standard-schema';
export { silentLogger } from './logging/silent-logger';
export type { Clock, Timer } from './ports/clock';
export type { EnqueuedRun, Enqueuer } from './ports/enqueuer';
export type { ClaimResult, ExecutionStore } from './ports/execution-store';
export type { JobState, JobStateStore, OverlapLock } from './ports/job-state-store';
export type { LogAttributes, Logger } from './ports/logger';
export {
  type NextFireTimesOptions,
  ScheduleExpression,
  type ScheduleSpec,
} from './schedule/schedule-expression';
export { isValidTimeZone } from './schedule/time-zone';
export { InMemoryExecutionStore } from './stores/in-memory-execution-store';
export { InMemoryJobStateStore } from './stores/in-memory-job-state-store';
