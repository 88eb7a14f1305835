import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Logger } from '../shared/ports/logger';
import { openRunKeys } from '../shared/stores/dynamodb/dynamodb-execution-store';
import { latestAttemptOfItem } from '../shared/stores/dynamodb/execution-item';
import {
  EXECUTIONS_TABLE,
  type TableDefinition,
  type TableNames,
} from '../shared/tables/table-definitions';
import { createTableInput } from './embedded-dynamodb';
import { putItems } from './put-items';
import { untilActive, untilDeleted } from './table-status';

const UPGRADING_SUFFIX = '.upgrading';

/**
 * Gives the executions table of a data folder from before an index was added (such as the open
 * runs the sweep reads) every index its definition has. dynalite cannot add an index to a table,
 * so the table is made again: its items go to a table beside it, the table is created anew, and
 * they come back, each open run with its place in the open-runs index (runs a crash of an older
 * version left running are swept too). A rebuild cut short is finished at the next start.
 */
export async function addMissingLocalIndexes(
  client: DynamoDBClient,
  tables: TableNames,
  logger: Logger,
): Promise<void> {
  const definition = EXECUTIONS_TABLE;
  const name = tables.executions;
  const aside = `${name}${UPGRADING_SUFFIX}`;
  if (await indexesOf(client, aside)) {
    // A rebuild was cut short after its items were set aside: finish it.
    await ensureTable(client, definition, name);
    await copyItems(client, aside, name);
    await deleteTable(client, aside);
    return;
  }
  const indexes = await indexesOf(client, name);
  const missing = definition.globalIndexes
    .map((index) => index.indexName)
    .filter((index) => indexes && !indexes.includes(index));
  if (missing.length === 0) return;
  await ensureTable(client, definition, aside);
  const moved = await copyItems(client, name, aside);
  await deleteTable(client, name);
  await ensureTable(client, definition, name);
  await copyItems(client, aside, name);
  await deleteTable(client, aside);
  logger.info('Added the indexes the local history lacked', { table: name, missing, moved });
}

/** The table's indexes, or undefined when there is no such table. */
async function indexesOf(client: DynamoDBClient, tableName: string): Promise<string[] | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return (Table?.GlobalSecondaryIndexes ?? []).flatMap((index) => index.IndexName ?? []);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function ensureTable(
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<void> {
  if (!(await indexesOf(client, tableName))) {
    await client.send(new CreateTableCommand(createTableInput(definition, tableName)));
  }
  await untilActive(client, tableName);
}

async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await untilDeleted(client, tableName);
}

async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<number> {
  let copied = 0;
  let key: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: from, ...(key ? { ExclusiveStartKey: key } : {}) }),
    );
    const items = (page.Items ?? []).map(withOpenRunKeys);
    await putItems(client, to, items);
    copied += items.length;
    key = page.LastEvaluatedKey;
  } while (key !== undefined);
  return copied;
}

/** A run item with its place among open runs, as today's store writes it. */
function withOpenRunKeys(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  if (item.openBucket !== undefined) return item;
  const plain = unmarshall(item);
  const latest = latestAttemptOfItem(plain);
  if (!latest) return item;
  return marshall({ ...plain, ...openRunKeys(latest) }, { removeUndefinedValues: true });
}
