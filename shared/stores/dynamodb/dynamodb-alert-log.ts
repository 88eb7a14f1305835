import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../../clock/system-clock';
import type { AlertLog, AlertRecord } from '../../ports/alert-log';
import type { Clock } from '../../ports/clock';
import { ALERT_CONFIG_TABLE } from '../../tables/table-definitions';
import { type DynamoDbClientOption, documentClientFor } from './document-client';
import { isConditionalCheckFailed, translateStoreError } from './store-errors';

export type DynamoDbAlertLogOptions = DynamoDbClientOption & {
  /** The alert-config table: each alert is an entry of its job there. */
  readonly tableName: string;
  /** Days an alert's record is kept. @default 30 */
  readonly retentionDays?: number;
  readonly clock?: Clock;
};

const PARTITION_KEY = ALERT_CONFIG_TABLE.partitionKey.name;
const SORT_KEY = ALERT_CONFIG_TABLE.sortKey.name;
const TTL = ALERT_CONFIG_TABLE.timeToLiveAttribute;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Alerts as entries of their job in the alert-config table: `alert#<runId>#<attempt>`. */
export class DynamoDbAlertLog implements AlertLog {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionMs: number;
  private readonly clock: Clock;

  constructor(options: DynamoDbAlertLogOptions) {
    this.documents = documentClientFor(options);
    this.tableName = options.tableName;
    this.retentionMs = (options.retentionDays ?? 30) * DAY_MS;
    this.clock = options.clock ?? systemClock;
  }

  async claim(jobName: string, runId: string, attempt: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PARTITION_KEY]: jobName,
            [SORT_KEY]: alertEntry(runId, attempt),
            outcome: 'pending',
            [TTL]: this.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': SORT_KEY },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw translateStoreError(error, this.tableName);
    }
  }

  async release(jobName: string, runId: string, attempt: number): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [PARTITION_KEY]: jobName, [SORT_KEY]: alertEntry(runId, attempt) },
          // Only a claim still pending: a recorded alert stays.
          ConditionExpression: 'outcome = :pending',
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw translateStoreError(error, this.tableName);
    }
  }

  async record(alert: AlertRecord): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: {
            [PARTITION_KEY]: alert.jobName,
            [SORT_KEY]: alertEntry(alert.runId, alert.attempt),
          },
          UpdateExpression:
            'SET outcome = :outcome, reasons = :reasons, deliveries = :deliveries, #at = :at, #ttl = :expiresAt',
          ExpressionAttributeNames: { '#at': 'at', '#ttl': TTL },
          ExpressionAttributeValues: {
            ':outcome': alert.outcome,
            ':reasons': alert.reasons,
            ':deliveries': alert.deliveries,
            ':at': alert.at,
            ':expiresAt': this.expiresAt(),
          },
        }),
      );
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }

  private expiresAt(): number {
    return Math.floor((this.clock.now() + this.retentionMs) / 1000);
  }
}

function alertEntry(runId: string, attempt: number): string {
  return `alert#${runId}#${attempt}`;
}
