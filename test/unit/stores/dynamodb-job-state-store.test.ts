import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { MissingTableError } from '../../../shared/errors';
import { DynamoDbJobStateStore } from '../../../shared/stores/dynamodb/dynamodb-job-state-store';

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

const TABLE = 'job-state-test';
const NOW = '2026-06-01T09:00:00.000Z';

function createStore(attempts?: number) {
  return new DynamoDbJobStateStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: TABLE,
    clock: new ManualClock(NOW),
    writeRetry: { sleep: async () => {}, ...(attempts ? { attempts } : {}) },
  });
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

function validationError() {
  return Object.assign(new Error('One or more parameter values were invalid'), {
    name: 'ValidationException',
  });
}

describe('DynamoDbJobStateStore.get', () => {
  it('reads the job item by its key with a consistent read', async () => {
    dynamo.on(GetCommand).resolves({});

    await createStore().get('daily-report');

    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report' },
      ConsistentRead: true,
    });
  });

  it('reports no pause state for a job without an item, leaving its definition to decide', async () => {
    dynamo.on(GetCommand).resolves({});

    const state = await createStore().get('daily-report');

    expect(state).toEqual({});
  });

  it('reports no pause state for an item that holds only the overlap lock', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { jobName: 'daily-report', lockRunId: 'run-1', lockExpiresAt: 1 },
    });

    const state = await createStore().get('daily-report');

    expect(state).toEqual({});
  });

  it('reports a resumed job as running', async () => {
    dynamo.on(GetCommand).resolves({ Item: { jobName: 'daily-report', paused: false } });

    const state = await createStore().get('daily-report');

    expect(state).toEqual({ paused: false });
  });

  it('reports a paused job with when and by whom, and without the lock', async () => {
    dynamo.on(GetCommand).resolves({
      Item: {
        jobName: 'daily-report',
        paused: true,
        pausedAt: NOW,
        pausedBy: 'alice',
        lockRunId: 'run-1',
        lockExpiresAt: 1,
      },
    });

    const state = await createStore().get('daily-report');

    expect(state).toEqual({ paused: true, pausedAt: NOW, pausedBy: 'alice' });
  });

  it('explains a missing table', async () => {
    dynamo.on(GetCommand).rejects(missingTable());

    const reading = createStore().get('daily-report');

    await expect(reading).rejects.toThrow(MissingTableError);
    await expect(reading).rejects.toThrow(`"${TABLE}"`);
  });
});

describe('DynamoDbJobStateStore.setInitialPauseState', () => {
  it('pauses with one update conditioned on no pause state having been written', async () => {
    dynamo.on(UpdateCommand).resolves({});

    const written = await createStore().setInitialPauseState('daily-report', true, 'definition');

    expect(written).toBe(true);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report' },
      UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt, #pausedBy = :pausedBy',
      ConditionExpression: 'attribute_not_exists(#paused)',
      ExpressionAttributeNames: {
        '#paused': 'paused',
        '#pausedAt': 'pausedAt',
        '#pausedBy': 'pausedBy',
      },
      ExpressionAttributeValues: { ':paused': true, ':pausedAt': NOW, ':pausedBy': 'definition' },
    });
  });

  it('answers false, writing nothing, when the job already has a pause state', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const written = await createStore().setInitialPauseState('daily-report', true);

    expect(written).toBe(false);
  });
});

