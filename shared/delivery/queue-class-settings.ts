import type { QueueClass } from '../job/job-definition';

/**
 * How each queue class is consumed: the batch, and how far workers may scale out. Deployed, the
 * event source mapping takes these; locally, the queue pollers do.
 */
export const QUEUE_CLASS_SETTINGS: Readonly<
  Record<
    QueueClass,
    {
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds?: number;
      readonly maxConcurrency: number;
    }
  >
> = {
  critical: { batchSize: 1, maxConcurrency: 50 },
  default: { batchSize: 10, maxConcurrency: 10 },
  batch: { batchSize: 10, maxBatchingWindowSeconds: 5, maxConcurrency: 2 },
};

/**
 * A job queue's visibility timeout, in worker function timeouts: a message a worker received
 * and did not finish with (it crashed, or could not change the message's visibility) comes back
 * this long after it was received. AWS advises at least 6 for queues that feed Lambda.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Time a worker function has beyond the job's timeout, to record the outcome. */
export const RECORDING_MARGIN_SECONDS = 10;
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** The worker function's timeout for a job's timeout, as deployed. */
export function functionTimeoutSeconds(jobTimeoutSeconds: number): number {
  return Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, jobTimeoutSeconds + RECORDING_MARGIN_SECONDS);
}

/**
 * Receives of a message that ran no attempt, which a job's queue allows beyond one receive per
 * attempt: a throttled invocation, a crash while the function starts, a batch that timed out
 * before reaching the message. AWS advises a receive limit of at least 5 for queues that feed
 * Lambda; with this, a job with no retries gets exactly 5.
 */
export const RECEIVE_HEADROOM = 4;

/**
 * The queue's receive limit (`maxReceiveCount`) for a job: a safety net only. The worker numbers
 * attempts from the run's history and moves a run to the dead-letter queue itself once its
 * retries are spent, so SQS's own redrive moves only messages that kept crashing the worker.
 */
export function maxReceiveCountFor(retries: number): number {
  return retries + 1 + RECEIVE_HEADROOM;
}
