import { systemClock } from '../clock/system-clock';
import { EnqueueError, InvalidRunRequestError, NonRetriableError } from '../errors';
import type { RunRequest } from '../executor/run-request';
import type { Clock } from '../ports/clock';
import type { EnqueuedRun, Enqueuer } from '../ports/enqueuer';
import { WORKER_ENVIRONMENT } from '../worker/worker-environment';
import type { OneOffScheduler } from './one-off-scheduler';
import type { QueueLocator } from './queue-locator';
import { enqueuedRunMessageBody } from './run-message';
import type { SqsSender } from './sqs-client-on-first-use';

export interface SqsEnqueuerOptions {
  readonly sqsClient: SqsSender;
  /** Where each job's queue is. */
  readonly queues: QueueLocator;
  /** @default - the system clock */
  readonly clock?: Clock;
  /**
   * Sends runs that are due more than 15 minutes ahead, which SQS cannot delay.
   * @default - such enqueues fail with an `EnqueueError` that says what to configure
   */
  readonly oneOff?: OneOffScheduler;
}

/** The longest delay SQS holds a message for: 15 minutes. */
const MAX_SQS_DELAY_SECONDS = 900;

const MISSING_QUEUE_ERRORS = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
]);

/** SQS refusing a message for its characters, which no retry of it changes. */
const REFUSED_MESSAGE_ERRORS = new Set([
  'InvalidMessageContents',
  'AWS.SimpleQueueService.InvalidMessageContents',
]);

/**
 * Sends each run as a run message to its job's SQS queue. A run due within 15 minutes waits in
 * the queue (`DelaySeconds`); a later one is handed to the one-off scheduler.
 */
export class SqsEnqueuer implements Enqueuer {
  private readonly sqsClient: SqsSender;
  private readonly queues: QueueLocator;
  private readonly clock: Clock;
  private readonly oneOff: OneOffScheduler | undefined;

  constructor(options: SqsEnqueuerOptions) {
    this.sqsClient = options.sqsClient;
    this.queues = options.queues;
    this.clock = options.clock ?? systemClock;
    this.oneOff = options.oneOff;
  }

  /**
   * Throws EnqueueError for a delay or time it cannot honour, and NonRetriableError (caused by
   * an InvalidRunRequestError naming each field and its limit) for a run whose message the
   * queue or history could not take; nothing is sent then.
   */
  async enqueue(run: EnqueuedRun): Promise<void> {
    const { request, delaySeconds } = run;
    checkTiming(run);
    // The same gate for a run sent now, later by SQS's delay, or by a one-time schedule.
    const body = enqueuedRunMessageBody(request);
    if (
      run.at === undefined &&
      (delaySeconds === undefined || delaySeconds <= MAX_SQS_DELAY_SECONDS)
    ) {
      return this.send(request, body, delaySeconds);
    }
    const now = this.clock.now();
    const at = run.at ?? new Date(now + (delaySeconds ?? 0) * 1000);
    const delayMs = at.getTime() - now;
    if (delayMs <= MAX_SQS_DELAY_SECONDS * 1000) {
      return this.send(request, body, Math.max(0, delayMs / 1000));
    }
    if (!this.oneOff) {
      throw new EnqueueError(
        `Cannot enqueue job "${request.jobName}" for ${at.toISOString()}: SQS delays a message by at most 15 minutes, and later runs need EventBridge Scheduler, which is not configured. Set ${WORKER_ENVIRONMENT.scheduleGroup} and ${WORKER_ENVIRONMENT.schedulerRoleArn} (the CDK stack sets them), or pass a oneOffScheduler to createWorker; or enqueue within 15 minutes.`,
      );
    }
    await this.oneOff.schedule({ request, at });
  }

  private async send(
    request: RunRequest,
    body: string,
    delaySeconds: number | undefined,
  ): Promise<void> {
    const queue = this.queues.queueFor(request.jobName);
    try {
      const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
      await this.sqsClient.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: body,
          ...(delaySeconds !== undefined ? { DelaySeconds: Math.ceil(delaySeconds) } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof Error && MISSING_QUEUE_ERRORS.has(error.name)) {
        throw new EnqueueError(
          `Cannot enqueue job "${request.jobName}": its queue ${queue.url} does not exist. Deploy the app (npx cdk deploy) so that the job has its queue, or check the job name.`,
          { cause: error },
        );
      }
      if (error instanceof Error && REFUSED_MESSAGE_ERRORS.has(error.name)) {
        // The gate escapes what SQS documents it refuses; this is a queue that refuses more.
        const refused = new InvalidRunRequestError(request.jobName, [
          { path: 'message', message: `the queue refused it: ${error.message}` },
        ]);
        throw new NonRetriableError(refused.message, { cause: refused });
      }
      throw error;
    }
  }
}

function checkTiming(run: EnqueuedRun): void {
  const { request, delaySeconds, at } = run;
  if (at !== undefined && Number.isNaN(at.getTime())) {
    throw new EnqueueError(`Cannot enqueue job "${request.jobName}": "at" is an invalid date`);
  }
  if (delaySeconds !== undefined && at !== undefined) {
    throw new EnqueueError(
      `Cannot enqueue job "${request.jobName}" with both delaySeconds (${delaySeconds}) and at (${at.toISOString()}); give one`,
    );
  }
  if (delaySeconds !== undefined && !(Number.isFinite(delaySeconds) && delaySeconds >= 0)) {
    throw new EnqueueError(
      `Cannot enqueue job "${request.jobName}": delaySeconds must be a number of seconds, 0 or more, got ${delaySeconds}`,
    );
  }
}
