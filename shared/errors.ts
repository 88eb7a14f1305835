import type { Execution } from './executor/execution';
import { closestName } from './support/closest-name';

/**
 * The base of every error this project throws on purpose. Each subclass sets a stable `name`, so
 * callers (and execution history) can tell them apart without `instanceof` across bundles.
 */
export class JobsError extends Error {
  override name = 'JobsError';
}

/** One problem with one field of a job definition. */
export interface DefinitionIssue {
  /** The option's path, such as `schedule.cron` or `retries`. */
  readonly field: string;
  readonly message: string;
}

/** A job definition that cannot be deployed or run; lists every problem found, not only the first. */
export class JobDefinitionError extends JobsError {
  override name = 'JobDefinitionError';

  constructor(
    readonly jobName: string | undefined,
    readonly issues: readonly DefinitionIssue[],
  ) {
    const subject = jobName ? `job "${jobName}"` : 'a job without a name';
    const lines = issues.map((issue) => `  - ${issue.field}: ${issue.message}`);
    super(`Invalid definition of ${subject}:\n${lines.join('\n')}`);
  }
}

/** A schedule expression that EventBridge Scheduler would reject, with how to write it instead. */
export class ScheduleExpressionError extends JobsError {
  override name = 'ScheduleExpressionError';

  constructor(
    readonly expression: string,
    readonly reason: string,
    /** The schedule option at fault (`cron`, `rate`, `at` or `timezone`), when known. */
    readonly field?: string,
  ) {
    super(`"${expression}" is not a valid schedule: ${reason}`);
  }
}

/** One file that discovery could not turn into a job. */
export interface DiscoveryProblem {
  /** The job file, relative to the project root. */
  readonly file: string;
  readonly message: string;
}

/** The set of job files is not valid as a whole (a bad file, a duplicate name...). */
export class JobDiscoveryError extends JobsError {
  override name = 'JobDiscoveryError';

  constructor(readonly problems: readonly DiscoveryProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((problem) => `  ${problem.file}: ${indent(problem.message)}`);
    super(`Job discovery found ${count}:\n${lines.join('\n')}`);
  }
}

/** A job name that no definition has. */
export class UnknownJobError extends JobsError {
  override name = 'UnknownJobError';

  constructor(
    readonly jobName: string,
    knownNames: readonly string[],
  ) {
    const suggestion = closestName(jobName, knownNames);
    const hint = suggestion
      ? ` Did you mean "${suggestion}"?`
      : knownNames.length > 0
        ? ` Known jobs: ${knownNames.slice(0, 20).join(', ')}${knownNames.length > 20 ? ', ...' : ''}.`
        : ' No jobs are defined.';
    super(`There is no job named "${jobName}".${hint}`);
  }
}

/** One field of a run's input that failed the job's schema. */
export interface InputIssue {
  /** Path into the input, such as `input.customer.email`; `input` for the whole value. */
  readonly path: string;
  readonly message: string;
}

/** A run's input failed the job's `input` schema; the run is rejected before the body starts. */
export class InputValidationError extends JobsError {
  override name = 'InputValidationError';

  constructor(
    readonly jobName: string,
    readonly issues: readonly InputIssue[],
  ) {
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    super(`Input for job "${jobName}" is invalid: ${lines.join('; ')}`);
  }
}

/** A run did not finish within its job's timeout. */
export class JobTimeoutError extends JobsError {
  override name = 'JobTimeoutError';

