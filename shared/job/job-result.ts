// A registry symbol, so results made by another copy of this module (a second bundle) still count.
const JOB_RESULT = Symbol.for('serverless-jobs.JobResult');

/**
 * What a job's `run` returns. A failure result counts as a failed attempt, exactly like a thrown
 * error: it is retried until the job's `retries` run out.
 *
 * @example
 * return JobResult.success(`Sent ${count} emails`).withMetadata('count', count);
 */
export class JobResult {
  readonly [JOB_RESULT] = true;

  private constructor(
    readonly succeeded: boolean,
    readonly message: string | undefined,
    readonly error: unknown,
    readonly metadata: Readonly<Record<string, unknown>>,
  ) {}

  /** The run did its work. */
  static success(message?: string): JobResult {
    return new JobResult(true, message, undefined, {});
  }

  /** The run failed; `error`, when given, is kept in history with its stack. */
  static failure(message: string, error?: unknown): JobResult {
    if (typeof message !== 'string' || message.trim() === '') {
      throw new TypeError('JobResult.failure needs a message that says what failed');
    }
    return new JobResult(false, message, error, {});
  }

  /** A copy of this result with `key` set in its metadata (kept in history; JSON values only). */
  withMetadata(key: string, value: unknown): JobResult {
    if (typeof key !== 'string' || key === '') {
      throw new TypeError('JobResult.withMetadata needs a non-empty key');
    }
    return new JobResult(this.succeeded, this.message, this.error, {
      ...this.metadata,
      [key]: value,
    });
  }

  static isJobResult(value: unknown): value is JobResult {
    return typeof value === 'object' && value !== null && JOB_RESULT in value;
  }
}
