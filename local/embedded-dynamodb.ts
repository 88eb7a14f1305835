import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  type TableDefinition,
  type TableNames,
} from '../shared/tables/table-definitions';
import { untilActive } from './table-status';

export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  /** A client for this server; stand-in credentials, since dynalite does not check them. */
  createClient(): DynamoDBClient;
  /** Creates the project's tables with the given names (ignoring any that exist). */
  createTables(names: TableNames): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedDynamoDbOptions {
  /** A folder for the data, so that it survives a restart; in memory when absent. */
  readonly path?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** dynalite, a DynamoDB wire-protocol server, started in this process. */
export async function startEmbeddedDynamoDb(
  options: EmbeddedDynamoDbOptions = {},
): Promise<EmbeddedDynamoDb> {
  const server = dynalite({
    ...(options.path !== undefined ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const createClient = () =>
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  return {
    endpoint,
    createClient,
    async createTables(names) {
      const client = createClient();
      try {
        await Promise.all([
          createTable(client, EXECUTIONS_TABLE, names.executions),
          createTable(client, JOB_STATE_TABLE, names.jobState),
          createTable(client, ALERT_CONFIG_TABLE, names.alertConfig),
        ]);
      } finally {
        client.destroy();
      }
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function createTable(
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(definition, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await untilActive(client, tableName);
}

/**
 * The CreateTable request for a definition. dynalite has no TTL API, so expiry is only
 * written, not enforced, locally.
 */
export function createTableInput(
  definition: TableDefinition,
  tableName: string,
): CreateTableCommandInput {
  const attributes = new Map<string, string>();
  const keyOf = (
    partition: { name: string; type: string },
    sort?: { name: string; type: string },
  ) => {
    attributes.set(partition.name, partition.type);
    if (sort) attributes.set(sort.name, sort.type);
    return [
      { AttributeName: partition.name, KeyType: 'HASH' as const },
      ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
    ];
  };
  const keySchema = keyOf(definition.partitionKey, definition.sortKey);
  const indexes = definition.globalIndexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: keyOf(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema,
    AttributeDefinitions: [...attributes].map(([name, type]) => ({
      AttributeName: name,
      AttributeType: type as 'S' | 'N',
    })),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}
