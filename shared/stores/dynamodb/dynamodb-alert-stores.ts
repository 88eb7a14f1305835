import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../ports/clock';
import { DynamoDbAlertConfigStore } from './dynamodb-alert-config-store';
import { DynamoDbAlertLog } from './dynamodb-alert-log';
import { DynamoDbAlertThrottle } from './dynamodb-alert-throttle';

export interface DynamoDbAlertStoresOptions {
  readonly client: DynamoDBClient;
  /** The alert-config table, which holds each job's config, throttle and alert log. */
  readonly tableName: string;
  readonly clock?: Clock;
}

/** The stores alerts work through, all in the alert-config table. */
export function dynamoDbAlertStores(options: DynamoDbAlertStoresOptions) {
  const { client, tableName, clock } = options;
  return {
    alertConfigStore: new DynamoDbAlertConfigStore({ client, tableName }),
    throttle: new DynamoDbAlertThrottle({ client, tableName, ...(clock ? { clock } : {}) }),
    alertLog: new DynamoDbAlertLog({ client, tableName, ...(clock ? { clock } : {}) }),
  };
}
