import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AlertConfig,
  DEFAULT_ALERT_CONFIG_KEY,
  NO_ALERT_CONFIG,
} from '../../alerts/alert-config';
import { storedAlertConfig, validAlertConfig } from '../../alerts/validate-alert-config';
import type { AlertConfigStore, EffectiveAlertConfig } from '../../ports/alert-config-store';
import { ALERT_CONFIG_TABLE } from '../../tables/table-definitions';
import { type DynamoDbClientOption, documentClientFor } from './document-client';
import { retryWrite, type WriteRetryPolicy } from './retry-writes';
import { translateStoreError } from './store-errors';

/** How a `DynamoDbAlertConfigStore` reaches its table. */
export type DynamoDbAlertConfigStoreOptions = DynamoDbClientOption & {
  /** The deployed alert-config table (see `ALERT_CONFIG_TABLE`). */
  readonly tableName: string;
  /** How writes ride out throttling. @default - 5 tries with exponential backoff */
  readonly writeRetry?: WriteRetryPolicy;
};

const PARTITION_KEY = ALERT_CONFIG_TABLE.partitionKey.name;
const SORT_KEY = ALERT_CONFIG_TABLE.sortKey.name;
// Alert throttling keeps its counters under other entries of the same job.
const CONFIG_ENTRY = 'config';

/**
 * Alert configuration in DynamoDB: the `config` entry of each job with its own, and of
 * `DEFAULT_ALERT_CONFIG_KEY` for every job without. Entries are validated on the way in and on
 * the way out.
 */
export class DynamoDbAlertConfigStore implements AlertConfigStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly writeRetry: WriteRetryPolicy;

  constructor(options: DynamoDbAlertConfigStoreOptions) {
    this.documents = documentClientFor(options);
    this.tableName = options.tableName;
    this.writeRetry = options.writeRetry ?? {};
  }

  /** The job's own entry, else the default, else `NO_ALERT_CONFIG`; both read in parallel. */
  async get(jobName: string): Promise<EffectiveAlertConfig> {
    if (jobName === DEFAULT_ALERT_CONFIG_KEY) {
      const config = await this.getOwn(jobName);
      return config ? { config, source: 'default' } : { config: NO_ALERT_CONFIG, source: 'none' };
    }
    const [own, fallback] = await Promise.all([
      this.getOwn(jobName),
      this.getOwn(DEFAULT_ALERT_CONFIG_KEY),
    ]);
    if (own) return { config: own, source: 'job' };
    if (fallback) return { config: fallback, source: 'default' };
    return { config: NO_ALERT_CONFIG, source: 'none' };
  }

  /** The job's own entry; `undefined` when it has none. */
  async getOwn(jobName: string): Promise<AlertConfig | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: keyOf(jobName), ConsistentRead: true }),
      ));
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
    if (!item) return undefined;
    const { [PARTITION_KEY]: _jobName, [SORT_KEY]: _entry, ...config } = item;
    return storedAlertConfig(jobName, config);
  }

  /**
   * Replaces the job's entry (or the default's, with `DEFAULT_ALERT_CONFIG_KEY`), defaults filled
   * in. Throws `AlertConfigError`, listing every field at fault, without writing anything, when
   * `config` does not fit `alertConfigSchema`.
   */
  async put(jobName: string, config: AlertConfig): Promise<void> {
    const valid = validAlertConfig(jobName, config);
    await this.write(`put the alert config of "${jobName}"`, () =>
      this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: { ...valid, ...keyOf(jobName) } }),
      ),
    );
  }

  /** Removes the job's entry, so that the default applies to it again. */
  async remove(jobName: string): Promise<void> {
    await this.write(`remove the alert config of "${jobName}"`, () =>
      this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(jobName) })),
    );
  }

  private async write(description: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await retryWrite(description, write, this.writeRetry);
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }
}

function keyOf(jobName: string): Record<string, string> {
  return { [PARTITION_KEY]: jobName, [SORT_KEY]: CONFIG_ENTRY };
}
