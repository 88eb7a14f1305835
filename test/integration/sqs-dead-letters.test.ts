import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { QueueAddress, QueueLocator } from '../../shared/delivery/queue-locator';
import { SqsDeadLetters } from '../../shared/delivery/sqs-dead-letters';
import { runIdForKey } from '../../shared/executor/run-id';
import { DEAD_LETTER_ATTRIBUTES } from '../../shared/worker/dead-letter-attributes';
import { awsTestServerNames, uniqueQueueName, useSqsServer } from '../support/aws-test-servers';

const sqs = useSqsServer();

/** A job's queue and dead-letter queue, fresh, and the adapter over them. */
async function setup() {
  const queue = await sqs.current.createQueue(uniqueQueueName('export'));
  const deadLetterQueue = await sqs.current.createQueue(uniqueQueueName('export-dlq'));
  const sqsClient = sqs.current.createClient();
  onTestFinished(() => sqsClient.destroy());
  const queues: QueueLocator = {
    queueFor: () => queue,
    deadLetterQueueFor: () => deadLetterQueue,
  };
  return {
    queue,
    deadLetterQueue,
    sqsClient,
    deadLetters: new SqsDeadLetters({ sqsClient, queues }),
  };
}

/** A run the worker dead-lettered: its message as sent, with the reason and run id. */
async function deadLetterFromWorker(client: SQSClient, queue: QueueAddress, runId: string) {
  const { MessageId } = await client.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: JSON.stringify({ job: 'export', input: { day: '2026-12-01' }, runId }),
      MessageAttributes: {
        [DEAD_LETTER_ATTRIBUTES.reason]: {
          DataType: 'String',
          StringValue: 'retries spent: disk full',
        },
        [DEAD_LETTER_ATTRIBUTES.runId]: { DataType: 'String', StringValue: runId },
      },
    }),
  );
  return MessageId ?? '';
}

/** A message SQS's redrive policy moved: as it was sent, with no attribute of ours. */
async function deadLetterFromSqs(client: SQSClient, queue: QueueAddress, body: string) {
  const { MessageId } = await client.send(
    new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }),
  );
  return MessageId ?? '';
}

