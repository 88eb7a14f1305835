import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { InvalidCursorError, MissingTableError } from '../../../shared/errors';
import type { Execution, ExecutionStatus } from '../../../shared/executor/execution';
import {
  DAY_LIST_QUERY_BUDGET,
  DynamoDbExecutionStore,
} from '../../../shared/stores/dynamodb/dynamodb-execution-store';
import { dayPartitionOf } from '../../../shared/stores/dynamodb/run-buckets';

// The store sends lib-dynamodb commands through a document client, so the mock sees them before
// marshalling: plain values, as the store wrote them.
const dynamo = mockClient(DynamoDBDocumentClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  dynamo.restore();
});

afterEach(() => {
  dynamo.reset();
});

const TABLE = 'executions-test';
const STARTED = '2026-06-01T09:00:00.000Z';
const ENDED = '2026-06-02T00:00:05.000Z';
// The day indexes' partitions of run-1: its day, and its bucket from its run id (03 of 16).
const STARTED_DAY = '2026-06-01#03';
const ENDED_DAY = '2026-06-02#03';

function createStore(
  options: {
    now?: string;
    attempts?: number;
    retentionDays?: number;
    recentIndexBuckets?: number;
  } = {},
) {
  return new DynamoDbExecutionStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: TABLE,
    clock: new ManualClock(options.now ?? STARTED),
    ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    ...(options.recentIndexBuckets !== undefined
      ? { recentIndexBuckets: options.recentIndexBuckets }
      : {}),
    writeRetry: {
      sleep: async () => {},
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
    },
  });
}

function running(overrides: Partial<Execution> = {}): Execution {
  return {
    jobName: 'daily-report',
    runId: 'run-1',
    attempt: 1,
    maxAttempts: 3,
    trigger: 'manual',
    triggeredBy: 'alice',
    status: 'running',
    startedAt: STARTED,
    leaseExpiresAt: '2026-06-01T09:01:02.000Z',
    input: { day: 'monday' },
    ...overrides,
  };
}

function finished(status: ExecutionStatus, overrides: Partial<Execution> = {}): Execution {
  const { leaseExpiresAt: _lease, ...attempt } = running();
  return {
    ...attempt,
    status,
    completedAt: ENDED,
    durationMs: 54_005_000,
    willRetry: false,
    ...overrides,
  };
}

/** The item the table holds for a run whose attempts are `attempts`. */
function itemOf(...attempts: Execution[]): Record<string, unknown> {
  const latest = attempts.at(-1) as Execution;
  const item: Record<string, unknown> = {
    jobName: latest.jobName,
    runId: latest.runId,
    latestAttempt: latest.attempt,
    status: latest.status,
  };
  for (const { input, ...attempt } of attempts) {
    item[`attempt_${attempt.attempt}`] = attempt;
    if (input !== undefined) item.input = input;
  }
  return item;
}

function withoutInput({ input: _input, ...attempt }: Execution): Execution {
  return attempt;
}

function cursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const metadata = { $metadata: {} };

function conditionFailed() {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    ...metadata,
  });
}

function throttled() {
  return new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...metadata });
}

function missingTable() {
  return new ResourceNotFoundException({ message: 'Requested resource not found', ...metadata });
}

/** A retryable network error, as the SDK reports a request that timed out. */
function timedOut() {
  const error = new Error('Connection timed out after 1000 ms');
  error.name = 'TimeoutError';
  return error;
}

function putInput(index = 0) {
  return dynamo.commandCalls(PutCommand)[index]?.args[0].input;
}

function updateInput(index = 0) {
  return dynamo.commandCalls(UpdateCommand)[index]?.args[0].input;
}

