// What a job file imports: defineJob, JobResult, the errors a job throws or meets, and the types
// of a definition, its context, its schedule and its runs. It is bundled with every job, so it
// stays free of CDK, esbuild and file-system code, and of the REST API (#shared/api) and the
// runtime's wiring (executor, stores, delivery), which their users import by path.

export {
  type DefinitionIssue,
  EnqueueError,
  type InputIssue,
  InputValidationError,
  JobDefinitionError,
  JobsError,
  JobTimeoutError,
  NonRetriableError,
  RunCancelledError,
  ScheduleExpressionError,
  UnknownJobError,
} from './errors';
export type {
  Execution,
  ExecutionError,
  ExecutionStatus,
  SkipReason,
  Trigger,
} from './executor/execution';
export { TRIGGERS } from './executor/execution';
export { defineJob } from './job/define-job';
export type { DeploymentStrategy } from './job/deployment';
export type {
  AlertRules,
  AnyJobDefinition,
  Duration,
  EnqueueOptions,
  InputOf,
  JobContext,
  JobDefinition,
  JobOptions,
  NamedJobDefinition,
  OverlapPolicy,
  QueueClass,
} from './job/job-definition';
export { QUEUE_CLASSES } from './job/job-definition';
export { JobResult } from './job/job-result';
export type { StandardSchemaV1 } from './job/standard-schema';
export type { LogAttributes, Logger } from './ports/logger';
export {
  type NextFireTimesOptions,
  ScheduleExpression,
  type ScheduleSpec,
} from './schedule/schedule-expression';
