import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Execution } from '../../executor/execution';
import type { EndedStatus, HourlyRunStats, RunStats } from '../../ports/run-stats';
import { countOf, DURATION_BUCKETS_MS } from '../../stats/run-stats-math';
import { ALERT_CONFIG_TABLE } from '../../tables/table-definitions';
import { type DynamoDbClientOption, documentClientFor } from './document-client';
import { translateStoreError } from './store-errors';

export type DynamoDbRunStatsOptions = DynamoDbClientOption & {
  /** The alert-config table: each job's hours are entries of the job there. */
  readonly tableName: string;
};

const PARTITION_KEY = ALERT_CONFIG_TABLE.partitionKey.name;
const SORT_KEY = ALERT_CONFIG_TABLE.sortKey.name;
const TTL = ALERT_CONFIG_TABLE.timeToLiveAttribute;
const ENTRY_PREFIX = 'stats#';
/** A week of hours, and a day to spare, for `GET …/stats?range=7d`. */
const KEPT_MS = 8 * 24 * 60 * 60 * 1000;
const ENDED_STATUSES: readonly EndedStatus[] = [
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
  'rejected',
  'missed',
];

/**
 * Hourly run statistics as entries of the alert-config table, `stats#<hour>` of each job: one
 * `ADD` of counters per ended attempt (an outcome or a retry, and a duration bucket), kept for
 * 8 days. A stream batch the alerts function retries counts its attempts again: the figures
 * are for charts, not for billing.
 */
export class DynamoDbRunStats implements RunStats {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbRunStatsOptions) {
    this.documents = documentClientFor(options);
    this.tableName = options.tableName;
  }

  async record(execution: Execution): Promise<void> {
    const count = countOf(execution);
    if (!count) return;
    const counters = [
      `o_${count.outcome}`,
      ...(count.bucket !== undefined ? [`d_${count.bucket}`] : []),
    ];
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PARTITION_KEY]: execution.jobName, [SORT_KEY]: `${ENTRY_PREFIX}${count.hour}` },
          UpdateExpression: `ADD ${counters.map((_, index) => `#c${index} :one`).join(', ')} SET #ttl = :expiresAt`,
          ExpressionAttributeNames: {
            ...Object.fromEntries(counters.map((name, index) => [`#c${index}`, name])),
            '#ttl': TTL,
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':expiresAt': Math.floor((Date.parse(count.hour) + KEPT_MS) / 1000),
          },
        }),
      );
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }

  async hourly(jobName: string, fromHour: string, toHour: string): Promise<HourlyRunStats[]> {
    const hours: HourlyRunStats[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      try {
        const page = await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :job AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
            ExpressionAttributeValues: {
              ':job': jobName,
              ':from': `${ENTRY_PREFIX}${fromHour}`,
              ':to': `${ENTRY_PREFIX}${toHour}`,
            },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) hours.push(hourOfItem(item));
        startKey = page.LastEvaluatedKey;
      } catch (error) {
        throw translateStoreError(error, this.tableName);
      }
    } while (startKey);
    return hours;
  }
}

function hourOfItem(item: Record<string, unknown>): HourlyRunStats {
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  const outcomes: Partial<Record<EndedStatus, number>> = {};
  for (const status of ENDED_STATUSES) {
    const count = number(`o_${status}`);
    if (count > 0) outcomes[status] = count;
  }
  return {
    hour: String(item[SORT_KEY]).slice(ENTRY_PREFIX.length),
    outcomes,
    retried: number('o_retried'),
    durationBuckets: DURATION_BUCKETS_MS.map((_, index) => number(`d_${index}`)),
  };
}