describe('DynamoDbExecutionStore.start', () => {
  it('claims a first attempt with one put conditioned on the run being new', async () => {
    dynamo.on(PutCommand).resolves({});

    const claim = await createStore().start(running());

    expect(claim).toEqual({ claimed: true });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(putInput()).toEqual({
      TableName: TABLE,
      Item: expect.any(Object),
      // A tick reported missed may still come, late: its run replaces the record.
      ConditionExpression: 'attribute_not_exists(#runId) OR #status = :missed',
      ExpressionAttributeNames: { '#runId': 'runId', '#status': 'status' },
      ExpressionAttributeValues: { ':missed': 'missed' },
    });
  });

  it('writes the whole run with its first attempt, its lease, its claim and its place among open runs', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore().start(running());

    expect(putInput()?.Item).toEqual({
      jobName: 'daily-report',
      runId: 'run-1',
      attempt_1: withoutInput(running()),
      latestAttempt: 1,
      status: 'running',
      updatedAt: STARTED,
      startedKey: `${STARTED}#run-1`,
      startedDay: STARTED_DAY,
      expiresAt: Date.parse(STARTED) / 1000 + 90 * 86_400,
      input: { day: 'monday' },
      claimId: expect.any(String),
      leaseExpiresAt: '2026-06-01T09:01:02.000Z',
      // The sweep may act on it once its lease ends.
      openBucket: expect.any(Number),
      sweepAt: '2026-06-01T09:01:02.000Z',
    });
  });

  it('claims a later attempt with one update conditioned on the attempt before it being the latest', async () => {
    dynamo.on(UpdateCommand).resolves({});

    const claim = await createStore().start(running({ attempt: 2 }));

    expect(claim).toEqual({ claimed: true });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(updateInput()).toMatchObject({
      TableName: TABLE,
      Key: { jobName: 'daily-report', runId: 'run-1' },
      ConditionExpression:
        '#latestAttempt = :previous AND (#willRetry = :true OR (#status = :running AND #leaseExpiresAt <= :startedAt))',
      ExpressionAttributeValues: {
        ':previous': 1,
        ':true': true,
        ':running': 'running',
        ':startedAt': STARTED,
      },
    });
  });

  it('marks a later attempt’s update with its claim', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().start(running({ attempt: 2 }));

    expect(updateInput()?.UpdateExpression).toContain('#claimId = :claimId');
    expect(updateInput()?.ExpressionAttributeValues).toMatchObject({
      ':claimId': expect.any(String),
    });
  });

  it('stores the attempt under attempt_<n> without the input, which the run keeps once', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().start(running({ attempt: 2 }));

    const input = updateInput();
    expect(input?.UpdateExpression).toContain('#attempt_2 = :attempt_2');
    expect(input?.UpdateExpression).toContain('#input = if_not_exists(#input, :input)');
    expect(input?.ExpressionAttributeNames).toMatchObject({ '#attempt_2': 'attempt_2' });
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':attempt_2': withoutInput(running({ attempt: 2 })),
      ':input': { day: 'monday' },
      ':latestAttempt': 2,
      ':leaseExpiresAt': '2026-06-01T09:01:02.000Z',
      ':status': 'running',
    });
  });

  it('keeps the listing keys and the expiry that the run’s first write set', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().start(running({ attempt: 2 }));

    const input = updateInput();
    expect(input?.UpdateExpression).toContain(
      '#startedKey = if_not_exists(#startedKey, :startedKey)',
    );
    expect(input?.UpdateExpression).toContain(
      '#startedDay = if_not_exists(#startedDay, :startedDay)',
    );
    expect(input?.UpdateExpression).toContain('#expiresAt = if_not_exists(#expiresAt, :expiresAt)');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':startedKey': `${STARTED}#run-1`,
      ':startedDay': STARTED_DAY,
    });
  });

  it('expires the run its retention days after it started', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore({ retentionDays: 30 }).start(running());

    const startedAtSeconds = Date.parse(STARTED) / 1000;
    expect(putInput()?.Item?.expiresAt).toBe(startedAtSeconds + 30 * 86_400);
  });

  it('clears what the previous attempt said about retrying and failing', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().start(running({ attempt: 2 }));

    expect(updateInput()?.UpdateExpression).toMatch(/ REMOVE #willRetry, #failedDay, #failedKey$/);
  });

  it('marks a run whose input is too large to keep, without the input', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore().start(running({ input: { blob: 'b'.repeat(100 * 1024) } }));

    const item = putInput()?.Item;
    expect(item).toMatchObject({ inputDropped: true });
    expect(item).not.toHaveProperty('input');
  });

  it('reads the run once, consistently, when another delivery holds the attempt', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: itemOf(running()) });

    await createStore().start(running());

    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report', runId: 'run-1' },
      ConsistentRead: true,
    });
  });

  it('refuses the claim with the run’s latest attempt when the attempt is taken', async () => {
    const first = finished('failed', { willRetry: true });
    const second = finished('succeeded', { attempt: 2 });
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: itemOf(first, second) });

    const claim = await createStore().start(running({ attempt: 2 }));

    expect(claim).toEqual({ claimed: false, existing: second });
  });

  it('claims the attempt when a retried put was refused by its own first try', async () => {
    let sentClaimId: unknown;
    dynamo
      .on(PutCommand)
      .callsFakeOnce((input) => {
        sentClaimId = input.Item.claimId;
        return Promise.reject(timedOut());
      })
      .rejectsOnce(conditionFailed());
    dynamo
      .on(GetCommand)
      .callsFake(() => ({ Item: { ...itemOf(running()), claimId: sentClaimId } }));

    const claim = await createStore().start(running());

    expect(claim).toEqual({ claimed: true });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('refuses the claim when a concurrent claim took the attempt while a put was retried', async () => {
    dynamo.on(PutCommand).rejectsOnce(timedOut()).rejectsOnce(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: { ...itemOf(running()), claimId: 'another-claim' } });

    const claim = await createStore().start(running());

    expect(claim).toEqual({ claimed: false, existing: running() });
  });

  it('tries a throttled claim again until it goes through', async () => {
    dynamo.on(PutCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});

    const claim = await createStore().start(running());

    expect(claim).toEqual({ claimed: true });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('gives up on a claim throttled beyond its retry budget', async () => {
    dynamo.on(PutCommand).rejects(throttled());

    const claiming = createStore({ attempts: 3 }).start(running());

    await expect(claiming).rejects.toThrow(ProvisionedThroughputExceededException);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('explains a missing table by its name', async () => {
    dynamo.on(PutCommand).rejects(missingTable());

    const claiming = createStore().start(running());

    await expect(claiming).rejects.toThrow(MissingTableError);
    await expect(claiming).rejects.toThrow(`"${TABLE}"`);
  });
});

describe('DynamoDbExecutionStore.complete', () => {
  it('records a first attempt’s outcome with one put conditioned on it being the latest', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore().complete(finished('succeeded'));

    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(putInput()).toEqual({
      TableName: TABLE,
      Item: expect.any(Object),
      ConditionExpression: '#latestAttempt = :attempt',
      ExpressionAttributeNames: { '#latestAttempt': 'latestAttempt' },
      ExpressionAttributeValues: { ':attempt': 1 },
    });
  });

  it('writes a first attempt that succeeded as the whole run, with no failure keys or lease', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore().complete(finished('succeeded'));

    expect(putInput()?.Item).toEqual({
      jobName: 'daily-report',
      runId: 'run-1',
      attempt_1: withoutInput(finished('succeeded')),
      latestAttempt: 1,
      status: 'succeeded',
      updatedAt: ENDED,
      startedKey: `${STARTED}#run-1`,
      startedDay: STARTED_DAY,
      expiresAt: Date.parse(STARTED) / 1000 + 90 * 86_400,
      input: { day: 'monday' },
      willRetry: false,
    });
  });

  it('says on a first attempt’s put that the run will retry', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore().complete(finished('failed', { willRetry: true }));

    expect(putInput()?.Item).toMatchObject({ willRetry: true });
  });

  it.each(['failed', 'timed_out', 'cancelled', 'rejected'] as const)(
    'puts a first attempt that %s in the failure index by the day it ended',
    async (status) => {
      dynamo.on(PutCommand).resolves({});

      await createStore().complete(finished(status));

      expect(putInput()?.Item).toMatchObject({
        failedDay: ENDED_DAY,
        failedKey: `${ENDED}#daily-report#run-1`,
      });
    },
  );

  it('records a later attempt’s outcome with one update conditioned on it being the latest', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().complete(finished('succeeded', { attempt: 2 }));

    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(updateInput()).toMatchObject({
      TableName: TABLE,
      Key: { jobName: 'daily-report', runId: 'run-1' },
      ConditionExpression: '#latestAttempt = :attempt',
      ExpressionAttributeNames: { '#latestAttempt': 'latestAttempt' },
      ExpressionAttributeValues: {
        ':attempt': 2,
        ':attempt_2': withoutInput(finished('succeeded', { attempt: 2 })),
        ':status': 'succeeded',
        ':willRetry': false,
        ':updatedAt': ENDED,
      },
    });
  });

  it('puts a later attempt that failed in the failure index by the day it ended', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().complete(finished('timed_out', { attempt: 2 }));

    expect(updateInput()?.UpdateExpression).toContain(
      '#failedDay = :failedDay, #failedKey = :failedKey',
    );
    expect(updateInput()?.ExpressionAttributeValues).toMatchObject({
      ':failedDay': ENDED_DAY,
      ':failedKey': `${ENDED}#daily-report#run-1`,
    });
  });

  it('takes a later attempt that succeeded out of the failure index and the open runs, and ends its lease', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().complete(finished('succeeded', { attempt: 2 }));

    expect(updateInput()?.UpdateExpression).toBe(
      'SET #attempt_2 = :attempt_2, #status = :status, #willRetry = :willRetry, #updatedAt = :updatedAt REMOVE #failedDay, #failedKey, #leaseExpiresAt, #openBucket, #sweepAt',
    );
  });

  it('writes only the attempt’s own entry when a later attempt took the run over', async () => {
    const outlived = finished('succeeded');
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(UpdateCommand).resolves({});

    await createStore().complete(outlived);

    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(updateInput()).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report', runId: 'run-1' },
      UpdateExpression: 'SET #attempt_1 = :attempt_1',
      ConditionExpression: 'attribute_exists(#runId)',
      ExpressionAttributeNames: { '#attempt_1': 'attempt_1', '#runId': 'runId' },
      ExpressionAttributeValues: { ':attempt_1': withoutInput(outlived) },
    });
  });

  it('refuses to complete an attempt of a run that was never started', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const completing = createStore().complete(finished('succeeded'));

    await expect(completing).rejects.toThrow(/it was never started/);
  });

  it('tries a throttled outcome again until it is written', async () => {
    dynamo.on(PutCommand).rejectsOnce(throttled()).resolves({});

    await createStore().complete(finished('failed'));

    expect(dynamo.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('gives up on an outcome throttled beyond its retry budget', async () => {
    dynamo.on(PutCommand).rejects(throttled());

    const completing = createStore().complete(finished('failed'));

    await expect(completing).rejects.toThrow(ProvisionedThroughputExceededException);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(5);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('explains a missing table by its name', async () => {
    dynamo.on(PutCommand).rejects(missingTable());

    const completing = createStore().complete(finished('succeeded'));

    await expect(completing).rejects.toThrow(MissingTableError);
    await expect(completing).rejects.toThrow(`"${TABLE}"`);
  });
});

describe('DynamoDbExecutionStore.record', () => {
  it('writes a rejected run unconditionally, with its attempt and failure keys', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const rejected = finished('rejected', { completedAt: STARTED, durationMs: 0 });

    await createStore().record(rejected);

    const input = updateInput();
    expect(input).not.toHaveProperty('ConditionExpression');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':attempt_1': withoutInput(rejected),
      ':latestAttempt': 1,
      ':status': 'rejected',
      ':failedDay': STARTED_DAY,
    });
  });
});

