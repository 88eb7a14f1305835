/** What started a run. */
export type Trigger = 'schedule' | 'manual' | 'api' | 'enqueue' | 'retry';

export const TRIGGERS: readonly Trigger[] = ['schedule', 'manual', 'api', 'enqueue', 'retry'];

/**
 * `running` until the attempt ends; `skipped` for a run that was not due to run (paused,
 * overlapping, a duplicate delivery); `rejected` for a request that can never run (unknown job,
 * input that fails the schema); `missed` for a schedule tick that no run started within the
 * tolerance (see shared/sweep/missed-runs.ts), which the tick's delivery replaces should it still
 * come.
 */
export type ExecutionStatus =
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'cancelled'
  | 'skipped'
  | 'rejected'
  | 'missed';

export type SkipReason = 'paused' | 'overlap' | 'duplicate';

/** An error as history keeps it. */
export interface ExecutionError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: ExecutionError;
}

/** One attempt of one run, as history records it. */
export interface Execution {
  readonly jobName: string;
  readonly runId: string;
  /** 1 for the first attempt; retries count up to `maxAttempts`. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly trigger: Trigger;
  /** Who or what asked for the run: an IAM principal, a local user, `scheduler`, `job:<name>`. */
  readonly triggeredBy?: string;
  /** ISO time the schedule tick was due, for schedule triggers. */
  readonly scheduledTime?: string;
  readonly idempotencyKey?: string;
  readonly status: ExecutionStatus;
  readonly startedAt: string;
  readonly completedAt?: string;
  readonly durationMs?: number;
  readonly message?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly error?: ExecutionError;
  /** The input as it was sent, so a failed run can be retried with it. */
  readonly input?: unknown;
  /** The code that ran: the Lambda function version, or `local`/`test`. */
  readonly codeVersion?: string;
  readonly memoryUsedMb?: number;
  /** Whether another attempt of this run follows this failed one. */
  readonly willRetry?: boolean;
  /**
   * While `willRetry`: by when the retry's delivery must have come (see `retryDeadline`). A run
   * still waiting for it then lost its message, and the sweep ends it with this attempt.
   */
  readonly retryBy?: string;
  readonly skipReason?: SkipReason;
  /** For an attempt someone cancelled (`POST …/cancel`): who. It is not retried. */
  readonly cancelledBy?: string;
  /** For a duplicate delivery: the run it duplicated. */
  readonly duplicateOf?: string;
  /** For a `retry` trigger: the run being retried. */
  readonly retryOf?: string;
  /** For runs enqueued by another job: that job and run. */
  readonly parent?: { readonly jobName: string; readonly runId: string };
  /** While `running`: when a crashed attempt may be taken over by a redelivery. */
  readonly leaseExpiresAt?: string;
  /**
   * Fields that history shortened or dropped to keep the record within DynamoDB's 400 KB item
   * limit, such as `error.stack` or `input`.
   */
  readonly truncated?: readonly string[];
}

/** `T` with its readonly fields made assignable, for code that builds a record field by field. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };
