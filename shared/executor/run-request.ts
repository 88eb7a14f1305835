import type { Trigger } from './execution';

/**
 * A request to run a job: the message every path (schedule tick, API, CLI, another job, the
 * test invoker) hands to the executor.
 */
export interface RunRequest {
  readonly jobName: string;
  readonly input?: unknown;
  readonly trigger: Trigger;
  /**
   * The run this request belongs to; set by whoever enqueued it so that redeliveries share it.
   * @default - derived from `idempotencyKey`, or new
   */
  readonly runId?: string | undefined;
  /** ISO time a schedule tick was due. */
  readonly scheduledTime?: string | undefined;
  /**
   * Requests with the same key (per job) are one run: a second one is recorded as a skipped
   * duplicate. Schedule ticks default to the schedule's name and scheduled time.
   */
  readonly idempotencyKey?: string | undefined;
  readonly triggeredBy?: string | undefined;
  readonly retryOf?: string | undefined;
  readonly parent?: { readonly jobName: string; readonly runId: string } | undefined;
}