describe('DynamoDbExecutionStore.getRun', () => {
  it('lists every attempt of the run, oldest first', async () => {
    const first = finished('failed', { willRetry: true });
    const second = finished('succeeded', { attempt: 2 });
    dynamo.on(GetCommand).resolves({ Item: itemOf(first, second) });

    const attempts = await createStore().getRun('daily-report', 'run-1');

    expect(attempts).toEqual([first, second]);
  });

  it('finds no attempts of a run that is not in the table', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await createStore().getRun('daily-report', 'run-9')).toEqual([]);
  });
});

describe('DynamoDbExecutionStore.listRuns', () => {
  it('queries the job’s index newest first, a page at a time', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await createStore().listRuns('daily-report', { limit: 5 });

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'byJob',
      ScanIndexForward: false,
      KeyConditionExpression: '#jobName = :jobName',
      ExpressionAttributeNames: { '#jobName': 'jobName' },
      ExpressionAttributeValues: { ':jobName': 'daily-report' },
      Limit: 5,
    });
  });

  it('lists each run as its latest attempt', async () => {
    const first = finished('failed', { willRetry: true });
    const second = finished('succeeded', { attempt: 2 });
    dynamo.on(QueryCommand).resolves({ Items: [itemOf(first, second)] });

    const page = await createStore().listRuns('daily-report');

    expect(page).toEqual({ items: [second] });
  });

  it('asks for a page of 20 when no limit is given', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await createStore().listRuns('daily-report');

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.Limit).toBe(20);
  });

  it('continues where the previous page stopped', async () => {
    const lastKey = { jobName: 'daily-report', runId: 'run-1', startedKey: `${STARTED}#run-1` };
    dynamo.on(QueryCommand).resolvesOnce({ Items: [], LastEvaluatedKey: lastKey }).resolves({});
    const store = createStore();

    const first = await store.listRuns('daily-report', { limit: 1 });
    const second = await store.listRuns('daily-report', {
      limit: 1,
      cursor: first.nextCursor,
    });

    expect(first.nextCursor).toEqual(expect.any(String));
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual(lastKey);
    expect(second).toEqual({ items: [] });
  });

  it.each([
    ['text that is not base64 JSON', 'not a cursor'],
    ['JSON that is not an object', cursorOf('run-1')],
    ['a day that is not a date', cursorOf({ list: 'byJob', day: 'yesterday' })],
    ['a key that is not an object', cursorOf({ list: 'byJob', key: 'run-1' })],
    ['another list', cursorOf({ list: 'recentRuns', key: { jobName: 'a', runId: 'b' } })],
  ])('refuses a cursor of %s', async (_kind, cursor) => {
    const listing = createStore().listRuns('daily-report', { cursor });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([0, 101, 2.5])('refuses a limit of %s', async (limit) => {
    const listing = createStore().listRuns('daily-report', { limit });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    await expect(listing).rejects.toThrow(`got ${limit}`);
  });

  it('explains a missing table by its name', async () => {
    dynamo.on(QueryCommand).rejects(missingTable());

    const listing = createStore().listRuns('daily-report');

    await expect(listing).rejects.toThrow(MissingTableError);
  });
});

