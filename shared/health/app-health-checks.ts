import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueLocator } from '../delivery/queue-locator';
import type { HealthCheck, HealthChecksOfJobs } from '../ports/health-check';
import type { TableNames } from '../tables/table-definitions';

export interface AppHealthCheckOptions {
  readonly dynamoDbClient: Pick<DynamoDBClient, 'send'>;
  readonly sqsClient: Pick<SQSClient, 'send'>;
  readonly tables: TableNames;
  readonly queues: QueueLocator;
}

// A table that is being updated still serves reads and writes; one being created or deleted not.
const SERVING_TABLE_STATUSES = new Set(['ACTIVE', 'UPDATING']);

/** The app's tables (DescribeTable: it exists and serves) and each job's queue (it exists). */
export function appHealthChecks(options: AppHealthCheckOptions): HealthChecksOfJobs {
  const { dynamoDbClient, sqsClient, tables, queues } = options;
  const tableCheck = (name: keyof TableNames): HealthCheck => ({
    name,
    check: async (signal) => {
      const { Table } = await dynamoDbClient.send(
        new DescribeTableCommand({ TableName: tables[name] }),
        { abortSignal: signal },
      );
      const status = Table?.TableStatus ?? 'UNKNOWN';
      if (!SERVING_TABLE_STATUSES.has(status)) {
        throw new Error(`table ${tables[name]} is ${status}`);
      }
    },
  });
  const queueCheck = (jobName: string): HealthCheck => ({
    name: `queue:${jobName}`,
    check: async (signal) => {
      await sqsClient.send(
        new GetQueueAttributesCommand({
          QueueUrl: queues.queueFor(jobName).url,
          AttributeNames: ['QueueArn'],
        }),
        { abortSignal: signal },
      );
    },
  });
  return (jobNames) => [
    tableCheck('executions'),
    tableCheck('jobState'),
    tableCheck('alertConfig'),
    ...jobNames.map(queueCheck),
  ];
}
