import type {
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  DeleteMessageRequest,
  MessageAttributeValue,
  PurgeQueueRequest,
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { JournaledAttribute, MessageJournal, QueuedEntry } from './message-journal';

/**
 * Keeps `journal` in step with what `client` does to the queues: a message is journaled before
 * it is sent (SendMessage, SendMessageBatch), marked done once deleted (DeleteMessage,
 * DeleteMessageBatch, PurgeQueue), and held when its visibility changes (a retry's backoff, a
 * wait for another delivery's lease), so that the journal always holds what the queues hold.
 * Every part of the runtime that sends or deletes (the API, the scheduler, the worker, the
 * pollers) goes through this one client.
 */
export function journalSqsClient(client: SQSClient, journal: MessageJournal): JournalTracker {
  const tracker = new JournalTracker(journal);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as object;
      switch (context.commandName) {
        case 'SendMessageCommand': {
          const request = input as SendMessageRequest;
          const id = tracker.beforeSend(request.QueueUrl, request);
          try {
            const result = await next(args);
            tracker.sent(id, (result.output as SendMessageResult).MessageId);
            return result;
          } catch (error) {
            journal.done(id);
            throw error;
          }
        }
        case 'SendMessageBatchCommand': {
          const request = input as SendMessageBatchRequest;
          const ids = new Map(
            (request.Entries ?? []).map((entry) => [
              entry.Id,
              tracker.beforeSend(request.QueueUrl, entry),
            ]),
          );
          try {
            const result = await next(args);
            const output = result.output as SendMessageBatchResult;
            for (const sent of output.Successful ?? []) {
              const id = ids.get(sent.Id);
              if (id !== undefined) tracker.sent(id, sent.MessageId);
              ids.delete(sent.Id);
            }
            for (const id of ids.values()) journal.done(id);
            return result;
          } catch (error) {
            for (const id of ids.values()) journal.done(id);
            throw error;
          }
        }
        case 'ReceiveMessageCommand': {
          const result = await next(args);
          for (const message of (result.output as ReceiveMessageResult).Messages ?? []) {
            tracker.received(message.MessageId, message.ReceiptHandle);
          }
          return result;
        }
        case 'DeleteMessageCommand': {
          const result = await next(args);
          tracker.deleted((input as DeleteMessageRequest).ReceiptHandle);
          return result;
        }
        case 'DeleteMessageBatchCommand': {
          const request = input as DeleteMessageBatchRequest;
          const result = await next(args);
          const handles = new Map(
            (request.Entries ?? []).map((entry) => [entry.Id, entry.ReceiptHandle]),
          );
          for (const deleted of (result.output as DeleteMessageBatchResult).Successful ?? []) {
            tracker.deleted(handles.get(deleted.Id));
          }
          return result;
        }
        case 'ChangeMessageVisibilityCommand': {
          const request = input as ChangeMessageVisibilityRequest;
          const result = await next(args);
          tracker.visibilityChanged(request.ReceiptHandle, request.VisibilityTimeout);
          return result;
        }
        case 'ChangeMessageVisibilityBatchCommand': {
          const request = input as ChangeMessageVisibilityBatchRequest;
          const result = await next(args);
          const entries = new Map((request.Entries ?? []).map((entry) => [entry.Id, entry]));
          const output = result.output as ChangeMessageVisibilityBatchResult;
          for (const changed of output.Successful ?? []) {
            const entry = entries.get(changed.Id);
            tracker.visibilityChanged(entry?.ReceiptHandle, entry?.VisibilityTimeout);
          }
          return result;
        }
        case 'PurgeQueueCommand': {
          const result = await next(args);
          tracker.purged((input as PurgeQueueRequest).QueueUrl);
          return result;
        }
        default:
          return next(args);
      }
    },
    { step: 'initialize', name: 'localMessageJournal' },
  );
  return tracker;
}

/**
 * Which journal entry each message on the queues is: by SQS message id, which SendMessage
 * answers, and by the receipt handle of its latest receive, which deletes and visibility
 * changes name it by.
 */
export class JournalTracker {
  private readonly entryOfMessage = new Map<string, number>();
  private readonly messageOfHandle = new Map<string, string>();
  private readonly handleOfMessage = new Map<string, string>();
  /** Deleted before their send's answer was seen (a receive can overtake it). */
  private readonly deletedEarly = new Set<string>();