  constructor(
    readonly jobName: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Job "${jobName}" did not finish within ${formatMs(timeoutMs)}; ` +
        'stop work when ctx.signal aborts, or raise the job\'s "timeout".',
    );
  }
}

/** A run was stopped from outside (shutdown, cancellation) before it finished. */
export class RunCancelledError extends JobsError {
  override name = 'RunCancelledError';

  constructor(
    message: string,
    /** Who cancelled it, when someone did; absent for a shutdown, whose run is retried. */
    readonly cancelledBy?: string,
  ) {
    super(message);
  }
}

/**
 * A delivery found an earlier attempt's body of its run still running in this process (it
 * ignored its signal): its own attempt must wait, so it is left for a later delivery.
 */
export class RunBusyError extends JobsError {
  override name = 'RunBusyError';
}

/**
 * Throw this from a job to fail the run without retrying it: the error is permanent (bad data,
 * a missing record) and another attempt would fail the same way.
 */
export class NonRetriableError extends JobsError {
  override name = 'NonRetriableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An `enqueue` call that cannot be sent as written. */
export class EnqueueError extends JobsError {
  override name = 'EnqueueError';
}

/** A DynamoDB table a store needs does not exist where the store looked for it. */
export class MissingTableError extends JobsError {
  override name = 'MissingTableError';

  constructor(
    readonly tableName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `DynamoDB table "${tableName}" does not exist in this account and region. ` +
        "Deploy the app (npx cdk deploy), or check the table name in the function's environment.",
      options,
    );
  }
}

/**
 * History could not be written, even after retries. Carries what was to be written, so that the
 * outcome can be logged whole and replayed rather than lost.
 */
export class HistoryWriteError extends JobsError {
  override name = 'HistoryWriteError';

  constructor(
    readonly operation: 'start' | 'complete' | 'record',
    readonly execution: Execution,
    options: { cause: unknown },
  ) {
    super(
      `Could not ${operation} history for a run: ${(options.cause as Error)?.message ?? String(options.cause)}`,
      options,
    );
  }
}

/** A message or event that is not a run message; says what was wrong and what to send. */
export class InvalidRunMessageError extends JobsError {
  override name = 'InvalidRunMessageError';
}

/**
 * A run that cannot be sent as asked: its message would break a limit of the queue or of
 * history (a number DynamoDB cannot store, nesting too deep, a key or the whole message too
 * long). Each issue names the field, its size and the limit. Thrown before anything is sent.
 */
export class InvalidRunRequestError extends JobsError {
  override name = 'InvalidRunRequestError';

  constructor(
    readonly jobName: string,
    readonly issues: readonly InputIssue[],
  ) {
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    super(`A run of job "${jobName}" cannot be sent: ${lines.join('; ')}`);
  }
}

/**
 * History refused a record as it is (a ValidationException from DynamoDB, a value the document
 * client cannot marshal): trying the same write again cannot succeed.
 */
export class UnstorableRecordError extends JobsError {
  override name = 'UnstorableRecordError';

  constructor(
    readonly write: string,
    options: { cause: unknown },
  ) {
    const cause = options.cause;
    super(
      `History refused the record of ${write} as it is (${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}); trying again cannot store it`,
      options,
    );
  }
}

/** A run that history does not have. */
export class RunNotFoundError extends JobsError {
  override name = 'RunNotFoundError';

  constructor(
    readonly jobName: string,
    readonly runId: string,
  ) {
    super(`Job "${jobName}" has no run "${runId}"; list its runs to find the id.`);
  }
}

/** A request that the run's current state does not allow, such as retrying a run that succeeded. */
export class RunStateConflictError extends JobsError {
  override name = 'RunStateConflictError';
}

/** A page request that cannot be served: a cursor from elsewhere, or a limit out of range. */
export class InvalidCursorError extends JobsError {
  override name = 'InvalidCursorError';
}

function indent(text: string): string {
  return text.replaceAll('\n', '\n    ');
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** One field of an alert configuration that failed validation. */
export interface AlertConfigIssue {
  /** The field's path, such as `maxAlertsPerHour` or `emailRecipients.0`. */
  readonly field: string;
  readonly message: string;
}

/** An alert configuration that cannot be stored; lists every problem found, not only the first. */
export class AlertConfigError extends JobsError {
  override name = 'AlertConfigError';

  constructor(
    readonly jobName: string,
    readonly issues: readonly AlertConfigIssue[],
  ) {
    const lines = issues.map((issue) => `  - ${issue.field}: ${issue.message}`);
    super(`Invalid alert config for "${jobName}"; nothing was saved:\n${lines.join('\n')}`);
  }
}
