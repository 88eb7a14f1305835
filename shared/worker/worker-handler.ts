import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  Context,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { queueUrlFromArn } from '../delivery/queue-locator';
import { parseRunMessage, type RunMessage, runRequestFrom } from '../delivery/run-message';
import { HistoryWriteError, InvalidRunMessageError } from '../errors';
import type { Execution } from '../executor/execution';
import type { Executor } from '../executor/executor';
import { historyReplayOf } from '../executor/history-writes';
import { runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import { silentLogger } from '../logging/silent-logger';
import type { Logger } from '../ports/logger';
import { type RetryBackoffOptions, retryDelaySeconds } from './retry-backoff';

export interface WorkerDependencies {
  readonly executor: Executor;
  /** Changes the visibility of messages to retry after a backoff, or to dead-letter at once. */
  readonly sqsClient: SQSClient;
  /** @default - the queue's URL on AWS, built from the record's `eventSourceARN` */
  readonly queueUrlForArn?: (arn: string) => string;
  readonly backoff?: RetryBackoffOptions;
  /** @default - a logger that drops everything */
  readonly logger?: Logger;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /**
   * Aborts the runs in flight, which are recorded as `cancelled` and left on their queue for
   * another delivery: the local runtime's graceful shutdown. @default - never aborted
   */
  readonly shutdown?: AbortSignal;
}

/** What a direct invocation (the Lambda console's test event) carries. */
export type DirectInvocation = RunMessage;

export type WorkerEvent = SQSEvent | DirectInvocation;

export type WorkerHandler = {
  (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse>;
  (
    event: DirectInvocation,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<Execution>;
  (
    event: WorkerEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse | Execution>;
};

/** How one message's delivery ended, for SQS. */
type Disposition =
  | { readonly kind: 'done' }
  /** Left on the queue, visible again after `visibilitySeconds` (the queue's own timeout if absent). */
  | { readonly kind: 'again'; readonly visibilitySeconds?: number };

// For a message without a run id, key, or tick: its redeliveries share one run, by message id.
const MESSAGE_KEY_PREFIX = 'sqs-message:';
const UNREADABLE_JOB = '_unreadable-message';

/**
 * The worker Lambda's handler. An SQS batch: each message is a run request, run through the
 * executor; failures are reported per message, so one does not retry the others. A failed
 * attempt with retries left comes back after an exponential backoff; a message that can never
 * run (rejected) or whose last attempt failed comes back at once, so that SQS moves it to the
 * dead-letter queue when its receive count passes the limit. A direct invocation
 * (`{ "job": ..., "input": ... }`) runs once and returns its execution.
 */
export function createWorkerHandler(dependencies: WorkerDependencies): WorkerHandler {
  const logger = dependencies.logger ?? silentLogger;
  const now = dependencies.now ?? Date.now;
  const queueUrlForArn = dependencies.queueUrlForArn ?? ((arn: string) => queueUrlFromArn(arn));
  const { executor } = dependencies;
  const soleJob = executor.jobs.names().length === 1 ? executor.jobs.names()[0] : undefined;

  const executeOptions = (deadline: number | undefined) => ({
    ...(deadline !== undefined ? { deadline } : {}),
    ...(dependencies.shutdown ? { signal: dependencies.shutdown } : {}),
  });
  const processRecord = async (record: SQSRecord, deadline?: number): Promise<Disposition> => {
    const attempt = attemptOf(record);
    const parsed = parseRunMessage(record.body);
    const context = { messageId: record.messageId, attempt };
    try {
      if (!parsed.ok) {
        const jobName = parsed.job ?? soleJob ?? UNREADABLE_JOB;
        const rejected = await executor.reject(
          {
            jobName,
            trigger: 'manual',
            attempt,
            runId: runIdForKey(jobName, `${MESSAGE_KEY_PREFIX}${record.messageId}`),
            triggeredBy: 'sqs',
          },
          new InvalidRunMessageError(parsed.reason),
        );
        logger.warn('Rejected a message that is not a run request', {
          ...context,
          runId: rejected.runId,
          reason: parsed.reason,
        });
        return { kind: 'again', visibilitySeconds: 0 };
      }
      const request = requestFor(parsed.message, record, attempt);
      const execution = await executor.execute(request, executeOptions(deadline));
      return dispositionOf(execution, dependencies.backoff);
    } catch (error) {
      if (error instanceof HistoryWriteError) {
        // One structured line with the whole outcome, to replay with replayHistoryWrite().
        logger.error('History write failed after retries; the message is left for redelivery', {
          ...context,
          replay: historyReplayOf(error),
          error: describe(error.cause),
        });
      } else {
        logger.error('Message could not be processed; it is left for redelivery', {
          ...context,
          error: describe(error),
        });
      }
      return { kind: 'again' };
    }
  };

  const handleBatch = async (
    event: SQSEvent,
    deadline: number | undefined,
  ): Promise<SQSBatchResponse> => {
    const dispositions = await Promise.all(
      event.Records.map((record) => processRecord(record, deadline)),
    );
    const failures: SQSBatchItemFailure[] = [];
    const visibility: { record: SQSRecord; seconds: number }[] = [];
    event.Records.forEach((record, index) => {
      const disposition = dispositions[index];
      if (!disposition || disposition.kind === 'done') return;
      failures.push({ itemIdentifier: record.messageId });
      if (disposition.visibilitySeconds !== undefined) {
        visibility.push({ record, seconds: disposition.visibilitySeconds });
      }
    });
    await changeVisibility(dependencies.sqsClient, queueUrlForArn, visibility, logger);
    return { batchItemFailures: failures };
  };

  const handler = async (
    event: WorkerEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse | Execution> => {
    const deadline = context ? now() + context.getRemainingTimeInMillis() : undefined;
    if (isSqsEvent(event)) return handleBatch(event, deadline);
    const parsed = parseRunMessage(event);
    if (!parsed.ok) throw new InvalidRunMessageError(parsed.reason);
    const request = runRequestFrom(parsed.message, {
      attempt: 1,
      defaultTriggeredBy: 'lambda-invoke',
    });
    return executor.execute(request, executeOptions(deadline));
  };
  return handler as WorkerHandler;
}

function isSqsEvent(event: WorkerEvent): event is SQSEvent {
  return Array.isArray((event as SQSEvent).Records);
}

function requestFor(message: RunMessage, record: SQSRecord, attempt: number): RunRequest {
  const isTick = message.trigger === 'schedule' && message.scheduledTime !== undefined;
  const request = runRequestFrom(message, {
    attempt,
    defaultTriggeredBy: message.trigger === 'schedule' ? 'scheduler' : 'sqs',
  });
  if (message.runId !== undefined || message.idempotencyKey !== undefined || isTick) return request;
  return {
    ...request,
    runId: runIdForKey(message.job, `${MESSAGE_KEY_PREFIX}${record.messageId}`),
  };
}

/**
 * A message sent again by hand (re-driven from a dead-letter queue, or kept by the local runtime
 * across a restart) starts its receive count over; this attribute carries the deliveries it had,
 * so its next attempt is numbered after them rather than taken for a duplicate of the first.
 */
export const PRIOR_DELIVERIES_ATTRIBUTE = 'jobsPriorDeliveries';

function attemptOf(record: SQSRecord): number {
  const received = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  const prior = Number(record.messageAttributes?.[PRIOR_DELIVERIES_ATTRIBUTE]?.stringValue);
  return received + (Number.isInteger(prior) && prior > 0 ? prior : 0);
}

function dispositionOf(
  execution: Execution,
  backoff: RetryBackoffOptions | undefined,
): Disposition {
  if (execution.status === 'rejected') return { kind: 'again', visibilitySeconds: 0 };
  if (execution.willRetry) {
    return { kind: 'again', visibilitySeconds: retryDelaySeconds(execution.attempt, backoff) };
  }
  const failed =
    execution.status === 'failed' ||
    execution.status === 'timed_out' ||
    execution.status === 'cancelled';
  // Retries used up: back at once, so that the next receive moves it to the dead-letter queue.
  // A failure that said not to retry (NonRetriableError) before then is done: history has it.
  if (failed && execution.attempt >= execution.maxAttempts) {
    return { kind: 'again', visibilitySeconds: 0 };
  }
  return { kind: 'done' };
}

async function changeVisibility(
  sqsClient: SQSClient,
  queueUrlForArn: (arn: string) => string,
  changes: readonly { record: SQSRecord; seconds: number }[],
  logger: Logger,
): Promise<void> {
  const byQueue = new Map<string, ChangeMessageVisibilityBatchRequestEntry[]>();
  for (const { record, seconds } of changes) {
    const url = queueUrlForArn(record.eventSourceARN);
    const entries = byQueue.get(url) ?? [];
    entries.push({
      Id: String(entries.length),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: seconds,
    });
    byQueue.set(url, entries);
  }
  const calls: Promise<void>[] = [];
  for (const [url, entries] of byQueue) {
    for (let start = 0; start < entries.length; start += 10) {
      const chunk = entries.slice(start, start + 10);
      calls.push(
        sqsClient
          .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: chunk }))
          .then((result) => {
            for (const failure of result.Failed ?? []) {
              logger.warn(
                'Could not change a message’s visibility; it returns after the queue’s timeout',
                {
                  queueUrl: url,
                  code: failure.Code,
                  reason: failure.Message,
                },
              );
            }
          })
          // The message is still retried, only later: after the queue's visibility timeout.
          .catch((error: unknown) => {
            logger.warn(
              'Could not change messages’ visibility; they return after the queue’s timeout',
              {
                queueUrl: url,
                error: describe(error),
              },
            );
          }),
      );
    }
  }
  await Promise.all(calls);
}

function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}
