import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { runIdForKey } from '../executor/run-id';
import type {
  DeadLetter,
  DeadLetterList,
  DeadLetters,
  Redriven,
  RedriveResult,
} from '../ports/dead-letters';
import { DEAD_LETTER_ATTRIBUTES, REDRIVE_KEY_PREFIX } from '../worker/dead-letter-attributes';
import type { QueueLocator } from './queue-locator';

export interface SqsDeadLettersOptions {
  readonly sqsClient: Pick<SQSClient, 'send'>;
  readonly queues: QueueLocator;
}

const DEFAULT_LIMIT = 50;
/** The most one redrive sends back, so that it answers within the API's 30 s; `more` says so. */
export const MAX_REDRIVE = 500;
/** The most messages one redrive looks through for the ids it was given. */
const MAX_SCANNED = 5000;
const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_DEAD_LETTER_LIST = 100;
// Long enough to list or redrive a batch; what is not redriven is made visible again at once.
const HOLD_SECONDS = 30;
// Receives that come back empty before the queue counts as read: SQS samples its servers.
const EMPTY_RECEIVES = 2;

/**
 * A job's dead-letter queue over SQS. Listing receives the messages and hands them straight
 * back (visibility 0), so a list is a sample of what the queue holds while nothing else reads
 * it. A redrive sends each chosen message to the job's queue with its body and attributes, and
 * with the run it was (`jobsRunId`), which the worker runs as a new run retrying that one
 * (never as a duplicate of a run that ended), then deletes it from the dead-letter queue.
 */
export class SqsDeadLetters implements DeadLetters {
  constructor(private readonly options: SqsDeadLettersOptions) {}

  async list(jobName: string, options: { readonly limit?: number } = {}): Promise<DeadLetterList> {
    const limit = Math.min(options.limit ?? DEFAULT_LIMIT, MAX_DEAD_LETTER_LIST);
    const queueUrl = this.options.queues.deadLetterQueueFor(jobName).url;
    // First: SQS leaves the messages this receives (in flight) out of its count.
    const approximateCount = await this.approximateCount(queueUrl);
    const received = await this.receiveUpTo(queueUrl, limit);
    await this.release(queueUrl, received);
    return { deadLetters: received.map(deadLetterOf), approximateCount };
  }

  async redrive(
    jobName: string,
    options: { readonly messageIds?: readonly string[] } = {},
  ): Promise<RedriveResult> {
    const deadLetterUrl = this.options.queues.deadLetterQueueFor(jobName).url;
    const queueUrl = this.options.queues.queueFor(jobName).url;
    const wanted = options.messageIds ? new Set(options.messageIds) : undefined;
    const redriven: Redriven[] = [];
    const failed: { messageId: string; reason: string }[] = [];
    const found = new Set<string>();
    const seen = new Set<string>();
    let more = false;
    while (!more && seen.size < MAX_SCANNED) {
      const batch = await this.receiveUpTo(deadLetterUrl, MAX_DEAD_LETTER_LIST);
      const fresh = batch.filter((message) => !seen.has(message.MessageId ?? ''));
      for (const message of batch) seen.add(message.MessageId ?? '');
      // A run this redrive sent back that failed again comes back carrying the marker this
      // redrive gave it: sending it again would never end.
      const chosen = fresh
        .filter((message) => !found.has(redriveOf(message) ?? ''))
        .filter((message) => !wanted || wanted.has(message.MessageId ?? ''))
        .slice(0, MAX_REDRIVE - redriven.length);
      await this.release(
        deadLetterUrl,
        batch.filter((message) => !chosen.includes(message)),
      );
      for (const message of chosen) {
        const messageId = message.MessageId ?? '';
        found.add(messageId);
        try {
          redriven.push(await this.sendBack(jobName, queueUrl, deadLetterUrl, message));
        } catch (error) {
          // Left in the dead-letter queue: one message SQS refuses does not stop the others.
          failed.push({
            messageId,
            reason: error instanceof Error ? error.message : String(error),
          });
          await this.release(deadLetterUrl, [message]).catch(() => undefined);
        }
      }
      if (wanted && [...wanted].every((id) => found.has(id))) break;
      // Every message this receive returned was seen before: the queue was read.
      if (fresh.length === 0) break;
      // Redriving all, and what is left came after the redrive began.
      if (!wanted && chosen.length === 0) break;
      more = redriven.length >= MAX_REDRIVE;
    }
    return {
      redriven,
      notFound: wanted ? [...wanted].filter((id) => !found.has(id)) : [],
      ...(failed.length > 0 ? { failed } : {}),
      ...(more ? { more: true } : {}),
    };
  }

