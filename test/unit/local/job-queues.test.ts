import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedSqs } from '../../../local/embedded-sqs';
import { updateJobQueue } from '../../../local/job-queues';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('updateJobQueue', () => {
  it('gives a queue new settings and keeps the messages it holds', async () => {
    const sqs = await startEmbeddedSqs();
    cleanups.push(() => sqs.stop());
    const client = sqs.createClient();
    cleanups.push(() => client.destroy());
    const name = `job-${randomUUID().slice(0, 8)}`;
    const queue = sqs.createQueueWithDlq(name, {
      maxReceiveCount: 4,
      visibilityTimeoutSeconds: 360,
    });
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"job":"x"}' }));

    await updateJobQueue(client, queue, { maxReceiveCount: 8, visibilityTimeoutSeconds: 720 });
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );

    expect(Attributes?.VisibilityTimeout).toBe('720');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: queue.dlqArn,
      maxReceiveCount: 8,
    });
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');
  });
});
