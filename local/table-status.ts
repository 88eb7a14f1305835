import {
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

// dynalite switches a table from CREATING to ACTIVE, and removes a DELETING one, on a timer, even
// with `createTableMs`/`deleteTableMs` 0; until then it answers writes to a new table as if there
// were none, and describes a deleted one as still there, which a busy machine showed. So the local
// runtime waits for both, as DynamoDB's own clients must.
const WAIT_MS = 10_000;
const POLL_MS = 10;

/** Resolves once the table is ACTIVE. */
export async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  await until(client, tableName, (status) => status === 'ACTIVE', 'ACTIVE');
}

/** Resolves once the table is gone. */
export async function untilDeleted(client: DynamoDBClient, tableName: string): Promise<void> {
  await until(client, tableName, (status) => status === undefined, 'deleted');
}

async function until(
  client: DynamoDBClient,
  tableName: string,
  done: (status: string | undefined) => boolean,
  wanted: string,
): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const status = await statusOf(client, tableName);
    if (done(status)) return;
    if (Date.now() > deadline) {
      throw new Error(`local table ${tableName} is not ${wanted} after 10 s: ${status ?? 'gone'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function statusOf(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
