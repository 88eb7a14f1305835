import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../local/embedded-sqs';
import type { TableNames } from '../../shared/tables/table-definitions';

/**
 * Starts dynalite for the calling test file (port 0, in memory) and stops it afterwards. Each
 * test asks for its own tables, so tests in one file never see each other's items.
 */
export function useDynamoDb(): { readonly current: EmbeddedDynamoDb } {
  const holder: { current: EmbeddedDynamoDb } = {
    current: undefined as unknown as EmbeddedDynamoDb,
  };
  beforeAll(async () => {
    holder.current = await startEmbeddedDynamoDb();
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}

/** Starts fauxqs for the calling test file (port 0) and stops it afterwards. */
export function useSqs(): { readonly current: EmbeddedSqs } {
  const holder: { current: EmbeddedSqs } = { current: undefined as unknown as EmbeddedSqs };
  beforeAll(async () => {
    holder.current = await startEmbeddedSqs();
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}

/** A set of table names no other test uses. */
export function uniqueTableNames(): TableNames {
  const suffix = randomUUID().slice(0, 8);
  return {
    executions: `executions-${suffix}`,
    jobState: `job-state-${suffix}`,
    alertConfig: `alert-config-${suffix}`,
  };
}

/** Creates a fresh set of the project's tables on `dynamoDb` and returns their names. */
export async function createUniqueTables(dynamoDb: EmbeddedDynamoDb): Promise<TableNames> {
  const names = uniqueTableNames();
  await dynamoDb.createTables(names);
  return names;
}

/** A queue name no other test uses. */
export function uniqueQueueName(prefix = 'queue'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
