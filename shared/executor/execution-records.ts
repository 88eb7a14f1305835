import { unstorableValueIssue } from '../delivery/run-limits';
import type { AnyNamedJobDefinition } from '../job/job-definition';
import { retryDeadline } from './attempt-claim';
import type { Execution, ExecutionError, ExecutionStatus, SkipReason, Writable } from './execution';
import type { RejectableRun, ResolvedRun, RunState } from './run-state';

/** The fields every record of this request shares. */
function requestFields(
  state: RunState,
  job: AnyNamedJobDefinition | undefined,
  codeVersion: string | undefined,
) {
  const { request } = state;
  return {
    jobName: request.jobName,
    runId: state.runId,
    attempt: state.attempt,
    maxAttempts: job ? job.retries + 1 : 1,
    trigger: request.trigger,
    ...(request.triggeredBy !== undefined ? { triggeredBy: request.triggeredBy } : {}),
    ...(request.scheduledTime !== undefined ? { scheduledTime: request.scheduledTime } : {}),
    ...(state.idempotencyKey !== undefined ? { idempotencyKey: state.idempotencyKey } : {}),
    ...(request.input !== undefined ? { input: request.input } : {}),
    ...(request.retryOf !== undefined ? { retryOf: request.retryOf } : {}),
    ...(request.parent !== undefined ? { parent: request.parent } : {}),
    ...(codeVersion !== undefined ? { codeVersion } : {}),
  };
}

/**
 * A request that can never run: unknown job, input the schema rejects, input history cannot
 * store (which the record then leaves out, naming it in `truncated`).
 */
export function rejectedExecution(
  state: RejectableRun,
  error: ExecutionError,
  now: number,
  codeVersion: string | undefined,
): Execution {
  return rejectionOf(requestFields(state, state.job, codeVersion), error, now);
}

/**
 * The rejection of an attempt whose claim history refused: it never ran, and its record keeps
 * the claim's own fields.
 */
export function rejectedClaim(running: Execution, error: ExecutionError, now: number): Execution {
  const { status: _status, startedAt: _startedAt, leaseExpiresAt: _lease, ...fields } = running;
  return rejectionOf(fields, error, now);
}

function rejectionOf(
  requested: Omit<Execution, 'status' | 'startedAt'>,
  error: ExecutionError,
  now: number,
): Execution {
  const at = new Date(now).toISOString();
  const { input, ...fields } = requested;
  const storable = input === undefined || unstorableValueIssue(input) === undefined;
  return {
    ...fields,
    ...(input !== undefined && storable ? { input } : {}),
    ...(storable ? {} : { truncated: ['input'] }),
    status: 'rejected',
    startedAt: at,
    completedAt: at,
    durationMs: 0,
    message: error.message,
    error,
    willRetry: false,
  };
}

/** The record that claims an attempt and says it is under way. */
export function runningExecution(
  run: ResolvedRun,
  now: number,
  leaseMs: number,
  codeVersion: string | undefined,
): Execution {
  return {
    ...requestFields(run, run.job, codeVersion),
    status: 'running',
    startedAt: new Date(now).toISOString(),
    leaseExpiresAt: new Date(now + leaseMs).toISOString(),
  };
}

/** A delivery of an attempt that another delivery already claimed; recorded under a new run id. */
export function duplicateExecution(
  run: ResolvedRun,
  existing: Execution,
  newRunId: string,
  now: number,
  codeVersion: string | undefined,
): Execution {
  const at = new Date(now).toISOString();
  return {
    ...requestFields(run, run.job, codeVersion),
    runId: newRunId,
    status: 'skipped',
    skipReason: 'duplicate',
    duplicateOf: run.runId,
    startedAt: at,
    completedAt: at,
    durationMs: 0,
    message: `Duplicate delivery of run ${run.runId}, whose attempt ${existing.attempt} is ${existing.status}; not run again`,
    willRetry: false,
  };
}

export interface Outcome {
  readonly status: Exclude<ExecutionStatus, 'running' | 'rejected'>;
  readonly message?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly error?: ExecutionError;
  readonly skipReason?: SkipReason;
  readonly cancelledBy?: string;
  /** False for failures that another attempt cannot fix. */
  readonly retryable: boolean;
}

/** The claimed attempt with its outcome. */
export function finishedExecution(running: Execution, outcome: Outcome, now: number): Execution {
  const failed =
    outcome.status === 'failed' || outcome.status === 'timed_out' || outcome.status === 'cancelled';
  // Built by assignment rather than rest and conditional spreads: this runs once per attempt
  // and those forms cost more than the rest of the record.
  const finished: Writable<Execution> = {
    ...running,
    status: outcome.status,
    completedAt: new Date(now).toISOString(),
    durationMs: Math.max(0, now - Date.parse(running.startedAt)),
    willRetry: failed && outcome.retryable && running.attempt < running.maxAttempts,
    memoryUsedMb: peakMemoryMb(),
  };
  // The lease says how long the worker function may run, which bounds when a retry comes.
  if (finished.willRetry) finished.retryBy = retryDeadline(running, now);
  delete finished.leaseExpiresAt;
  if (outcome.message !== undefined) finished.message = outcome.message;
  if (outcome.metadata !== undefined && Object.keys(outcome.metadata).length > 0) {
    finished.metadata = outcome.metadata;
  }
  if (outcome.error !== undefined) finished.error = outcome.error;
  if (outcome.skipReason !== undefined) finished.skipReason = outcome.skipReason;
  if (outcome.cancelledBy !== undefined) finished.cancelledBy = outcome.cancelledBy;
  return finished;
}

/** The process's peak resident memory so far, as Lambda's "Max Memory Used" reports it. */
function peakMemoryMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