describe('DynamoDbJobStateStore.setPaused', () => {
  it('pauses with one update that stamps the time and who paused', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().setPaused('daily-report', true, 'alice');

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report' },
      UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt, #pausedBy = :pausedBy',
      ExpressionAttributeNames: {
        '#paused': 'paused',
        '#pausedAt': 'pausedAt',
        '#pausedBy': 'pausedBy',
      },
      ExpressionAttributeValues: { ':paused': true, ':pausedAt': NOW, ':pausedBy': 'alice' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('removes an earlier pauser when paused without a name', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().setPaused('daily-report', true);

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt REMOVE #pausedBy',
      ExpressionAttributeValues: { ':paused': true, ':pausedAt': NOW },
    });
  });

  it('resumes by clearing the pause time and the pauser, and noting when, for the missed-run check', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().setPaused('daily-report', false);

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #paused = :paused, #resumedAt = :now REMOVE #pausedAt, #pausedBy',
      ExpressionAttributeValues: { ':paused': false, ':now': NOW },
    });
  });

  it('returns the state the update left', async () => {
    dynamo.on(UpdateCommand).resolves({
      Attributes: { jobName: 'daily-report', paused: true, pausedAt: NOW, pausedBy: 'alice' },
    });

    const state = await createStore().setPaused('daily-report', true, 'alice');

    expect(state).toEqual({ paused: true, pausedAt: NOW, pausedBy: 'alice' });
  });

  it('tries a throttled write again until it succeeds', async () => {
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ Attributes: { jobName: 'daily-report', paused: false } });

    const state = await createStore().setPaused('daily-report', false);

    expect(state).toEqual({ paused: false });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(3);
  });

  it('gives up on throttling after the retry budget', async () => {
    dynamo.on(UpdateCommand).rejects(throttled());

    const pausing = createStore(3).setPaused('daily-report', true);

    await expect(pausing).rejects.toThrow(ProvisionedThroughputExceededException);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(3);
  });

  it('does not try a rejected request again', async () => {
    dynamo.on(UpdateCommand).rejects(validationError());

    const pausing = createStore().setPaused('daily-report', true);

    await expect(pausing).rejects.toThrow('One or more parameter values were invalid');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('explains a missing table, naming it', async () => {
    dynamo.on(UpdateCommand).rejects(missingTable());

    const pausing = createStore().setPaused('daily-report', true);

    await expect(pausing).rejects.toMatchObject({ name: 'MissingTableError', tableName: TABLE });
  });
});

describe('DynamoDbJobStateStore.acquireOverlapLock', () => {
  it('takes the lock with one update, unless another run holds an unexpired one', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().acquireOverlapLock(
      'daily-report',
      { runId: 'run-1', expiresAt: 2000 },
      1000,
    );

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report' },
      UpdateExpression: 'SET #lockRunId = :runId, #lockExpiresAt = :expiresAt',
      ConditionExpression:
        'attribute_not_exists(#lockRunId) OR #lockExpiresAt <= :now OR #lockRunId = :runId',
      ExpressionAttributeNames: { '#lockRunId': 'lockRunId', '#lockExpiresAt': 'lockExpiresAt' },
      ExpressionAttributeValues: { ':runId': 'run-1', ':expiresAt': 2000, ':now': 1000 },
    });
  });

  it('reports the lock as taken when the update succeeds', async () => {
    dynamo.on(UpdateCommand).resolves({});

    const taken = await createStore().acquireOverlapLock(
      'daily-report',
      { runId: 'run-1', expiresAt: 2000 },
      1000,
    );

    expect(taken).toBe(true);
  });

  it('reports the lock as held elsewhere when the condition fails, without trying again', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const taken = await createStore().acquireOverlapLock(
      'daily-report',
      { runId: 'run-2', expiresAt: 2000 },
      1000,
    );

    expect(taken).toBe(false);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('tries a throttled lock again', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(throttled()).resolves({});

    const taken = await createStore().acquireOverlapLock(
      'daily-report',
      { runId: 'run-1', expiresAt: 2000 },
      1000,
    );

    expect(taken).toBe(true);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('explains a missing table', async () => {
    dynamo.on(UpdateCommand).rejects(missingTable());

    const taking = createStore().acquireOverlapLock(
      'daily-report',
      { runId: 'run-1', expiresAt: 2000 },
      1000,
    );

    await expect(taking).rejects.toThrow(MissingTableError);
  });
});

describe('DynamoDbJobStateStore.releaseOverlapLock', () => {
  it('removes the lock only if the run still holds it', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await createStore().releaseOverlapLock('daily-report', 'run-1');

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { jobName: 'daily-report' },
      UpdateExpression: 'REMOVE #lockRunId, #lockExpiresAt',
      ConditionExpression: '#lockRunId = :runId',
      ExpressionAttributeNames: { '#lockRunId': 'lockRunId', '#lockExpiresAt': 'lockExpiresAt' },
      ExpressionAttributeValues: { ':runId': 'run-1' },
    });
  });

  it('leaves a lock another run holds, without an error', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const releasing = createStore().releaseOverlapLock('daily-report', 'run-1');

    await expect(releasing).resolves.toBeUndefined();
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('passes on other failures', async () => {
    dynamo.on(UpdateCommand).rejects(validationError());

    const releasing = createStore().releaseOverlapLock('daily-report', 'run-1');

    await expect(releasing).rejects.toThrow('One or more parameter values were invalid');
  });
});
