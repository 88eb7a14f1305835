import { setMaxListeners } from 'node:events';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { silentLogger } from '../shared/logging/silent-logger';
import type { Logger } from '../shared/ports/logger';

export type BatchHandler = (
  event: SQSEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<SQSBatchResponse>;

export interface QueuePollerOptions {
  readonly sqsClient: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: BatchHandler;
  /** @default 10 */
  readonly batchSize?: number;
  /** Long-poll wait per receive. @default 1 */
  readonly waitTimeSeconds?: number;
  /** Receive loops running side by side, as Lambda scales out on a busy queue. @default 1 */
  readonly concurrency?: number;
  /** What `getRemainingTimeInMillis` counts down from for each batch. @default 900000 */
  readonly functionTimeoutMs?: number;
  /** @default us-east-1 */
  readonly region?: string;
  readonly logger?: Logger;
}

/**
 * Lambda's SQS event source mapping, on this machine: receives batches, hands them to the
 * handler as SQS events, deletes what succeeded and leaves the reported failures (and every
 * message of a batch whose handler threw) for the queue to redeliver or dead-letter.
 */
/** What a poller's job may change while it runs, when its job file is reloaded. */
export type QueuePollerSettings = Pick<
  QueuePollerOptions,
  'handler' | 'batchSize' | 'concurrency' | 'functionTimeoutMs'
>;

export class QueuePoller {
  private options: QueuePollerOptions;
  private readonly logger: Logger;
  private controller: AbortController | undefined;
  private loops: Promise<void>[] = [];

  constructor(options: QueuePollerOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    // Every receive loop's long poll listens for the stop; there may be many of them.
    setMaxListeners(0, controller.signal);
    this.controller = controller;
    this.loops = Array.from({ length: this.concurrency }, (_, index) =>
      this.loop(controller.signal, index),
    );
  }

  /**
   * Takes new settings without stopping: each receive loop uses them from its next batch on,
   * and loops are added or let go to match the concurrency. Stopping and starting again would
   * risk a message: the server may still hand one to a long poll that was cut off.
   */
  reconfigure(settings: QueuePollerSettings): void {
    const before = this.concurrency;
    this.options = { ...this.options, ...settings };
    const controller = this.controller;
    if (!controller) return;
    for (let index = before; index < this.concurrency; index++) {
      this.loops.push(this.loop(controller.signal, index));
    }
  }

  private get concurrency(): number {
    return this.options.concurrency ?? 1;
  }

  /** Stops receiving and waits for the batches in flight to finish. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = undefined;
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Receives and handles one batch; resolves with the number of messages it held. */
  async pollOnce(signal?: AbortSignal, waitTimeSeconds = 0): Promise<number> {
    const { sqsClient, queueUrl } = this.options;
    const received = await sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.options.batchSize ?? 10,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return 0;
    const event: SQSEvent = { Records: messages.map((message) => this.recordOf(message)) };
    const timeoutMs = this.options.functionTimeoutMs ?? 900_000;
    const deadline = Date.now() + timeoutMs;
    let failed: Set<string>;
    try {
      const response = await this.options.handler(event, {
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      });
      failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.logger.error('The handler failed the whole batch; every message will be redelivered', {
        queueUrl,
        error: error instanceof Error ? error.message : String(error),
      });
      return messages.length;
    }
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    for (let start = 0; start < done.length; start += 10) {
      const entries = done.slice(start, start + 10).map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle ?? '',
      }));
      await sqsClient.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
    return messages.length;
  }

  private async loop(signal: AbortSignal, index: number): Promise<void> {
    // A loop beyond the concurrency, once it was lowered, ends after its batch.
    while (!signal.aborted && index < this.concurrency) {
      try {
        await this.pollOnce(signal, this.options.waitTimeSeconds ?? 1);
      } catch (error) {
        if (signal.aborted) return;
        this.logger.warn('Receiving from the queue failed; trying again shortly', {
          queueUrl: this.options.queueUrl,
          error: error instanceof Error ? error.message : String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private recordOf(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp:
          attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      // As Lambda hands them over: camel-cased fields, strings only.
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            stringValue: value.StringValue,
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region ?? 'us-east-1',
    };
  }
}
