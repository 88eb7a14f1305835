import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedSqs } from '../../../local/embedded-sqs';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const sqs = await startEmbeddedSqs();
  cleanups.push(() => sqs.stop());
  const queue = sqs.createQueueWithDlq('jobs_emoji', { maxReceiveCount: 3 });
  const client = sqs.createClient();
  cleanups.push(() => client.destroy());
  const receive = async () => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }),
    );
    return Messages.map((message) => JSON.parse(message.Body ?? '') as unknown);
  };
  return { sqs, queue, client, receive };
}

const TEXT = { note: 'shipped 🎉 to 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', plain: 'é ✓' };

describe('the local runtime’s SQS client', () => {
  // SQS takes #x10000 to #x10FFFF in a message (SendMessage's allowed characters); fauxqs
  // refuses them. If this starts to pass without the client's escapes, they can go.
  it('is needed: fauxqs alone refuses characters beyond U+FFFF that SQS takes', async () => {
    const { sqs, queue } = await setUp();
    const bare = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(() => bare.destroy());

    await expect(
      bare.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(TEXT) })),
    ).rejects.toThrow(/Invalid characters/);
  });

  it('sends a JSON body with emoji and other astral characters, which reads back as the same text', async () => {
    const { queue, client, receive } = await setUp();

    await client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(TEXT) }),
    );
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [{ Id: 'one', MessageBody: JSON.stringify([TEXT]) }],
      }),
    );

    expect(await receive()).toEqual(expect.arrayContaining<unknown>([TEXT, [TEXT]]));
  });
});
