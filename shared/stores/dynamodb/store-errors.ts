import { MissingTableError } from '../../errors';

/** A DynamoDB error as the store's caller should see it: a missing table explained. */
export function translateStoreError(error: unknown, tableName: string): unknown {
  if (error instanceof Error && error.name === 'ResourceNotFoundException') {
    return new MissingTableError(tableName, { cause: error });
  }
  return error;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