describe('DynamoDbExecutionStore’s day index partitions', () => {
  /** Every `startedDay` and `failedDay` the store sent, in order. */
  function dayPartitionsWritten(): string[] {
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item ?? {});
    const updates = dynamo
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues ?? {});
    return [
      ...puts.flatMap((item) => [item.startedDay, item.failedDay]),
      ...updates.flatMap((values) => [values[':startedDay'], values[':failedDay']]),
    ].filter((value): value is string => value !== undefined);
  }

  it('puts every write of one run, on whichever day, in the same bucket', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    const store = createStore();
    const later = { attempt: 2, startedAt: '2026-06-03T09:00:00.000Z' };

    await store.start(running());
    await store.complete(finished('failed', { willRetry: true }));
    await store.start(running({ ...later, leaseExpiresAt: '2026-06-03T09:01:02.000Z' }));
    await store.complete(
      finished('timed_out', { ...later, completedAt: '2026-06-04T00:00:01.000Z' }),
    );
    await store.record(finished('rejected', { attempt: 3 }));
    await store.settle(
      running({ ...later, leaseExpiresAt: '2026-06-03T09:01:02.000Z' }),
      finished('timed_out', later),
    );

    const written = dayPartitionsWritten();
    expect(written).toHaveLength(8);
    expect(new Set(written.map((partition) => partition.slice(11)))).toEqual(new Set(['03']));
    expect(new Set(written.map((partition) => partition.slice(0, 10)))).toEqual(
      new Set(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04']),
    );
  });

  it('writes the bare day with one bucket, as before the buckets', async () => {
    dynamo.on(PutCommand).resolves({});

    await createStore({ recentIndexBuckets: 1 }).complete(finished('failed'));

    expect(putInput()?.Item).toMatchObject({ startedDay: '2026-06-01', failedDay: '2026-06-02' });
  });

  it.each([0, 1.5, 65])('refuses %s buckets a day', (buckets) => {
    expect(() => createStore({ recentIndexBuckets: buckets })).toThrow(
      `recentIndexBuckets must be a whole number from 1 to 64, got ${buckets}`,
    );
  });
});

