import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedSqs } from '../../../local/embedded-sqs';
import { type BatchHandler, QueuePoller } from '../../../local/queue-poller';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A handler that records the bodies it is given, under `label`. */
function recording(label: string, seen: string[]): BatchHandler {
  return async (event: SQSEvent) => {
    for (const record of event.Records) seen.push(`${label}:${record.body}`);
    return { batchItemFailures: [] };
  };
}

async function pollerOnNewQueue(handler: BatchHandler) {
  const sqs = await startEmbeddedSqs();
  cleanups.push(() => sqs.stop());
  const client = sqs.createClient();
  cleanups.push(() => client.destroy());
  const queue = sqs.createQueueWithDlq(`poller-${randomUUID().slice(0, 8)}`, {
    maxReceiveCount: 4,
  });
  const poller = new QueuePoller({
    sqsClient: client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    handler,
    concurrency: 2,
  });
  poller.start();
  cleanups.push(() => poller.stop());
  const send = (body: string) =>
    client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
  return { poller, send };
}

describe('QueuePoller.reconfigure', () => {
  it('hands the next messages to the new handler, losing none sent at once', async () => {
    const seen: string[] = [];
    const { poller, send } = await pollerOnNewQueue(recording('old', seen));
    await send('before');
    await until(() => seen.length === 1, 'the first message');

    poller.reconfigure({ handler: recording('new', seen), concurrency: 3 });
    await send('after');
    await until(() => seen.length === 2, 'the message sent after reconfiguring');

    expect(seen).toEqual(['old:before', 'new:after']);
  });
});
