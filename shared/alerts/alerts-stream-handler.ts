import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { JobsError } from '../errors';
import type { Execution } from '../executor/execution';
import { silentLogger } from '../logging/silent-logger';
import type { Logger as LoggerPort } from '../ports/logger';
import { latestAttemptOfItem } from '../stores/dynamodb/execution-item';
import type { AlertEvaluator } from './alert-evaluator';

/** The alerts Lambda's handler: a batch of the executions table's stream records. */
export type AlertsHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface AlertsStreamHandlerOptions {
  readonly evaluator: AlertEvaluator;
  /** @default - logs nothing */
  readonly logger?: LoggerPort;
  /**
   * Records evaluated at once. Each alert may wait seconds on a webhook, so a batch is not
   * evaluated one record after another; the limit keeps a burst of failures within the
   * channels' rate limits (a Slack webhook takes about one message a second).
   * @default 8
   */
  readonly concurrency?: number;
}

/**
 * Evaluates the alerts of every attempt in a batch of stream records that has ended. A record
 * whose evaluation throws is reported as a batch item failure, and the event source mapping
 * retries the batch from the first one reported; the evaluator claims each attempt's alert
 * once, so the records after it that were evaluated already send nothing twice.
 */
export function createAlertsStreamHandler(options: AlertsStreamHandlerOptions): AlertsHandler {
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new JobsError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  return async (event) => {
    const failures: string[] = [];
    await eachWithLimit(event.Records, concurrency, async (record) => {
      let execution: Execution | undefined;
      try {
        execution = endedExecutionOf(record, logger);
        if (execution) await options.evaluator.handle(execution);
      } catch (error) {
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        logger.error('Evaluating the alerts of a run failed; the stream delivers it again', {
          jobName: execution?.jobName,
          runId: execution?.runId,
          attempt: execution?.attempt,
          sequenceNumber,
          error: error instanceof Error ? { name: error.name, message: error.message } : error,
        });
        // Without its sequence number the record cannot be reported alone: the batch fails.
        if (sequenceNumber === undefined) throw error;
        failures.push(sequenceNumber);
      }
    });
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/**
 * The latest attempt of the run the record's new image holds, when that attempt has ended;
 * `undefined` for a removal (TTL), a running attempt, or an item without its latest attempt.
 */
function endedExecutionOf(record: DynamoDBRecord, logger: LoggerPort): Execution | undefined {
  const image = record.dynamodb?.NewImage;
  if ((record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') || !image) return undefined;
  // The stream's attribute values are DynamoDB's, typed apart by @types/aws-lambda.
  const item = unmarshall(image as Record<string, AttributeValue>);
  const execution = latestAttemptOfItem(item);
  if (!execution) {
    // Retrying cannot add the attempt; an item like this is a writer's bug, reported here.
    logger.warn('A run in the executions table has no latest attempt: no alert is possible', {
      jobName: item.jobName,
      runId: item.runId,
      latestAttempt: item.latestAttempt,
      sequenceNumber: record.dynamodb?.SequenceNumber,
    });
    return undefined;
  }
  return execution.status === 'running' ? undefined : execution;
}

async function eachWithLimit<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