  constructor(
    private readonly journal: MessageJournal,
    private readonly now: () => number = Date.now,
  ) {}

  beforeSend(
    queueUrl: string | undefined,
    message: Pick<SendMessageRequest, 'MessageBody' | 'MessageAttributes' | 'DelaySeconds'>,
  ): number {
    const attributes = journaledAttributes(message.MessageAttributes);
    return this.journal.queued({
      queue: queueNameOf(queueUrl ?? ''),
      body: message.MessageBody ?? '',
      ...(attributes ? { attributes } : {}),
      ...(message.DelaySeconds ? { visibleAt: this.now() + message.DelaySeconds * 1000 } : {}),
    });
  }

  /** A journaled message is on its queue as `messageId` (a replayed one included). */
  sent(id: number, messageId: string | undefined): void {
    if (messageId === undefined) return;
    if (this.deletedEarly.delete(messageId)) {
      this.journal.done(id);
      return;
    }
    this.entryOfMessage.set(messageId, id);
  }

  received(messageId: string | undefined, receiptHandle: string | undefined): void {
    if (messageId === undefined || receiptHandle === undefined) return;
    const previous = this.handleOfMessage.get(messageId);
    if (previous !== undefined) this.messageOfHandle.delete(previous);
    this.handleOfMessage.set(messageId, receiptHandle);
    this.messageOfHandle.set(receiptHandle, messageId);
  }

  deleted(receiptHandle: string | undefined): void {
    const messageId =
      receiptHandle === undefined ? undefined : this.messageOfHandle.get(receiptHandle);
    if (messageId === undefined) return;
    this.forget(messageId);
    const id = this.entryOfMessage.get(messageId);
    if (id === undefined) {
      this.deletedEarly.add(messageId);
      return;
    }
    this.entryOfMessage.delete(messageId);
    this.journal.done(id);
  }

  visibilityChanged(receiptHandle: string | undefined, seconds: number | undefined): void {
    const messageId =
      receiptHandle === undefined ? undefined : this.messageOfHandle.get(receiptHandle);
    const id = messageId === undefined ? undefined : this.entryOfMessage.get(messageId);
    if (id === undefined || seconds === undefined) return;
    this.journal.hold(id, this.now() + seconds * 1000);
  }

  purged(queueUrl: string | undefined): void {
    const queue = queueNameOf(queueUrl ?? '');
    const purged = new Set(this.journal.queuedOn(queue).map((entry) => entry.id));
    for (const [messageId, id] of this.entryOfMessage) {
      if (purged.has(id)) {
        this.entryOfMessage.delete(messageId);
        this.forget(messageId);
      }
    }
    for (const id of purged) this.journal.done(id);
  }

  private forget(messageId: string): void {
    const handle = this.handleOfMessage.get(messageId);
    if (handle !== undefined) this.messageOfHandle.delete(handle);
    this.handleOfMessage.delete(messageId);
  }
}

/** The queue's name: the last part of its URL. */
export function queueNameOf(queueUrl: string): string {
  return queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
}

/** A journaled message as SendMessage takes it again, with what is left of its delay. */
export function sendInputOf(entry: QueuedEntry, queueUrl: string, now: number): SendMessageRequest {
  // SQS delays a message by 15 minutes at most; one held longer comes back sooner, and its
  // delivery finds out again why it waits (a lease, say).
  const delaySeconds =
    entry.visibleAt === undefined
      ? 0
      : Math.min(900, Math.max(0, Math.ceil((entry.visibleAt - now) / 1000)));
  return {
    QueueUrl: queueUrl,
    MessageBody: entry.body,
    ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
    ...(entry.attributes
      ? {
          MessageAttributes: Object.fromEntries(
            Object.entries(entry.attributes).map(([name, value]) => [
              name,
              {
                DataType: value.DataType,
                StringValue: value.StringValue,
                ...(value.BinaryValue !== undefined
                  ? { BinaryValue: Buffer.from(value.BinaryValue, 'base64') }
                  : {}),
              },
            ]),
          ),
        }
      : {}),
  };
}

function journaledAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, JournaledAttribute> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType ?? 'String',
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined
          ? { BinaryValue: Buffer.from(value.BinaryValue).toString('base64') }
          : {}),
      },
    ]),
  );
}
