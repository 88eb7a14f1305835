import type { RunRequest } from '../executor/run-request';

/** A run request on its way to the target job's queue. */
export interface EnqueuedRun {
  readonly request: RunRequest;
  /** Seconds to wait before the run becomes visible to the worker. */
  readonly delaySeconds?: number;
  /** A time to run at, for delays beyond what the queue can hold. */
  readonly at?: Date;
}

/** Sends run requests to jobs' queues (SQS in production). */
export interface Enqueuer {
  enqueue(run: EnqueuedRun): Promise<void>;
}
