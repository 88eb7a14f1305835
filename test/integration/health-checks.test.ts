import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { QueueAddress, QueueLocator } from '../../shared/delivery/queue-locator';
import { appHealthChecks } from '../../shared/health/app-health-checks';
import { runHealthChecks } from '../../shared/health/run-health-checks';
import {
  awsTestServerNames,
  createUniqueTables,
  uniqueQueueName,
  useDynamoDb,
  useSqsServer,
} from '../support/aws-test-servers';
import { appFunctionDynamoDbGrants, enforceWorkerGrants } from '../support/worker-iam-guard';

const dynamoDb = useDynamoDb();
const sqs = useSqsServer();

/** The app's health checks on real servers, the DynamoDB calls held to the API role's grants. */
async function setup(jobsWithQueues: readonly string[]) {
  const tables = await createUniqueTables(dynamoDb.current);
  const dynamoDbClient = dynamoDb.current.createClient();
  const sqsClient = sqs.current.createClient();
  onTestFinished(() => {
    dynamoDbClient.destroy();
    sqsClient.destroy();
  });
  const denials = enforceWorkerGrants(
    dynamoDbClient,
    appFunctionDynamoDbGrants((names) => names.apiFunction),
    tables,
  );
  const created = new Map<string, QueueAddress>();
  for (const job of jobsWithQueues) {
    created.set(job, await sqs.current.createQueue(uniqueQueueName(job)));
  }
  const queues: QueueLocator = {
    // A job without a created queue gets a name no queue has.
    queueFor: (job) => created.get(job) ?? sqs.current.queueAddress(uniqueQueueName('missing')),
    deadLetterQueueFor: (job) => {
      throw new Error(`the health checks never look at ${job}'s dead-letter queue`);
    },
  };
  const checksOf = appHealthChecks({ dynamoDbClient, sqsClient, tables, queues });
  return { checksOf, tables, denials };
}

describe(`GET /health's checks on ${awsTestServerNames.dynamoDb} and ${awsTestServerNames.sqs}`, () => {
  it('finds every table and every job queue answering, within what the API role may call', async () => {
    const { checksOf, denials } = await setup(['send-email', 'daily-report']);

    const report = await runHealthChecks(checksOf(['send-email', 'daily-report']));

    expect(report).toEqual({
      status: 'ok',
      checks: {
        executions: 'ok',
        jobState: 'ok',
        alertConfig: 'ok',
        'queue:send-email': 'ok',
        'queue:daily-report': 'ok',
      },
    });
    expect(denials).toEqual([]);
  });

  it('reports a missing table and a missing queue by name, and the rest as ok', async () => {
    const { checksOf, tables } = await setup(['send-email']);
    // Outside the API role, which may not delete tables.
    const admin = dynamoDb.current.createClient();
    onTestFinished(() => admin.destroy());
    await admin.send(new DeleteTableCommand({ TableName: tables.alertConfig }));

    const report = await runHealthChecks(checksOf(['send-email', 'weekly-cleanup']));

    expect(report.status).toBe('failing');
    expect(report.checks).toMatchObject({
      executions: 'ok',
      jobState: 'ok',
      'queue:send-email': 'ok',
    });
    expect(report.checks.alertConfig).toMatch(/^ResourceNotFoundException/);
    expect(report.checks['queue:weekly-cleanup']).toMatch(/QueueDoesNotExist|NonExistentQueue/);
  });
});
