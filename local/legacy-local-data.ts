import {
  DeleteTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { ResourceNames } from '../shared/naming/resource-names';
import type { Logger } from '../shared/ports/logger';
import type { TableNames } from '../shared/tables/table-definitions';
import { putItems } from './put-items';

/**
 * The names the app's tables had before every name took the `<app>_` form: a data folder of
 * `npm run dev` from then still holds its history under them.
 */
export function legacyTableNames(appName: string): TableNames {
  return {
    executions: `${appName}-executions`,
    jobState: `${appName}-job-state`,
    alertConfig: `${appName}-alert-config`,
  };
}

/**
 * Moves what the local tables of the old names hold (history, pause states, alert configs) into
 * the tables of today's names, then drops the old tables, so that an upgrade loses nothing of
 * the local runtime's data. Idempotent: a move cut short is finished at the next start.
 */
export async function moveLegacyLocalTables(
  client: DynamoDBClient,
  names: ResourceNames,
  logger: Logger,
): Promise<void> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(
      new ListTablesCommand(start === undefined ? {} : { ExclusiveStartTableName: start }),
    );
    for (const name of page.TableNames ?? []) existing.add(name);
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  const legacy = legacyTableNames(names.appName);
  for (const role of Object.keys(legacy) as (keyof TableNames)[]) {
    const from = legacy[role];
    const to = names.tables[role];
    if (!existing.has(from)) continue;
    let moved = 0;
    let key: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: from,
          ...(key ? { ExclusiveStartKey: key as never } : {}),
        }),
      );
      const items = page.Items ?? [];
      await putItems(client, to, items);
      moved += items.length;
      key = page.LastEvaluatedKey;
    } while (key !== undefined);
    await client.send(new DeleteTableCommand({ TableName: from }));
    logger.info('Moved local data to the table of its new name', { from, to, items: moved });
  }
}

/**
 * The queue a saved message of an old queue name belongs to now: `<app>-<job>` is
 * `<app>_<job>`, and `<app>-<job>-dlq` its dead-letter queue; undefined for any other name.
 */
export function queueOfLegacyName(
  queueName: string,
  names: ResourceNames,
  jobNames: ReadonlySet<string>,
): string | undefined {
  const prefix = `${names.appName}-`;
  if (!queueName.startsWith(prefix)) return undefined;
  const rest = queueName.slice(prefix.length);
  if (jobNames.has(rest)) return names.job(rest);
  const job = rest.endsWith('-dlq') ? rest.slice(0, -'-dlq'.length) : undefined;
  return job !== undefined && jobNames.has(job) ? names.jobDeadLetterQueue(job) : undefined;
}