async function receiveAll(client: SQSClient, queue: QueueAddress) {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

describe(`a job's dead letters on ${awsTestServerNames.sqs}`, () => {
  it('lists each with its run, reason and input, and leaves them in the queue', async () => {
    const { deadLetterQueue, sqsClient, deadLetters } = await setup();
    const fromWorker = await deadLetterFromWorker(sqsClient, deadLetterQueue, 'run-1');
    const fromSqs = await deadLetterFromSqs(
      sqsClient,
      deadLetterQueue,
      JSON.stringify({ job: 'export', runId: 'run-2' }),
    );
    const unreadable = await deadLetterFromSqs(sqsClient, deadLetterQueue, 'not json');

    const first = await deadLetters.list('export');
    const second = await deadLetters.list('export');

    const byId = new Map(first.deadLetters.map((letter) => [letter.messageId, letter]));
    expect(byId.get(fromWorker)).toMatchObject({
      runId: 'run-1',
      reason: 'retries spent: disk full',
      input: { day: '2026-12-01' },
    });
    expect(byId.get(fromSqs)).toMatchObject({
      runId: 'run-2',
      reason: 'SQS moved it here: its deliveries ran out before a worker recorded an outcome',
    });
    expect(byId.get(unreadable)).toMatchObject({ body: 'not json' });
    expect(byId.get(fromWorker)?.sentAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(second.deadLetters.map((letter) => letter.messageId).sort()).toEqual(
      [fromWorker, fromSqs, unreadable].sort(),
    );
  });

  it('sends back the chosen ones with the run they were, as the worker names its retry, and deletes them', async () => {
    const { queue, deadLetterQueue, sqsClient, deadLetters } = await setup();
    const chosen = await deadLetterFromSqs(
      sqsClient,
      deadLetterQueue,
      JSON.stringify({ job: 'export', runId: 'run-2' }),
    );
    const kept = await deadLetterFromWorker(sqsClient, deadLetterQueue, 'run-1');

    const result = await deadLetters.redrive('export', { messageIds: [chosen, 'no-such-id'] });

    const [sentBack] = await receiveAll(sqsClient, queue);
    expect(result.notFound).toEqual(['no-such-id']);
    expect(result.redriven).toEqual([
      { messageId: chosen, retryOf: 'run-2', runId: runIdForKey('export', `redrive:${chosen}`) },
    ]);
    expect(sentBack?.Body).toBe(JSON.stringify({ job: 'export', runId: 'run-2' }));
    // The worker reads these as "a redrive": a new run retrying run-2, named after the dead
    // letter, so that the same dead letter sent twice runs once.
    expect(sentBack?.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.runId]?.StringValue).toBe('run-2');
    expect(sentBack?.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.redriveOf]?.StringValue).toBe(
      chosen,
    );
    expect(
      (await deadLetters.list('export')).deadLetters.map((letter) => letter.messageId),
    ).toEqual([kept]);
  });

  it('sends back each dead letter once, not the runs it sent back that fail again meanwhile', async () => {
    const { queue, deadLetterQueue, sqsClient, deadLetters } = await setup();
    for (let index = 0; index < 3; index++) {
      await deadLetterFromWorker(sqsClient, deadLetterQueue, `run-${index}`);
    }
    // A worker whose job fails at once: whatever reaches the job's queue goes straight back,
    // with its attributes, as the worker dead-letters a message.
    let failing = true;
    const failAgain = (async () => {
      while (failing) {
        for (const message of await receiveAll(sqsClient, queue)) {
          await sqsClient.send(
            new SendMessageCommand({
              QueueUrl: deadLetterQueue.url,
              MessageBody: message.Body ?? '',
              ...(message.MessageAttributes
                ? { MessageAttributes: message.MessageAttributes }
                : {}),
            }),
          );
          await sqsClient.send(
            new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      }
    })();

    const result = await deadLetters.redrive('export');
    failing = false;
    await failAgain;

    expect(result.redriven).toHaveLength(3);
    expect(result).not.toHaveProperty('more');
  });

  it('marks a message with no run id as a redrive too, and keeps within SQS’s 10 attributes', async () => {
    const { queue, deadLetterQueue, sqsClient, deadLetters } = await setup();
    const { MessageId: crowded } = await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueue.url,
        MessageBody: JSON.stringify({ job: 'export' }),
        MessageAttributes: Object.fromEntries(
          Array.from({ length: 10 }, (_, index) => [
            `own${index}`,
            { DataType: 'String', StringValue: `value ${index}` },
          ]),
        ),
      }),
    );

    const result = await deadLetters.redrive('export');

    const [sentBack] = await receiveAll(sqsClient, queue);
    const attributes = sentBack?.MessageAttributes ?? {};
    expect(result.redriven).toEqual([
      { messageId: crowded, runId: runIdForKey('export', `redrive:${crowded}`) },
    ]);
    expect(attributes[DEAD_LETTER_ATTRIBUTES.redriveOf]?.StringValue).toBe(crowded);
    expect(Object.keys(attributes)).toHaveLength(10);
  });

  it('finds the ids asked for beyond the first receive', async () => {
    const { deadLetterQueue, sqsClient, deadLetters } = await setup();
    const ids: string[] = [];
    for (let index = 0; index < 25; index++) {
      ids.push(await deadLetterFromWorker(sqsClient, deadLetterQueue, `run-${index}`));
    }
    const wanted = ids.slice(-3);

    const result = await deadLetters.redrive('export', { messageIds: wanted });

    expect(result.redriven.map((sent) => sent.messageId).sort()).toEqual([...wanted].sort());
    expect(result.notFound).toEqual([]);
  });

  it('sends them all back when no ids are given', async () => {
    const { queue, deadLetterQueue, sqsClient, deadLetters } = await setup();
    for (let index = 0; index < 12; index++) {
      await deadLetterFromWorker(sqsClient, deadLetterQueue, `run-${index}`);
    }

    const result = await deadLetters.redrive('export');

    expect(result.redriven).toHaveLength(12);
    expect((await deadLetters.list('export')).deadLetters).toEqual([]);
    const received = [
      ...(await receiveAll(sqsClient, queue)),
      ...(await receiveAll(sqsClient, queue)),
    ];
    expect(received.length).toBeGreaterThan(0);
  });
});
