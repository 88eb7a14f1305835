import { systemClock } from '../clock/system-clock';
import { runMessageBody } from '../delivery/run-message';
import { RunNotFoundError, RunStateConflictError } from '../errors';
import type { JobRegistry } from '../executor/job-registry';
import { newRunId, runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import { parseJobInput } from '../job/parse-input';
import type { Clock } from '../ports/clock';
import type { Enqueuer } from '../ports/enqueuer';
import type { ExecutionStore } from '../ports/execution-store';
import { isRetryable } from './retryable';

export interface RunTriggerOptions {
  readonly jobs: JobRegistry;
  readonly enqueuer: Enqueuer;
  /** Where a run to retry is read from. */
  readonly history: Pick<ExecutionStore, 'getRun'>;
  /** @default systemClock */
  readonly clock?: Clock;
}

export interface TriggerOptions {
  readonly input?: unknown;
  /** Requests with the same key are one run, however often they are sent. */
  readonly idempotencyKey?: string | undefined;
  /** The IAM principal or local user asking. */
  readonly triggeredBy?: string;
  /** @default 'api' */
  readonly trigger?: 'api' | 'manual';
}

/**
 * "Trigger now" and "retry", for the API and the CLI: both check what they can up front (the
 * job, the input against its schema, the run's state) so that the caller hears about a mistake
 * at once, then send the same message to the job's queue as every other trigger, and answer with
 * the run id to follow.
 */
export class RunTrigger {
  private readonly options: RunTriggerOptions;
  private readonly clock: Clock;

  constructor(options: RunTriggerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Enqueues a run of `jobName`. Throws UnknownJobError, InputValidationError (with each field's
   * message) or InvalidRunRequestError (a field over a limit of the queue or of history, with
   * its size and the limit) before anything is sent: what the worker would refuse, this refuses
   * first.
   */
  async trigger(jobName: string, options: TriggerOptions = {}): Promise<{ runId: string }> {
    const job = this.options.jobs.require(jobName);
    const parsed = await parseJobInput(job, options.input);
    if (!parsed.ok) throw parsed.error;
    const { idempotencyKey, triggeredBy } = options;
    const runId =
      idempotencyKey === undefined
        ? newRunId(this.clock.now())
        : runIdForKey(job.name, idempotencyKey);
    const request: RunRequest = {
      jobName: job.name,
      trigger: options.trigger ?? 'api',
      runId,
      // As sent, not as parsed: the worker parses it again, with the job's defaults.
      ...(options.input !== undefined ? { input: options.input } : {}),
      idempotencyKey,
      triggeredBy,
    };
    runMessageBody(request);
    await this.options.enqueuer.enqueue({ request });
    return { runId };
  }

  /**
   * Enqueues a new run with the input of a run that failed for good, linked to it by `retryOf`.
   * Throws RunNotFoundError for an unknown run and RunStateConflictError for one that succeeded,
   * is still running or will be retried anyway.
   */
  async retry(
    jobName: string,
    runId: string,
    options: { readonly triggeredBy?: string } = {},
  ): Promise<{ runId: string }> {
    const job = this.options.jobs.require(jobName);
    const latest = (await this.options.history.getRun(job.name, runId)).at(-1);
    if (!latest) throw new RunNotFoundError(job.name, runId);
    if (!isRetryable(latest)) {
      const why = latest.willRetry ? 'will be retried automatically' : `is ${latest.status}`;
      throw new RunStateConflictError(
        `Run "${runId}" of job "${job.name}" ${why}; only a run that failed, timed out, was cancelled or was rejected can be retried. Trigger a new run instead.`,
      );
    }
    if (latest.truncated?.includes('input')) {
      throw new RunStateConflictError(
        `Run "${runId}" of job "${job.name}" did not keep its input (too large, or not storable as it was), so it cannot be retried as it was; trigger a new run with the input.`,
      );
    }
    const retryRunId = newRunId(this.clock.now());
    const request: RunRequest = {
      jobName: job.name,
      trigger: 'retry',
      runId: retryRunId,
      retryOf: runId,
      ...(latest.input !== undefined ? { input: latest.input } : {}),
      triggeredBy: options.triggeredBy,
    };
    runMessageBody(request);
    await this.options.enqueuer.enqueue({ request });
    return { runId: retryRunId };
  }
}
