// The public entry of the runtime: what job files and the Lambda handlers import. It must stay
// free of CDK, esbuild and file-system code, since it is bundled into every function.

export {
  type AlertConfig,
  type AlertConfigInput,
  alertConfigSchema,
  DEFAULT_ALERT_CONFIG_KEY,
} from './alerts/alert-config';
export { systemClock } from './clock/system-clock';
export {
  applyInitialPauseStates,
  effectiveJobState,
  PAUSED_BY_DEFINITION,
  type PausableJob,
} from './control/initial-pause-states';
export { JobControl, type JobControlOptions, type PauseResult } from './control/job-control';
export { RunTrigger, type RunTriggerOptions, type TriggerOptions } from './control/run-trigger';
export {
  type ParsedRunMessage,
  parseRunMessage,
  type RunMessage,
  runMessageFor,
  runRequestFrom,
} from './delivery/run-message';
export {
  AlertConfigError,
  type AlertConfigIssue,
  type DefinitionIssue,
  type DiscoveryProblem,
  EnqueueError,
  HistoryWriteError,
  type InputIssue,
  InputValidationError,
  InvalidCursorError,
  InvalidRunMessageError,
  JobDefinitionError,
  JobDiscoveryError,
  JobsError,
  JobTimeoutError,
  MissingTableError,
  NonRetriableError,
  RunCancelledError,
  RunNotFoundError,
  RunStateConflictError,
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
export { type HistoryReplay, replayHistoryWrite } from './executor/history-writes';
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
export type { AlertConfigStore, EffectiveAlertConfig } from './ports/alert-config-store';
export type { Clock, Timer } from './ports/clock';
export type { EnqueuedRun, Enqueuer } from './ports/enqueuer';
export type { ExecutionHistory, Page, PageRequest } from './ports/execution-history';
export type { ClaimResult, ExecutionStore } from './ports/execution-store';
export type {
  JobState,
  JobStateStore,
  OverlapLock,
  StoredJobState,
} from './ports/job-state-store';
export type { LogAttributes, Logger } from './ports/logger';
export type { ScheduleControl } from './ports/schedule-control';
export {
  type NextFireTimesOptions,
  ScheduleExpression,
  type ScheduleSpec,
} from './schedule/schedule-expression';
export { isValidTimeZone } from './schedule/time-zone';
export { CachedJobStateStore } from './stores/cached-job-state-store';
export { InMemoryAlertConfigStore } from './stores/in-memory-alert-config-store';
export { InMemoryExecutionStore } from './stores/in-memory-execution-store';
export { InMemoryJobStateStore } from './stores/in-memory-job-state-store';
export {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  TABLES,
  type TableDefinition,
  type TableNames,
} from './tables/table-definitions';

// The REST API, for the API Lambda and the local runtime's HTTP server.

export {
  type ApiDependencies,
  type ApiErrorBody,
  type ApiErrorCode,
  type ApiGatewayHandler,
  type ApiHandler,
  type ApiRequest,
  type ApiResponse,
  apiGatewayHandler,
  apiRequestFromEvent,
  createApiHandler,
  type JobDetails,
  type JobSummary,
  type RunDetails,
  type RunsPage,
} from './api/index';
