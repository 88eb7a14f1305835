import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

// BatchWriteItem takes at most 25 items.
const BATCH = 25;

/** Writes every item to the table, 25 to a request, until none is left unprocessed. */
export async function putItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly Record<string, AttributeValue>[],
): Promise<void> {
  for (let index = 0; index < items.length; index += BATCH) {
    let requests: WriteRequest[] = items
      .slice(index, index + BATCH)
      .map((item) => ({ PutRequest: { Item: item } }));
    while (requests.length > 0) {
      const written = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = written.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
