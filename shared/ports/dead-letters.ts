/** A run's message in its job's dead-letter queue, as an operator reads it. */
export interface DeadLetter {
  /** SQS's id of the message, to redrive it by. */
  readonly messageId: string;
  /** The run it was, when known. */
  readonly runId?: string;
  /**
   * ISO time the message was sent: to the dead-letter queue by the worker, or first sent, for
   * one SQS moved there (SQS keeps a moved message's timestamp).
   */
  readonly sentAt: string;
  /** Why it is there: the worker's reason, or that SQS moved it after too many deliveries. */
  readonly reason: string;
  /** The run's input, as the message carries it. */
  readonly input?: unknown;
  /** For a message that is not a run message: its body as it is. */
  readonly body?: string;
}

export interface DeadLetterList {
  readonly deadLetters: readonly DeadLetter[];
  /** SQS's approximate count of the queue's messages (listed or not). */
  readonly approximateCount: number;
}

/** A dead letter sent back to its job's queue, and the new run it starts there. */
export interface Redriven {
  readonly messageId: string;
  /** The run the worker starts for it, which retries the dead-lettered run. */
  readonly runId: string;
  readonly retryOf?: string;
}

export interface RedriveResult {
  readonly redriven: readonly Redriven[];
  /** Ids asked for that the queue did not hold. */
  readonly notFound: readonly string[];
  /** Messages SQS would not take back, left in the dead-letter queue, with why. */
  readonly failed?: readonly { readonly messageId: string; readonly reason: string }[];
  /** True when one redrive's share was sent and more remain: redrive again. */
  readonly more?: boolean;
}

/** Each job's dead-letter queue, read and sent back. */
export interface DeadLetters {
  /** Up to `limit` of the job's dead letters, oldest first as SQS hands them out. */
  list(jobName: string, options?: { readonly limit?: number }): Promise<DeadLetterList>;
  /**
   * Sends the chosen dead letters (all, when no ids are given) back to the job's queue: those it
   * held when the redrive began, not the ones that fail again meanwhile and come back.
   */
  redrive(
    jobName: string,
    options?: { readonly messageIds?: readonly string[] },
  ): Promise<RedriveResult>;
}
