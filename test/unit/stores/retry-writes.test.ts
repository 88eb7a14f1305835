import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { UnstorableRecordError } from '../../../shared/errors';
import { isRetryableError, retryWrite } from '../../../shared/stores/dynamodb/retry-writes';
import {
  isPermanentWriteError,
  isStartKeyOf,
  translateQueryError,
} from '../../../shared/stores/dynamodb/store-errors';
import { SDK_RETRY_SETTINGS } from '../../../shared/support/sdk-retry-settings';
import { EXECUTIONS_TABLE } from '../../../shared/tables/table-definitions';

const metadata = { $metadata: { httpStatusCode: 400 } };

function validationException(message: string) {
  return Object.assign(new Error(message), { name: 'ValidationException', ...metadata });
}

/** A write that fails with `error` every time, counting its tries. */
function failingWrite(error: Error) {
  const tries = { count: 0 };
  return {
    tries,
    write: async () => {
      tries.count += 1;
      throw error;
    },
  };
}

const noWait = { sleep: async () => {} };

describe('retryWrite', () => {
  it.each([
    [
      'DynamoDB’s ValidationException (a key over 1,024 bytes)',
      validationException(
        'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
      ),
    ],
    [
      'DynamoDB’s ValidationException (nesting too deep)',
      validationException('Nesting Levels have exceeded supported limits'),
    ],
    // As @aws-sdk/util-dynamodb throws them, before anything is sent.
    [
      'a number the document client cannot marshal',
      new Error(
        'Number 100000000000000000000 is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.',
      ),
    ],
    [
      'NaN, which the document client refuses',
      new Error('Special numeric value NaN is not allowed'),
    ],
  ])('does not try again a write refused for good: %s', async (_what, error) => {
    const { tries, write } = failingWrite(error);

    const writing = retryWrite('executions.start', write, noWait);

    await expect(writing).rejects.toThrow(UnstorableRecordError);
    await expect(writing).rejects.toMatchObject({ cause: error });
    expect(tries.count).toBe(1);
  });

  it('says which write was refused and why', async () => {
    const { write } = failingWrite(
      validationException('Item size has exceeded the maximum allowed size'),
    );

    await expect(retryWrite('executions.complete', write, noWait)).rejects.toThrow(
      'History refused the record of executions.complete as it is (ValidationException: Item size has exceeded the maximum allowed size); trying again cannot store it',
    );
  });

  it('still tries a throttled write again, up to its attempts', async () => {
    const { tries, write } = failingWrite(
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...metadata }),
    );

    await expect(retryWrite('executions.start', write, { ...noWait, attempts: 3 })).rejects.toThrow(
      'Rate exceeded',
    );
    expect(tries.count).toBe(3);
  });

  it('passes on other errors as they are', async () => {
    const missing = new ResourceNotFoundException({
      message: 'Requested resource not found',
      ...metadata,
    });
    const { write } = failingWrite(missing);

    await expect(retryWrite('executions.start', write, noWait)).rejects.toBe(missing);
  });
});

describe('isRetryableError', () => {
  it.each([
    [
      'throttling',
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...metadata }),
    ],
    [
      'a transaction conflict, which the SDK does not retry',
      new TransactionConflictException({ message: 'Transaction is ongoing', ...metadata }),
    ],
    [
      'DynamoDB’s internal error',
      new InternalServerError({ message: 'Internal error', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a dropped connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    [
      'a host that cannot be reached',
      Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }),
    ],
    ['a request that timed out', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('tries again %s', (_what, error) => {
    expect(isRetryableError(error)).toBe(true);
  });

  it.each([
    [
      'a failed condition',
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        ...metadata,
      }),
    ],
    ['a missing table', new ResourceNotFoundException({ message: 'not found', ...metadata })],
    ['something that is not an error', 'Rate exceeded'],
  ])('does not try again %s', (_what, error) => {
    expect(isRetryableError(error)).toBe(false);
  });
});

describe('SDK_RETRY_SETTINGS', () => {
  it('gives a client five attempts in adaptive mode', async () => {
    const client = new DynamoDBClient({ region: 'local', ...SDK_RETRY_SETTINGS });

    expect(await client.config.maxAttempts()).toBe(5);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
  });
});

describe('isPermanentWriteError', () => {
  it('does not take a network error for a permanent one', () => {
    expect(
      isPermanentWriteError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ).toBe(false);
  });
});

describe('translateQueryError', () => {
  it('reports a starting key DynamoDB refuses as the caller’s bad cursor', () => {
    const error = translateQueryError(
      validationException('The provided starting key is invalid'),
      'executions',
      { jobName: 'x' },
    );

    expect(error).toMatchObject({
      name: 'InvalidCursorError',
      message: expect.stringContaining('The cursor is not one from this list'),
    });
  });

  it('leaves other errors, and errors of a query without a cursor, as they are', () => {
    const refused = validationException('The provided starting key is invalid');

    expect(translateQueryError(refused, 'executions', undefined)).toBe(refused);
  });
});

describe('isStartKeyOf', () => {
  const [byJob, recentRuns] = EXECUTIONS_TABLE.globalIndexes;
  const key = { jobName: 'greet', runId: 'r-1', startedKey: '2026-06-01T00:00:00.000Z#r-1' };

  it('takes the table’s and the index’s keys, as strings, in the partition queried', () => {
    expect(isStartKeyOf(key, EXECUTIONS_TABLE, byJob, 'greet')).toBe(true);
  });

  it.each([
    ['another job’s key', key, 'other-job'],
    ['a key of another index', { ...key, startedDay: '2026-06-01' }, 'greet'],
    ['a key missing the index’s sort key', { jobName: 'greet', runId: 'r-1' }, 'greet'],
    ['a key with a number', { ...key, runId: 1 }, 'greet'],
    ['a key with a map', { ...key, runId: { S: 'r-1' } }, 'greet'],
    ['a foreign shape', { foo: 'bar' }, 'greet'],
    ['an array', ['greet'], 'greet'],
  ])('refuses %s', (_what, candidate, partition) => {
    expect(isStartKeyOf(candidate, EXECUTIONS_TABLE, byJob, partition)).toBe(false);
  });

  it('checks a day’s list against its day', () => {
    const dayKey = { ...key, startedDay: '2026-06-01' };

    expect(isStartKeyOf(dayKey, EXECUTIONS_TABLE, recentRuns, '2026-06-01')).toBe(true);
    expect(isStartKeyOf(dayKey, EXECUTIONS_TABLE, recentRuns, '2026-06-02')).toBe(false);
  });
});
