import { randomUUID } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedSqs } from '../../../local/embedded-sqs';
import { journalSqsClient, sendInputOf } from '../../../local/journaled-sqs-client';
import { MessageJournal, type QueuedEntry } from '../../../local/message-journal';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** fauxqs with a queue, and a client journaled to `file` (a new one unless given). */
async function setUp(file?: string) {
  if (file === undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'journaled-sqs-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    file = join(dir, 'queue-journal.jsonl');
  }
  const sqs = await startEmbeddedSqs();
  cleanups.push(() => sqs.stop());
  const queue = sqs.createQueueWithDlq('jobs_q', {
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 60,
  });
  const journal = MessageJournal.open(file);
  cleanups.push(() => journal.close());
  const client = sqs.createClient();
  cleanups.push(() => client.destroy());
  const tracker = journalSqsClient(client, journal);
  return { file, sqs, queue, journal, client, tracker };
}

/**
 * What the journal would give back after a crash now, read from a copy: opening a journal
 * rewrites its file, which only the next start may do.
 */
function recovered(file: string): QueuedEntry[] {
  const copy = `${file}.${randomUUID()}`;
  copyFileSync(file, copy);
  cleanups.push(() => rm(copy, { force: true }));
  const journal = MessageJournal.open(copy);
  try {
    return journal.recovered as QueuedEntry[];
  } finally {
    journal.close();
  }
}

async function receive(client: SQSClient, url: string) {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

describe('journalSqsClient', () => {
  it('journals a message when it is sent, and marks it done once it is deleted', async () => {
    const { file, queue, client } = await setUp();
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":1}' }));
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":2}' }));
    const afterSend = recovered(file);

    const [first] = (await receive(client, queue.url)).filter((m) => m.Body === '{"n":1}');
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: first?.ReceiptHandle }),
    );

    expect(afterSend.map((entry) => [entry.queue, entry.body])).toEqual([
      [queueName(queue.url), '{"n":1}'],
      [queueName(queue.url), '{"n":2}'],
    ]);
    expect(recovered(file).map((entry) => entry.body)).toEqual(['{"n":2}']);
  });

  it('keeps a message whose delete was not done: received, retried or in flight', async () => {
    const { file, queue, client } = await setUp();
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":1}' }));

    await receive(client, queue.url);

    expect(recovered(file).map((entry) => entry.body)).toEqual(['{"n":1}']);
  });

  it('follows batches: sends, deletes, and visibility changes as a hold', async () => {
    const { file, queue, client } = await setUp();
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'a', MessageBody: '{"n":"a"}' },
          { Id: 'b', MessageBody: '{"n":"b"}' },
          { Id: 'c', MessageBody: '{"n":"c"}', DelaySeconds: 30 },
        ],
      }),
    );
    const messages = await receive(client, queue.url);
    const handleOf = (body: string) => messages.find((m) => m.Body === body)?.ReceiptHandle;
    const before = Date.now();
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [{ Id: '0', ReceiptHandle: handleOf('{"n":"a"}') }],
      }),
    );
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: [{ Id: '0', ReceiptHandle: handleOf('{"n":"b"}'), VisibilityTimeout: 120 }],
      }),
    );

    const left = recovered(file);
    expect(left.map((entry) => entry.body)).toEqual(['{"n":"b"}', '{"n":"c"}']);
    expect(left[0]?.visibleAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(left[1]?.visibleAt).toBeGreaterThanOrEqual(before + 29_000);
  });

  it('marks done a message whose send failed: it never was on a queue', async () => {
    const { file, sqs, client } = await setUp();
    const missing = `${sqs.endpoint}/000000000000/no-such-queue`;

    const sending = client.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: '{}' }));

    await expect(sending).rejects.toThrow();
    expect(recovered(file)).toEqual([]);
  });

  it('follows a recovered message sent again under its entry, with its attributes, to its delete', async () => {
    const { file, queue, client, journal } = await setUp();
    await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"job":"x"}',
        MessageAttributes: { jobsRunId: { DataType: 'String', StringValue: 'run-1' } },
      }),
    );
    journal.close();
    // The next start: a new fauxqs, the journal opened again.
    const next = await setUp(file);
    const [entry] = next.journal.recovered as QueuedEntry[];
    if (!entry) throw new Error('nothing recovered');

    const raw = next.sqs.createClient();
    cleanups.push(() => raw.destroy());
    const sent = await raw.send(new SendMessageCommand(sendInputOf(entry, next.queue.url, 0)));
    next.tracker.sent(entry.id, sent.MessageId);
    const [message] = await receive(next.client, next.queue.url);
    await next.client.send(
      new DeleteMessageCommand({ QueueUrl: next.queue.url, ReceiptHandle: message?.ReceiptHandle }),
    );
    next.journal.close();

    expect(message?.Body).toBe('{"job":"x"}');
    expect(message?.MessageAttributes).toEqual({
      jobsRunId: { DataType: 'String', StringValue: 'run-1' },
    });
    expect(recovered(file)).toEqual([]);
  });
});

describe('sendInputOf', () => {
  it('delays a recovered message by what is left of its wait, at most 15 minutes', () => {
    const entry: QueuedEntry = {
      kind: 'queued',
      id: 1,
      queue: 'jobs_q',
      body: '{}',
      attributes: { jobsRunId: { DataType: 'String', StringValue: 'run-1' } },
    };
    const now = 1_000_000;

    expect(sendInputOf({ ...entry, visibleAt: now + 10_500 }, 'http://q', now)).toEqual({
      QueueUrl: 'http://q',
      MessageBody: '{}',
      DelaySeconds: 11,
      MessageAttributes: { jobsRunId: { DataType: 'String', StringValue: 'run-1' } },
    });
    expect(sendInputOf({ ...entry, visibleAt: now - 1 }, 'http://q', now).DelaySeconds).toBe(
      undefined,
    );
    expect(
      sendInputOf({ ...entry, visibleAt: now + 3_600_000 }, 'http://q', now).DelaySeconds,
    ).toBe(900);
  });
});