describe('DynamoDbExecutionStore.listRecentRuns', () => {
  const NOW = '2026-11-24T10:00:00.000Z';

  function runAt(startedAt: string, runId: string, jobName = 'daily-report'): Execution {
    return finished('succeeded', {
      jobName,
      runId,
      startedAt,
      completedAt: new Date(Date.parse(startedAt) + 1000).toISOString(),
    });
  }

  /** The item as the recent-runs index holds it: with its keys there. */
  function listed(
    run: Execution,
    startedDay = dayPartitionOf(run.startedAt.slice(0, 10), run.runId),
  ) {
    return { ...itemOf(run), startedDay, startedKey: `${run.startedAt}#${run.runId}` };
  }

  function partitionsQueried(): unknown[] {
    return dynamo
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':day']);
  }

  function daysQueried(): string[] {
    return [...new Set(partitionsQueried().map((partition) => String(partition).slice(0, 10)))];
  }

  /** The 16 buckets of `day`, then its bare day (runs written before the buckets). */
  function partitionsOf(day: string): string[] {
    return [
      ...Array.from({ length: 16 }, (_, bucket) => `${day}#${String(bucket).padStart(2, '0')}`),
      day,
    ];
  }

  function decoded(cursor: string | undefined): unknown {
    return JSON.parse(Buffer.from(cursor ?? '', 'base64url').toString('utf8'));
  }

  it('walks the days back from today until the page is full, newest first across buckets', async () => {
    const today = runAt('2026-11-24T08:00:00.000Z', 'run-a');
    const yesterday = [
      runAt('2026-11-23T09:00:00.000Z', 'run-b'),
      runAt('2026-11-23T07:00:00.000Z', 'run-c'),
    ];
    dynamo.on(QueryCommand).resolves({ Items: [] });
    for (const run of [today, ...yesterday]) {
      const item = listed(run);
      dynamo
        .on(QueryCommand, { ExpressionAttributeValues: { ':day': item.startedDay } })
        .resolves({ Items: [item] });
    }

    const page = await createStore({ now: NOW }).listRecentRuns({ limit: 3 });

    expect(page.items).toEqual([today, ...yesterday]);
    expect(daysQueried()).toEqual(['2026-11-24', '2026-11-23']);
  });

  it('queries every bucket of a day and its bare day, newest first, for what the page still lacks', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const today = listed(runAt('2026-11-24T08:00:00.000Z', 'run-a'));
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': today.startedDay } })
      .resolves({ Items: [today] });

    await createStore({ now: NOW, retentionDays: 1 }).listRecentRuns({ limit: 3 });

    const yesterday = dynamo
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) =>
        String(input.ExpressionAttributeValues?.[':day']).startsWith('2026-11-23'),
      );
    expect(yesterday.map((input) => input.ExpressionAttributeValues?.[':day'])).toEqual(
      partitionsOf('2026-11-23'),
    );
    expect(yesterday[0]).toEqual({
      TableName: TABLE,
      IndexName: 'recentRuns',
      ScanIndexForward: false,
      KeyConditionExpression: '#day = :day',
      ExpressionAttributeNames: { '#day': 'startedDay' },
      ExpressionAttributeValues: { ':day': '2026-11-23#00' },
      Limit: 2,
    });
  });

  it('lists runs written before the buckets, under the bare day, among the bucketed ones', async () => {
    const newer = runAt('2026-11-24T09:00:00.000Z', 'run-new');
    const legacy = runAt('2026-11-24T08:00:00.000Z', 'run-old');
    const older = runAt('2026-11-24T07:00:00.000Z', 'run-older');
    dynamo.on(QueryCommand).resolves({ Items: [] });
    for (const item of [listed(newer), listed(legacy, '2026-11-24'), listed(older)]) {
      dynamo
        .on(QueryCommand, { ExpressionAttributeValues: { ':day': item.startedDay } })
        .resolves({ Items: [item] });
    }

    const page = await createStore({ now: NOW, retentionDays: 0 }).listRecentRuns();

    expect(page.items.map((run) => run.runId)).toEqual(['run-new', 'run-old', 'run-older']);
  });

  it('queries a bucket again before taking anything older, when DynamoDB cut its page short', async () => {
    const first = runAt('2026-11-24T09:50:00.000Z', 'run-a1');
    // run-a2 shares run-a1's bucket only in this test's answers: the query of one partition.
    const second = runAt('2026-11-24T09:45:00.000Z', 'run-a2');
    const other = [
      runAt('2026-11-24T09:30:00.000Z', 'run-b1'),
      runAt('2026-11-24T09:00:00.000Z', 'run-b2'),
    ];
    const cutShort = listed(first, '2026-11-24#01');
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': '2026-11-24#01' } })
      .resolvesOnce({ Items: [cutShort], LastEvaluatedKey: { runId: 'run-a1' } })
      .resolves({ Items: [listed(second, '2026-11-24#01')] });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': '2026-11-24#02' } })
      .resolves({ Items: other.map((run) => listed(run, '2026-11-24#02')) });

    const page = await createStore({ now: NOW, retentionDays: 0 }).listRecentRuns({ limit: 3 });

    expect(page.items.map((run) => run.runId)).toEqual(['run-a1', 'run-a2', 'run-b1']);
    const again = dynamo
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.ExclusiveStartKey !== undefined);
    expect(again).toEqual([
      expect.objectContaining({
        ExpressionAttributeValues: { ':day': '2026-11-24#01' },
        ExclusiveStartKey: { runId: 'run-a1' },
        Limit: 2,
      }),
    ]);
  });

  it('resumes a full page from the next day once every bucket of the day is spent', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const today = listed(runAt('2026-11-24T08:00:00.000Z', 'run-a'));
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': today.startedDay } })
      .resolves({ Items: [today] });
    const store = createStore({ now: NOW, retentionDays: 3 });

    const first = await store.listRecentRuns({ limit: 1 });
    await store.listRecentRuns({ limit: 1, cursor: first.nextCursor ?? '' });

    expect(first.nextCursor).toBe(cursorOf({ list: 'recentRuns', day: '2026-11-23' }));
    expect(daysQueried()).toEqual(['2026-11-24', '2026-11-23', '2026-11-22', '2026-11-21']);
  });

  it('resumes within a day each bucket after its own last run listed, and only buckets with more', async () => {
    const newest = listed(runAt('2026-11-24T09:00:00.000Z', 'run-a'), '2026-11-24#04');
    const next = listed(runAt('2026-11-24T08:00:00.000Z', 'run-b'), '2026-11-24#09');
    const lastKey = {
      jobName: 'daily-report',
      runId: 'run-a',
      startedDay: '2026-11-24#04',
      startedKey: '2026-11-24T09:00:00.000Z#run-a',
    };
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': '2026-11-24#04' } })
      .callsFake((input) =>
        input.ExclusiveStartKey ? { Items: [] } : { Items: [newest], LastEvaluatedKey: lastKey },
      );
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': '2026-11-24#09' } })
      .resolves({ Items: [next] });
    const store = createStore({ now: NOW, retentionDays: 0 });

    const first = await store.listRecentRuns({ limit: 1 });
    dynamo.resetHistory();
    const second = await store.listRecentRuns({ limit: 1, cursor: first.nextCursor ?? '' });

    expect(first.items.map((run) => run.runId)).toEqual(['run-a']);
    expect(decoded(first.nextCursor)).toEqual({
      list: 'recentRuns',
      day: '2026-11-24',
      from: { '4': ['daily-report', 'run-a', '2026-11-24T09:00:00.000Z#run-a'], '9': null },
    });
    expect(second.items.map((run) => run.runId)).toEqual(['run-b']);
    const resumed = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(resumed.map((input) => input.ExpressionAttributeValues?.[':day'])).toEqual([
      '2026-11-24#04',
      '2026-11-24#09',
    ]);
    expect(resumed[0]?.ExclusiveStartKey).toEqual(lastKey);
    expect(resumed[1]).not.toHaveProperty('ExclusiveStartKey');
  });

  it('takes runs with equal sort keys in bucket order, each once across pages', async () => {
    // Only a run id shared by two jobs gives equal sort keys; forced here in two buckets.
    const twins = ['2026-11-24#02', '2026-11-24#07'].map((startedDay, index) =>
      listed(runAt('2026-11-24T09:00:00.000Z', 'twin', `job-${index}`), startedDay),
    );
    dynamo.on(QueryCommand).resolves({ Items: [] });
    for (const item of [...twins].reverse()) {
      dynamo
        .on(QueryCommand, { ExpressionAttributeValues: { ':day': item.startedDay } })
        .callsFake((input) => ({ Items: input.ExclusiveStartKey ? [] : [item] }));
    }
    const store = createStore({ now: NOW, retentionDays: 0 });

    const first = await store.listRecentRuns({ limit: 1 });
    const second = await store.listRecentRuns({ limit: 1, cursor: first.nextCursor ?? '' });

    expect([...first.items, ...second.items].map((run) => run.jobName)).toEqual(['job-0', 'job-1']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('reads at most DAY_LIST_QUERY_BUDGET partitions a page, then answers with a cursor for the older days', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const store = createStore({ now: NOW });

    const first = await store.listRecentRuns();
    const afterFirst = partitionsQueried().length;
    const second = await store.listRecentRuns({ cursor: first.nextCursor ?? '' });

    expect(first.items).toEqual([]);
    expect(afterFirst).toBeLessThan(DAY_LIST_QUERY_BUDGET + 17);
    expect(afterFirst).toBeGreaterThanOrEqual(DAY_LIST_QUERY_BUDGET);
    expect(decoded(first.nextCursor)).toEqual({ list: 'recentRuns', day: '2026-11-16' });
    expect(daysQueried().slice(0, 8)).toEqual([
      '2026-11-24',
      '2026-11-23',
      '2026-11-22',
      '2026-11-21',
      '2026-11-20',
      '2026-11-19',
      '2026-11-18',
      '2026-11-17',
    ]);
    expect(second.nextCursor).toBeDefined();
  });

  it('walks the whole retention in one page when the index has one bucket a day', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const page = await createStore({ now: NOW, recentIndexBuckets: 1 }).listRecentRuns();

    expect(page).toEqual({ items: [] });
    expect(partitionsQueried()).toHaveLength(91);
  });

  it('stops at the retention horizon with no cursor', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const page = await createStore({ now: NOW, retentionDays: 2 }).listRecentRuns();

    expect(page).toEqual({ items: [] });
    expect(partitionsQueried()).toEqual([
      ...partitionsOf('2026-11-24'),
      ...partitionsOf('2026-11-23'),
      ...partitionsOf('2026-11-22'),
    ]);
  });

  it.each([
    ['is not a real date', '2026-99-99'],
    ['is later than today', '2026-11-25'],
    ['is before the retention horizon', '2026-11-21'],
  ])('refuses a cursor whose day %s', async (_kind, day) => {
    const store = createStore({ now: NOW, retentionDays: 2 });

    const listing = store.listRecentRuns({ cursor: cursorOf({ list: 'recentRuns', day }) });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  const run = ['daily-report', 'run-a', '2026-11-24T09:00:00.000Z#run-a'];
  it.each([
    ['a stream that is no bucket', { '16': run }],
    ['a bucket that is not a number', { x: null }],
    ['a key of two parts', { '4': run.slice(0, 2) }],
    ['a key with an empty part', { '4': ['daily-report', '', run[2]] }],
    ['a key with a number in it', { '4': ['daily-report', 7, run[2]] }],
    ['a key over DynamoDB’s key size', { '4': ['daily-report', 'r'.repeat(1100), run[2]] }],
    ['positions that are not an object', ['4']],
  ])('refuses a cursor with %s', async (_kind, from) => {
    const store = createStore({ now: NOW, retentionDays: 2 });

    const listing = store.listRecentRuns({
      cursor: cursorOf({ list: 'recentRuns', day: '2026-11-24', from }),
    });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['a cursor of the unbucketed index', { list: 'recentRuns', day: '2026-11-24', key: {} }],
    ['a cursor of the failures list', { list: 'recentFailures', day: '2026-11-24' }],
    ['a cursor of a job’s runs', { list: 'byJob', key: { jobName: 'a', runId: 'b' } }],
  ])('refuses %s', async (_kind, cursor) => {
    const listing = createStore({ now: NOW }).listRecentRuns({ cursor: cursorOf(cursor) });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('accepts a cursor of the retention horizon’s own day', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const store = createStore({ now: NOW, retentionDays: 2 });

    await store.listRecentRuns({ cursor: cursorOf({ list: 'recentRuns', day: '2026-11-22' }) });

    expect(daysQueried()).toEqual(['2026-11-22']);
  });

  it('refuses an invalid limit before querying', async () => {
    const listing = createStore({ now: NOW }).listRecentRuns({ limit: 0 });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reads one partition a day, the bare day, with one bucket', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await createStore({ now: NOW, retentionDays: 1, recentIndexBuckets: 1 }).listRecentRuns();

    expect(partitionsQueried()).toEqual(['2026-11-24', '2026-11-23']);
  });
});

describe('DynamoDbExecutionStore.listRecentFailures', () => {
  it('walks the failure index by the day runs ended, every bucket of it', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await createStore({ now: '2026-11-24T10:00:00.000Z', retentionDays: 0 }).listRecentFailures();

    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(17);
    expect(queries[0]).toMatchObject({
      IndexName: 'recentFailures',
      ExpressionAttributeNames: { '#day': 'failedDay' },
      ExpressionAttributeValues: { ':day': '2026-11-24#00' },
    });
    expect(queries.at(-1)?.ExpressionAttributeValues).toEqual({ ':day': '2026-11-24' });
  });

  it('resumes each bucket after the failure it listed last, by the failure index’s keys', async () => {
    const failed = finished('failed', {
      runId: 'run-f',
      completedAt: '2026-11-24T09:00:00.000Z',
    });
    const failedKey = `2026-11-24T09:00:00.000Z#daily-report#run-f`;
    const item = { ...itemOf(failed), failedDay: '2026-11-24#05', failedKey };
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const older = {
      ...item,
      runId: 'run-g',
      failedKey: '2026-11-24T08:00:00.000Z#daily-report#run-g',
    };
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':day': '2026-11-24#05' } })
      .resolves({ Items: [item, older] });
    const store = createStore({ now: '2026-11-24T10:00:00.000Z', retentionDays: 0 });

    const first = await store.listRecentFailures({ limit: 1 });
    dynamo.resetHistory();
    await store.listRecentFailures({ limit: 1, cursor: first.nextCursor ?? '' });

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual({
      jobName: 'daily-report',
      runId: 'run-f',
      failedDay: '2026-11-24#05',
      failedKey,
    });
  });

  it('refuses a cursor whose day is later than today', async () => {
    const store = createStore({ now: '2026-11-24T10:00:00.000Z' });

    const listing = store.listRecentFailures({
      cursor: cursorOf({ list: 'recentFailures', day: '2026-11-25' }),
    });

    await expect(listing).rejects.toThrow(InvalidCursorError);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('DynamoDbExecutionStore.openRunsDue', () => {
  it('reads every bucket of the open-runs index up to now, page after page', async () => {
    const open = running();
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':bucket': 3, ':now': ENDED } })
      .resolvesOnce({ Items: [itemOf(open)], LastEvaluatedKey: { runId: 'run-1' } })
      .resolvesOnce({ Items: [itemOf({ ...open, runId: 'run-2' })] });

    const found: string[] = [];
    for await (const execution of createStore().openRunsDue(ENDED)) found.push(execution.runId);

    expect(found).toEqual(['run-1', 'run-2']);
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.map((query) => query.ExpressionAttributeValues?.[':bucket'])).toEqual([
      0, 1, 2, 3, 3, 4, 5, 6, 7,
    ]);
    expect(queries[4]).toMatchObject({
      IndexName: 'openRuns',
      KeyConditionExpression: '#bucket = :bucket AND #sweepAt <= :now',
      ExpressionAttributeNames: { '#bucket': 'openBucket', '#sweepAt': 'sweepAt' },
      ExclusiveStartKey: { runId: 'run-1' },
    });
  });
});

