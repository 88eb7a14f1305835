import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../../clock/system-clock';
import type { AlertPermit, AlertThrottle } from '../../ports/alert-throttle';
import type { Clock } from '../../ports/clock';
import { ALERT_CONFIG_TABLE } from '../../tables/table-definitions';
import { type DynamoDbClientOption, documentClientFor } from './document-client';
import { isConditionalCheckFailed, translateStoreError } from './store-errors';

export type DynamoDbAlertThrottleOptions = DynamoDbClientOption & {
  /** The alert-config table: the counters are entries of each job there. */
  readonly tableName: string;
  readonly clock?: Clock;
};

const PARTITION_KEY = ALERT_CONFIG_TABLE.partitionKey.name;
const SORT_KEY = ALERT_CONFIG_TABLE.sortKey.name;
const TTL = ALERT_CONFIG_TABLE.timeToLiveAttribute;
const HOUR_MS = 60 * 60 * 1000;
const WINDOW_PREFIX = 'throttle#';
/** How far back unreported suppressions are looked for, and how long a counter is kept. */
const KEPT_MS = 7 * 24 * HOUR_MS;

/**
 * The throttle as entries of the alert-config table: one per job and clock hour,
 * `throttle#<hour>`, counting the alerts `sent` (a conditional `ADD`: only below the limit) and
 * those `suppressed` in it. The first alert sent in an hour collects the suppressions of earlier
 * hours not yet reported, marking each hour reported with a conditional update, so a count is
 * told once even when alerts race.
 */
export class DynamoDbAlertThrottle implements AlertThrottle {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(options: DynamoDbAlertThrottleOptions) {
    this.documents = documentClientFor(options);
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
  }

  async acquire(jobName: string, maxPerHour: number): Promise<AlertPermit> {
    const now = this.clock.now();
    const hourStart = now - (now % HOUR_MS);
    const key = { [PARTITION_KEY]: jobName, [SORT_KEY]: windowEntry(hourStart) };
    const expiresAt = Math.floor((hourStart + KEPT_MS) / 1000);
    try {
      const updated = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD sent :one SET #ttl = :expiresAt',
          ConditionExpression: 'attribute_not_exists(sent) OR sent < :max',
          ExpressionAttributeNames: { '#ttl': TTL },
          ExpressionAttributeValues: { ':one': 1, ':max': maxPerHour, ':expiresAt': expiresAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const first = updated.Attributes?.sent === 1;
      return {
        allowed: true,
        suppressedBefore: first ? await this.collectSuppressed(jobName, hourStart) : 0,
      };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw translateStoreError(error, this.tableName);
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD suppressed :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
    return { allowed: false, suppressedBefore: 0 };
  }

  /** Sums, and marks reported, the suppressions of the hours before `hourStart`. */
  private async collectSuppressed(jobName: string, hourStart: number): Promise<number> {
    try {
      const earlier = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :job AND #sk BETWEEN :from AND :to',
          FilterExpression: 'suppressed > :zero AND attribute_not_exists(reported)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
          ExpressionAttributeValues: {
            ':job': jobName,
            ':from': windowEntry(hourStart - KEPT_MS),
            ':to': windowEntry(hourStart - HOUR_MS),
            ':zero': 0,
          },
        }),
      );
      let total = 0;
      for (const item of earlier.Items ?? []) {
        try {
          const marked = await this.documents.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { [PARTITION_KEY]: jobName, [SORT_KEY]: item[SORT_KEY] },
              UpdateExpression: 'SET reported = :true',
              ConditionExpression: 'attribute_not_exists(reported)',
              ExpressionAttributeValues: { ':true': true },
              ReturnValues: 'ALL_OLD',
            }),
          );
          total += Number(marked.Attributes?.suppressed ?? 0);
        } catch (error) {
          // Another alert reported this hour already.
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      return total;
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }
}

// Zero-padded epoch milliseconds sort as the hours do, for the range query.
function windowEntry(hourStart: number): string {
  return `${WINDOW_PREFIX}${String(Math.max(0, hourStart)).padStart(15, '0')}`;
}
