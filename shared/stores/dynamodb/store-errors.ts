import { InvalidCursorError, MissingTableError } from '../../errors';

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

// DynamoDB's answers to a request that can never succeed as it is.
const PERMANENT_ERROR_NAMES = new Set(['ValidationException', 'SerializationException']);
// What the document client throws, before sending, for a value it cannot marshal: a number
// beyond Number.MAX_SAFE_INTEGER, NaN, a class instance, an empty set...
const MARSHALLING_ERROR =
  /MAX_SAFE_INTEGER|MIN_SAFE_INTEGER|Special numeric value|Unsupported type passed|removeUndefinedValues|convertClassInstanceToMap|convertEmptyValues|No value defined|NumberValue/;

/**
 * Whether a failed write can never succeed as it is: DynamoDB refused it as invalid (a key over
 * its size, an item over 400 KB, nesting too deep, a number out of range), or the document
 * client could not marshal it. Trying it again would only fail again.
 */
export function isPermanentWriteError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (PERMANENT_ERROR_NAMES.has(error.name)) return true;
  const { $metadata } = error as Error & { $metadata?: unknown };
  return $metadata === undefined && MARSHALLING_ERROR.test(error.message);
}

/**
 * A failed query as the caller should see it: a starting key DynamoDB refuses (from a cursor of
 * another list, or a made-up one) is the caller's bad cursor, not the store's failure.
 */
export function translateQueryError(error: unknown, tableName: string, startKey: unknown): unknown {
  // The lists' queries are fixed but for their starting key: refused, it is the cursor's fault.
  if (startKey !== undefined && error instanceof Error && error.name === 'ValidationException') {
    return new InvalidCursorError(
      `The cursor is not one from this list (${error.message}); pass the nextCursor of the previous page, or none for the first page`,
    );
  }
  return translateStoreError(error, tableName);
}

/**
 * Whether `key` can be the ExclusiveStartKey of a query of `index` within `partition`: exactly
 * the table's and the index's key attributes, each a string, with the index's partition key
 * the one queried. A key of any other shape is one DynamoDB refuses (or, on some emulators,
 * answers with another list's items).
 */
export function isStartKeyOf(
  key: unknown,
  table: { readonly partitionKey: KeyName; readonly sortKey?: KeyName },
  index: { readonly partitionKey: KeyName; readonly sortKey?: KeyName },
  partition: string,
): boolean {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return false;
  const names = new Set(
    [table.partitionKey, table.sortKey, index.partitionKey, index.sortKey].flatMap((attribute) =>
      attribute ? [attribute.name] : [],
    ),
  );
  const entries = Object.entries(key);
  return (
    entries.length === names.size &&
    entries.every(
      ([name, value]) =>
        names.has(name) &&
        typeof value === 'string' &&
        value !== '' &&
        Buffer.byteLength(value, 'utf8') <= MAX_KEY_BYTES,
    ) &&
    (key as Record<string, unknown>)[index.partitionKey.name] === partition
  );
}

/** DynamoDB's limit for a sort key, which these lists' keys all keep under. */
const MAX_KEY_BYTES = 1024;

interface KeyName {
  readonly name: string;
}