describe('DynamoDbExecutionStore.settle', () => {
  const open = running({ attempt: 3, maxAttempts: 3 });
  const settled = finished('timed_out', { attempt: 3, maxAttempts: 3, completedAt: ENDED });

  it('writes the outcome only if the run is still as the sweep read it, and leaves the open runs', async () => {
    dynamo.on(UpdateCommand).resolves({});

    const written = await createStore().settle(open, settled);

    expect(written).toBe(true);
    expect(updateInput()).toMatchObject({
      Key: { jobName: 'daily-report', runId: 'run-1' },
      ConditionExpression:
        '#latestAttempt = :openAttempt AND #status = :openStatus AND #sweepAt = :openDue',
      ExpressionAttributeValues: {
        ':openAttempt': 3,
        ':openStatus': 'running',
        ':openDue': '2026-06-01T09:01:02.000Z',
        ':status': 'timed_out',
        ':willRetry': false,
      },
    });
    expect(updateInput()?.UpdateExpression).toContain(
      'REMOVE #leaseExpiresAt, #openBucket, #sweepAt',
    );
  });

  it('answers false, once, without retrying, when a worker or a delivery moved the run on', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const written = await createStore().settle(open, settled);

    expect(written).toBe(false);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('throws what DynamoDB refused for another reason, for the next sweep to try again', async () => {
    dynamo.on(UpdateCommand).rejects(throttled());

    await expect(createStore().settle(open, settled)).rejects.toThrow('Rate exceeded');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
