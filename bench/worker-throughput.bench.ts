// The worker end to end on wire-protocol stand-ins (fauxqs for SQS, dynalite for DynamoDB):
// 1,000 messages across the critical, default and batch queues, each polled as Lambda's event
// source mapping would. Reports runs per second and when each queue's first run completed;
// no queue may be starved (first completion within the first 10% of the run).

import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb';
import { startEmbeddedSqs } from '../local/embedded-sqs';
import { QueuePoller } from '../local/queue-poller';
import { defineJob } from '../shared/job/define-job';
import type { QueueClass } from '../shared/job/job-definition';
import { JobResult } from '../shared/job/job-result';
import { ResourceNames } from '../shared/naming/resource-names';
import { createWorker } from '../shared/worker/create-worker';
import { report } from './report';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const MESSAGES: Record<QueueClass, number> = { critical: 300, default: 500, batch: 200 };
const POLLERS_PER_QUEUE = Number(process.env.POLLERS ?? 2);

async function main(): Promise<void> {
  const [dynamoDb, sqs] = await Promise.all([startEmbeddedDynamoDb(), startEmbeddedSqs()]);
  const tables = {
    executions: 'tp-executions',
    jobState: 'tp-job-state',
    alertConfig: 'tp-alerts',
  };
  await dynamoDb.createTables(tables);
  const sqsClient = sqs.createClient();
  const names = new ResourceNames('bench');

  const completions = new Map<QueueClass, number[]>();
  const classes = Object.keys(MESSAGES) as QueueClass[];
  const jobs = classes.map((queue) =>
    defineJob({
      name: `${queue}-task`,
      queue,
      run: async (ctx) => {
        completions.get(queue)?.push(performance.now());
        return JobResult.success(`item ${(ctx.input as { item: number }).item}`);
      },
    }),
  );
  for (const queue of classes) completions.set(queue, []);
  const worker = createWorker({
    jobs,
    names,
    tables,
    dynamoDbClient: dynamoDb.createClient(),
    sqsClient,
    queues: sqs.queueLocator(names),
    queueUrlForArn: sqs.queueUrlForArn,
  });

  const queues = new Map(
    classes.map((queue) => [
      queue,
      sqs.createQueueWithDlq(names.job(`${queue}-task`), {
        maxReceiveCount: 4,
        visibilityTimeoutSeconds: 60,
      }),
    ]),
  );
  for (const queue of classes) {
    const url = queues.get(queue)?.url ?? '';
    for (let start = 0; start < MESSAGES[queue]; start += 10) {
      const entries = Array.from({ length: Math.min(10, MESSAGES[queue] - start) }, (_, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify({
          job: `${queue}-task`,
          trigger: 'api',
          input: { item: start + i },
        }),
      }));
      await sqsClient.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    }
  }

  const total = Object.values(MESSAGES).reduce((sum, count) => sum + count, 0);
  const pollers = classes.map(
    (queue) =>
      new QueuePoller({
        sqsClient,
        queueUrl: queues.get(queue)?.url ?? '',
        queueArn: queues.get(queue)?.arn ?? '',
        handler: worker.handler,
        concurrency: POLLERS_PER_QUEUE,
        waitTimeSeconds: 1,
      }),
  );
  const startedAt = performance.now();
  for (const poller of pollers) poller.start();
  const done = () => [...completions.values()].reduce((sum, list) => sum + list.length, 0);
  while (done() < total) await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsedMs = performance.now() - startedAt;
  await Promise.all(pollers.map((poller) => poller.stop()));

  let recorded = 0;
  for (const job of jobs) recorded += await countSucceeded(worker.executionStore, job.name ?? '');

  report(
    'worker: messages run end to end (fauxqs + dynalite)',
    total,
    'runs',
    `${POLLERS_PER_QUEUE} pollers per queue`,
  );
  report(
    'worker: throughput',
    (total / elapsedMs) * 1000,
    'runs/s',
    `${(elapsedMs / 1000).toFixed(2)} s in all`,
  );
  report('worker: runs recorded as succeeded in history', recorded, 'runs');
  let starved = 0;
  for (const queue of classes) {
    const times = completions.get(queue) ?? [];
    const first = (Math.min(...times) - startedAt) / elapsedMs;
    const last = (Math.max(...times) - startedAt) / elapsedMs;
    if (first > 0.1) starved++;
    report(
      `worker: ${queue} queue (${MESSAGES[queue]}) first completion`,
      first * 100,
      '% of run',
      `last at ${(last * 100).toFixed(0)}%; target first ≤ 10%`,
    );
  }
  report('worker: queues starved', starved, 'queues', 'target 0');
  await Promise.all([dynamoDb.stop(), sqs.stop()]);
}

async function countSucceeded(
  store: ReturnType<typeof createWorker>['executionStore'],
  jobName: string,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(jobName, { limit: 100, ...(cursor ? { cursor } : {}) });
    count += page.items.filter((run) => run.status === 'succeeded').length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

await main();
