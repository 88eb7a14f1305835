import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../../tables/table-definitions';
import { DynamoDbAlertConfigStore } from './dynamodb-alert-config-store';
import { DynamoDbExecutionStore } from './dynamodb-execution-store';
import { DynamoDbJobStateStore } from './dynamodb-job-state-store';
import { DynamoDbRunStats } from './dynamodb-run-stats';

/** The stores the REST API reads and writes, over the app's tables. */
export function dynamoDbApiStores(client: DynamoDBClient, tables: TableNames) {
  return {
    history: new DynamoDbExecutionStore({ client, tableName: tables.executions }),
    jobStateStore: new DynamoDbJobStateStore({ client, tableName: tables.jobState }),
    alertConfigStore: new DynamoDbAlertConfigStore({ client, tableName: tables.alertConfig }),
    stats: new DynamoDbRunStats({ client, tableName: tables.alertConfig }),
  };
}