  private async sendBack(
    jobName: string,
    queueUrl: string,
    deadLetterUrl: string,
    message: Message,
  ): Promise<Redriven> {
    const messageId = message.MessageId ?? '';
    const retryOf = runIdOf(message);
    const added: Record<string, MessageAttributeValue> = {
      [DEAD_LETTER_ATTRIBUTES.redriveOf]: { DataType: 'String', StringValue: messageId },
      ...(retryOf !== undefined
        ? { [DEAD_LETTER_ATTRIBUTES.runId]: { DataType: 'String', StringValue: retryOf } }
        : {}),
    };
    // SQS takes 10 attributes a message: what the redrive adds first, then the message's own.
    const kept = Object.entries(message.MessageAttributes ?? {})
      .filter(
        ([name]) =>
          name !== DEAD_LETTER_ATTRIBUTES.runId && name !== DEAD_LETTER_ATTRIBUTES.redriveOf,
      )
      .slice(0, MAX_MESSAGE_ATTRIBUTES - Object.keys(added).length);
    const attributes = { ...added, ...Object.fromEntries(kept) };
    await this.options.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.Body ?? '',
        MessageAttributes: attributes,
      }),
    );
    // Only once the run is on the job's queue. Should the delete fail, the message stays in
    // the dead-letter queue; sent again, it names the same run, which the worker runs once.
    await this.options.sqsClient.send(
      new DeleteMessageCommand({ QueueUrl: deadLetterUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    return {
      messageId,
      // What the worker names the run it starts for this dead letter.
      runId: runIdForKey(jobName, `${REDRIVE_KEY_PREFIX}${messageId}`),
      ...(retryOf !== undefined ? { retryOf } : {}),
    };
  }

  private async receiveUpTo(queueUrl: string, limit: number): Promise<Message[]> {
    const received = new Map<string, Message>();
    let empty = 0;
    while (received.size < limit && empty < EMPTY_RECEIVES) {
      const { Messages = [] } = await this.options.sqsClient.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, limit - received.size),
          VisibilityTimeout: HOLD_SECONDS,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      if (Messages.length === 0) empty++;
      for (const message of Messages) received.set(message.MessageId ?? '', message);
    }
    return [...received.values()];
  }

  /** Makes received messages visible again at once. */
  private async release(queueUrl: string, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      await this.options.sqsClient.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }

  private async approximateCount(queueUrl: string): Promise<number> {
    const { Attributes } = await this.options.sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }
}

function redriveOf(message: Message): string | undefined {
  return message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.redriveOf]?.StringValue;
}

function runIdOf(message: Message): string | undefined {
  const attribute = message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.runId]?.StringValue;
  if (attribute !== undefined) return attribute;
  const body = jsonOf(message.Body);
  return typeof body?.runId === 'string' ? body.runId : undefined;
}

function deadLetterOf(message: Message): DeadLetter {
  const body = jsonOf(message.Body);
  const runId = runIdOf(message);
  const sent = Number(message.Attributes?.SentTimestamp);
  const reason =
    message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.reason]?.StringValue ??
    'SQS moved it here: its deliveries ran out before a worker recorded an outcome';
  return {
    messageId: message.MessageId ?? '',
    ...(runId !== undefined ? { runId } : {}),
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : '',
    reason,
    ...(body && 'input' in body ? { input: body.input } : {}),
    ...(body === undefined ? { body: message.Body ?? '' } : {}),
  };
}

function jsonOf(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
