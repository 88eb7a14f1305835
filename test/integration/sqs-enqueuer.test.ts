import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { QueueLocator } from '../../shared/delivery/queue-locator';
import { parseRunMessage, runRequestFrom } from '../../shared/delivery/run-message';
import { SqsEnqueuer } from '../../shared/delivery/sqs-enqueuer';
import { EnqueueError } from '../../shared/errors';
import type { RunRequest } from '../../shared/executor/run-request';
import { awsTestServerNames, uniqueQueueName, useSqsServer } from '../support/aws-test-servers';

const sqs = useSqsServer();

const request: RunRequest = {
  jobName: 'send-invoice',
  input: { invoiceId: 'inv-42', lines: [{ sku: 'A-1', quantity: 2 }] },
  trigger: 'enqueue',
  runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0V',
  idempotencyKey: 'invoice:inv-42',
  triggeredBy: 'job:close-month',
  parent: { jobName: 'close-month', runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0A' },
};

/** A fresh queue for the job, and an enqueuer that sends to it. */
async function setup() {
  const queue = await sqs.current.createQueue(uniqueQueueName('enqueuer'));
  const queues: QueueLocator = {
    queueFor: (jobName) => {
      if (jobName !== request.jobName) throw new Error(`no queue for ${jobName}`);
      return queue;
    },
    deadLetterQueueFor: (jobName) => {
      throw new Error(`the enqueuer never sends to a dead-letter queue, asked for ${jobName}'s`);
    },
  };
  const sqsClient = sqs.current.createClient();
  const enqueuer = new SqsEnqueuer({ sqsClient, queues });
  return { enqueuer, sqsClient, queueUrl: queue.url };
}

async function receive(sqsClient: SQSClient, queueUrl: string, waitTimeSeconds: number) {
  const received = await sqsClient.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return received.Messages ?? [];
}

describe(`SqsEnqueuer against ${awsTestServerNames.sqs}`, () => {
  it("delivers a run message that reads back as the same request from the job's queue", async () => {
    const { enqueuer, sqsClient, queueUrl } = await setup();

    await enqueuer.enqueue({ request });
    const [message] = await receive(sqsClient, queueUrl, 1);

    const parsed = parseRunMessage(message?.Body);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(runRequestFrom(parsed.message, {})).toEqual(request);
  });

  it('keeps a delayed run out of sight until its delay has passed', async () => {
    const { enqueuer, sqsClient, queueUrl } = await setup();

    await enqueuer.enqueue({ request, delaySeconds: 2 });
    const atFirst = await receive(sqsClient, queueUrl, 0);
    const later = await receive(sqsClient, queueUrl, 5);

    expect(atFirst).toEqual([]);
    expect(later.map((message) => parseRunMessage(message.Body))).toEqual([
      { ok: true, message: expect.objectContaining({ job: 'send-invoice' }) },
    ]);
  });

  it('explains a queue that does not exist', async () => {
    const sqsClient = sqs.current.createClient();
    const missing = uniqueQueueName('missing');
    const enqueuer = new SqsEnqueuer({
      sqsClient,
      queues: {
        queueFor: (jobName) => sqs.current.queueAddress(`${missing}_${jobName}`),
        deadLetterQueueFor: (jobName) => sqs.current.queueAddress(`${missing}_${jobName}_dlq`),
      },
    });

    const enqueue = enqueuer.enqueue({ request });

    await expect(enqueue).rejects.toThrow(EnqueueError);
    await expect(enqueue).rejects.toThrow(/does not exist\. Deploy the app/);
    await expect(enqueue).rejects.toMatchObject({ cause: { name: 'QueueDoesNotExist' } });
  });
});
