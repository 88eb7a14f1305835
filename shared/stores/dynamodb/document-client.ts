import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SDK_RETRY_SETTINGS } from '../../support/sdk-retry-settings';

/**
 * A client for a store: bring your own DynamoDB client (created once per container, or a mock)
 * or its configuration, never both.
 */
export type DynamoDbClientOption =
  | { readonly client: DynamoDBClient; readonly clientConfig?: never }
  | { readonly clientConfig?: DynamoDBClientConfig; readonly client?: never };

/** The document client the stores use: plain objects in, plain objects out. */
export function documentClientFor(option: DynamoDbClientOption): DynamoDBDocumentClient {
  const client =
    option.client ?? new DynamoDBClient({ ...SDK_RETRY_SETTINGS, ...option.clientConfig });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
