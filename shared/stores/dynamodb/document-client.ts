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

// One per DynamoDB client: the document client writes its translation settings into the
// client's configuration, so every store on a client shares them whichever way it is made, and
// making a second one costs a function's cold start (bench/lambda-bundle.bench.ts).
const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

/** The document client the stores use: plain objects in, plain objects out. */
export function documentClientFor(option: DynamoDbClientOption): DynamoDBDocumentClient {
  const client =
    option.client ?? new DynamoDBClient({ ...SDK_RETRY_SETTINGS, ...option.clientConfig });
  let documents = documentClients.get(client);
  if (!documents) {
    documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    });
    documentClients.set(client, documents);
  }
  return documents;
}
