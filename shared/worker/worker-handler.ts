import type {
  ChangeMessageVisibilityBatchRequestEntry,
  MessageAttributeValue,
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
import type { SqsSender } from '../delivery/sqs-client-on-first-use';
import { HistoryWriteError, InvalidRunMessageError, RunBusyError } from '../errors';
import type { Execution } from '../executor/execution';
import type { Executor } from '../executor/executor';
import { historyReplayOf } from '../executor/history-writes';
import { runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import { silentLogger } from '../logging/silent-logger';
import { deadLetterQueueOf, type ResourceNames } from '../naming/resource-names';
import type { Logger } from '../ports/logger';
import { DEAD_LETTER_ATTRIBUTES, REDRIVE_KEY_PREFIX } from './dead-letter-attributes';
import { type RetryBackoffOptions, retryDelaySeconds } from './retry-backoff';

export interface WorkerDependencies {
  readonly executor: Executor;
  /**
   * Changes the visibility of messages to retry after a backoff, and sends runs that are done
   * trying to their queue's dead-letter queue.
   */
  readonly sqsClient: SqsSender;
  /**
   * The app's names, which say which job a queue feeds (a message that names another job is
   * refused, and recorded under the queue's own job).
   * @default - every queue feeds the executor's only job
   */
  readonly names?: ResourceNames;
  /** @default - the queue's URL on AWS, built from its ARN */
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
  /**
   * Ends this process once a job body outlived its attempt (it ignored its signal), after the
   * worker settled the batch's messages itself. Deployed, Lambda then starts a fresh sandbox:
   * a body left pending in a frozen sandbox would otherwise resume at its next invocation.
   * @default - never: in one long-lived process, a later attempt of the run waits for the body
   */
  readonly recycle?: () => void;
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
  | { readonly kind: 'again'; readonly visibilitySeconds?: number }
  /** Moved to the queue's dead-letter queue now: the run is done trying, or can never run. */
  | { readonly kind: 'deadLetter'; readonly reason: string; readonly runId: string };

// A delivery whose run has an earlier body still running here comes back after this long.
const BUSY_RETRY_SECONDS = 30;

// For a message without a run id, key, or tick: its redeliveries share one run, by message id.
const MESSAGE_KEY_PREFIX = 'sqs-message:';
const UNREADABLE_JOB = '_unreadable-message';

// SQS allows 10 attributes a message and 256 KB in all; the reason is kept short of both.
const MAX_MESSAGE_ATTRIBUTES = 10;
const MAX_REASON_LENGTH = 1000;
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The worker Lambda's handler. An SQS batch: each message is a run request, run through the
 * executor; failures are reported per message, so one does not retry the others. Attempts are
 * numbered from the run's history, not from SQS's receive count, so a receive that ran nothing
 * (a throttle, a crash at start) costs the run no retry. A failed attempt with retries left comes
 * back after an exponential backoff. A run whose last attempt failed, or a message that can
 * never run (recorded as rejected under the queue's own job), goes to the queue's dead-letter
 * queue at once, sent there by the worker; the queue's receive limit only backs that up. A
 * direct invocation (`{ "job": ..., "input": ... }`) runs once and returns its execution.
 */
export function createWorkerHandler(dependencies: WorkerDependencies): WorkerHandler {
  const logger = dependencies.logger ?? silentLogger;
  const now = dependencies.now ?? Date.now;
  const queueUrlForArn = dependencies.queueUrlForArn ?? ((arn: string) => queueUrlFromArn(arn));
  const { executor, names } = dependencies;
  const soleJob = executor.jobs.names().length === 1 ? executor.jobs.names()[0] : undefined;
  /** The job a queue feeds: every write about its messages stays within that job's items. */
  const jobOfQueue = (queueArn: string): string | undefined =>
    names?.jobOfQueue(queueArn.slice(queueArn.lastIndexOf(':') + 1)) ?? soleJob;

  const executeOptions = (deadline: number | undefined) => ({
    ...(deadline !== undefined ? { deadline } : {}),
    ...(dependencies.shutdown ? { signal: dependencies.shutdown } : {}),
  });
  const reject = async (
    jobName: string,
    record: SQSRecord,
    reason: InvalidRunMessageError,
    // The run the message asks for, when legible: its sender looks for the rejection there.
    runId = runIdForKey(jobName, `${MESSAGE_KEY_PREFIX}${record.messageId}`),
  ): Promise<Disposition> => {
    const rejected = await executor.reject(
      {
        jobName,
        trigger: 'manual',
        runId,
        triggeredBy: 'sqs',
      },
      reason,
    );
    logger.warn('Rejected a message that can never run; it goes to the dead-letter queue', {
      messageId: record.messageId,
      runId: rejected.runId,
      reason: reason.message,
    });
    return { kind: 'deadLetter', reason: reason.message, runId: rejected.runId };
  };
  const processRecord = async (record: SQSRecord, deadline?: number): Promise<Disposition> => {
    const parsed = parseRunMessage(record.body);
    const queueJob = jobOfQueue(record.eventSourceARN);
    try {
      if (!parsed.ok) {
        const jobName = queueJob ?? parsed.job ?? UNREADABLE_JOB;
        return await reject(
          jobName,
          record,
          new InvalidRunMessageError(parsed.reason),
          parsed.job === jobName ? parsed.runId : undefined,
        );
      }
      if (queueJob !== undefined && parsed.message.job !== queueJob) {
        return await reject(queueJob, record, wrongQueueError(parsed.message.job, queueJob));
      }
      const request = requestFor(parsed.message, record);
      const execution = await executor.execute(request, executeOptions(deadline));
      return dispositionOf(execution, dependencies.backoff, now());
    } catch (error) {
      const context = { messageId: record.messageId };
      if (error instanceof RunBusyError) {
        logger.info('An earlier body of the run still runs here; the message comes back later', {
          ...context,
          reason: error.message,
        });
        return { kind: 'again', visibilitySeconds: BUSY_RETRY_SECONDS };
      }
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
      event.Records.map(async (record) => {
        const disposition = await processRecord(record, deadline);
        if (disposition.kind !== 'deadLetter') return disposition;
        return deadLetter(dependencies.sqsClient, queueUrlForArn, record, disposition, logger);
      }),
    );
    const failures: SQSBatchItemFailure[] = [];
    const visibility: { record: SQSRecord; seconds: number }[] = [];
    event.Records.forEach((record, index) => {
      const disposition = dispositions[index];
      if (disposition?.kind !== 'again') return;
      failures.push({ itemIdentifier: record.messageId });
      if (disposition.visibilitySeconds !== undefined) {
        visibility.push({ record, seconds: disposition.visibilitySeconds });
      }
    });
    await changeVisibility(dependencies.sqsClient, queueUrlForArn, visibility, logger);
    if (dependencies.recycle && executor.lingeringBodies > 0) {
      // The sandbox goes: settle each message here, since Lambda will not see this response.
      const done = event.Records.filter((_, index) => dispositions[index]?.kind === 'done');
      await deleteMessages(dependencies.sqsClient, queueUrlForArn, done, logger);
      recycleSandbox(dependencies.recycle, executor.lingeringBodies, logger);
    }
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
    if (soleJob !== undefined && parsed.message.job !== soleJob) {
      throw wrongQueueError(parsed.message.job, soleJob, 'function');
    }
    const request = runRequestFrom(parsed.message, { defaultTriggeredBy: 'lambda-invoke' });
    const execution = await executor.execute(request, executeOptions(deadline));
    if (dependencies.recycle && executor.lingeringBodies > 0) {
      recycleSandbox(dependencies.recycle, executor.lingeringBodies, logger);
    }
    return execution;
  };
  return handler as WorkerHandler;
}

function wrongQueueError(
  named: string,
  own: string,
  where: 'queue' | 'function' = 'queue',
): InvalidRunMessageError {
  return new InvalidRunMessageError(
    `The message names job "${named}", but this ${where} runs job "${own}" only. Send runs of "${named}" to its own queue: ctx.enqueue(), the API and the CLI do.`,
  );
}

function isSqsEvent(event: WorkerEvent): event is SQSEvent {
  return Array.isArray((event as SQSEvent).Records);
}

function requestFor(message: RunMessage, record: SQSRecord): RunRequest {
  const isTick = message.trigger === 'schedule' && message.scheduledTime !== undefined;
  const request = runRequestFrom(message, {
    defaultTriggeredBy: message.trigger === 'schedule' ? 'scheduler' : 'sqs',
  });
  const deadLettered = record.messageAttributes?.[DEAD_LETTER_ATTRIBUTES.runId]?.stringValue;
  const redriveOf = record.messageAttributes?.[DEAD_LETTER_ATTRIBUTES.redriveOf]?.stringValue;
  if (deadLettered !== undefined || redriveOf !== undefined) {
    // Sent back from the dead-letter queue (a redrive): its run failed for good, so it runs as
    // a new run that retries it, rather than finding that run ended and going back again. Our
    // redrive names it after the dead letter; SQS's own redrive keeps only our run id.
    const { idempotencyKey: _key, ...rest } = request;
    return {
      ...rest,
      trigger: 'retry',
      ...(deadLettered !== undefined ? { retryOf: deadLettered } : {}),
      triggeredBy: 'redrive',
      runId: runIdForKey(message.job, `${REDRIVE_KEY_PREFIX}${redriveOf ?? record.messageId}`),
    };
  }
  if (message.runId !== undefined || message.idempotencyKey !== undefined || isTick) return request;
  return {
    ...request,
    runId: runIdForKey(message.job, `${MESSAGE_KEY_PREFIX}${record.messageId}`),
  };
}

const FAILED_STATUSES: ReadonlySet<Execution['status']> = new Set([
  'failed',
  'timed_out',
  'cancelled',
]);

/** Beyond a running attempt's lease: a delivery of it comes back once it surely ended. */
const LEASE_MARGIN_SECONDS = 5;

function dispositionOf(
  execution: Execution,
  backoff: RetryBackoffOptions | undefined,
  now: number,
): Disposition {
  if (execution.status === 'running') {
    // Another delivery runs this attempt: come back when its lease ends, to retry it, take it
    // over, or find it done. Deleting this message would lose the retry it may ask for.
    const leaseLeftMs = Date.parse(execution.leaseExpiresAt ?? '') - now;
    const seconds = Math.ceil(Math.max(0, leaseLeftMs) / 1000) + LEASE_MARGIN_SECONDS;
    return { kind: 'again', visibilitySeconds: Math.min(seconds, SQS_MAX_VISIBILITY_SECONDS) };
  }
  if (execution.status === 'rejected') {
    return { kind: 'deadLetter', reason: execution.message ?? 'rejected', runId: execution.runId };
  }
  if (execution.willRetry) {
    return { kind: 'again', visibilitySeconds: retryDelaySeconds(execution.attempt, backoff) };
  }
  // Someone stopped it on purpose: history says who; no dead letter, no redrive of it.
  if (execution.cancelledBy !== undefined) return { kind: 'done' };
  // Retries used up: to the dead letters, where an alarm watches. A failure that said not to
  // retry (NonRetriableError) before then is done: history has it.
  if (FAILED_STATUSES.has(execution.status) && execution.attempt >= execution.maxAttempts) {
    return {
      kind: 'deadLetter',
      reason: `Attempt ${execution.attempt} of ${execution.maxAttempts} ended ${execution.status}${execution.message ? `: ${execution.message}` : ''}`,
      runId: execution.runId,
    };
  }
  return { kind: 'done' };
}

/**
 * Sends the record's message, as it was, to its queue's dead-letter queue, with why; done once
 * sent. If the send fails, the message stays on its queue: its next delivery finds the run
 * ended and tries again, and the queue's receive limit moves it in the end.
 */
async function deadLetter(
  sqsClient: SqsSender,
  queueUrlForArn: (arn: string) => string,
  record: SQSRecord,
  disposition: Extract<Disposition, { kind: 'deadLetter' }>,
  logger: Logger,
): Promise<Disposition> {
  const queueName = record.eventSourceARN.slice(record.eventSourceARN.lastIndexOf(':') + 1);
  const deadLetterArn = `${record.eventSourceARN.slice(0, -queueName.length)}${deadLetterQueueOf(queueName)}`;
  const deadLetterUrl = queueUrlForArn(deadLetterArn);
  const runId = {
    [DEAD_LETTER_ATTRIBUTES.runId]: { DataType: 'String', StringValue: disposition.runId },
  };
  const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
  const send = (attributes: Record<string, MessageAttributeValue>) =>
    sqsClient.send(
      new SendMessageCommand({
        QueueUrl: deadLetterUrl,
        MessageBody: record.body,
        MessageAttributes: attributes,
      }),
    );
  try {
    try {
      await send({
        ...originalAttributes(record, MAX_MESSAGE_ATTRIBUTES - 2),
        [DEAD_LETTER_ATTRIBUTES.reason]: {
          DataType: 'String',
          StringValue: disposition.reason.slice(0, MAX_REASON_LENGTH),
        },
        ...runId,
      });
    } catch {
      // A message near SQS's size limit has no room for the attributes: the run id alone says
      // which run it was (history has the reason). Any other refusal fails again here.
      await send(runId);
    }
    return { kind: 'done' };
  } catch (error) {
    logger.error('Could not send a run to its dead-letter queue; it is left for redelivery', {
      messageId: record.messageId,
      runId: disposition.runId,
      deadLetterQueueUrl: deadLetterUrl,
      error: describe(error),
    });
    return { kind: 'again' };
  }
}

/** The record's own message attributes, in the form SendMessage takes. */
function originalAttributes(
  record: SQSRecord,
  limit: number,
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {}).slice(0, limit)) {
    if (Object.values(DEAD_LETTER_ATTRIBUTES).includes(name as never)) continue;
    attributes[name] = {
      DataType: value.dataType,
      ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined
        ? { BinaryValue: Buffer.from(value.binaryValue, 'base64') }
        : {}),
    };
  }
  return attributes;
}

/**
 * Ends the process: Lambda reports the invocation as failed (which the worker-errors alarm sees)
 * and starts the next one in a fresh sandbox, so the lingering body never runs again.
 */
function recycleSandbox(recycle: () => void, lingering: number, logger: Logger): void {
  logger.error(
    'A job body still runs after its attempt ended (it ignored its stop signal): recycling this sandbox so that it cannot resume later',
    { lingeringBodies: lingering },
  );
  recycle();
}

/** Deletes the records' messages, which Lambda would have deleted from the batch's response. */
async function deleteMessages(
  sqsClient: SqsSender,
  queueUrlForArn: (arn: string) => string,
  records: readonly SQSRecord[],
  logger: Logger,
): Promise<void> {
  const { DeleteMessageBatchCommand } = await import('@aws-sdk/client-sqs');
  const byQueue = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const url = queueUrlForArn(record.eventSourceARN);
    byQueue.set(url, [...(byQueue.get(url) ?? []), record]);
  }
  await Promise.all(
    [...byQueue].flatMap(([url, queued]) =>
      Array.from({ length: Math.ceil(queued.length / 10) }, (_, chunk) =>
        sqsClient
          .send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: queued.slice(chunk * 10, chunk * 10 + 10).map((record, index) => ({
                Id: String(index),
                ReceiptHandle: record.receiptHandle,
              })),
            }),
          )
          // A message not deleted comes back, and its run's history says it is done.
          .catch((error: unknown) => {
            logger.warn(
              'Could not delete messages before recycling; they come back as duplicates',
              {
                queueUrl: url,
                error: describe(error),
              },
            );
          }),
      ),
    ),
  );
}

async function changeVisibility(
  sqsClient: SqsSender,
  queueUrlForArn: (arn: string) => string,
  changes: readonly { record: SQSRecord; seconds: number }[],
  logger: Logger,
): Promise<void> {
  const { ChangeMessageVisibilityBatchCommand } = await import('@aws-sdk/client-sqs');
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
