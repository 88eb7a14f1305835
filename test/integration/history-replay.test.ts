import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock/manual-clock';
import type { Execution } from '../../shared/executor/execution';
import { replayHistoryWrite } from '../../shared/executor/history-writes';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';

const dynamoDb = useDynamoDb();

function attempt(number: number, overrides: Partial<Execution>): Execution {
  const startedAt = `2026-11-23T12:0${number}:00.000Z`;
  return {
    jobName: 'nightly-sync',
    runId: 'run-1',
    attempt: number,
    maxAttempts: 3,
    trigger: 'manual',
    status: 'running',
    startedAt,
    leaseExpiresAt: `2026-11-23T12:0${number}:30.000Z`,
    ...overrides,
  };
}

function ended(running: Execution, outcome: Partial<Execution>): Execution {
  const { leaseExpiresAt: _lease, ...rest } = running;
  return { ...rest, completedAt: running.startedAt, durationMs: 0, willRetry: false, ...outcome };
}

describe(`replaying logged history writes on ${awsTestServerNames.dynamoDb}`, () => {
  it('never lists a run as failed again once a later attempt succeeded', async () => {
    const tables = await createUniqueTables(dynamoDb.current);
    const store = new DynamoDbExecutionStore({
      client: dynamoDb.current.createClient(),
      tableName: tables.executions,
      clock: new ManualClock('2026-11-23T12:05:00Z'),
    });
    const first = attempt(1, {});
    await store.start(first);
    await store.complete(ended(first, { status: 'failed', willRetry: true }));
    const second = attempt(2, {});
    await store.start(second);
    await store.complete(ended(second, { status: 'succeeded' }));

    const replays = [
      { operation: 'complete' as const, execution: ended(first, { status: 'failed' }) },
      { operation: 'start' as const, execution: first },
      { operation: 'start' as const, execution: second },
      { operation: 'complete' as const, execution: ended(second, { status: 'failed' }) },
    ];
    const results = [];
    for (const replay of replays) results.push(await replayHistoryWrite(replay, store));

    expect(results.map((result) => result.applied)).toEqual([false, false, false, false]);
    const [listed] = (await store.listRuns('nightly-sync')).items;
    expect(listed).toMatchObject({ attempt: 2, status: 'succeeded' });
    expect((await store.getRun('nightly-sync', 'run-1')).map((each) => each.status)).toEqual([
      'failed',
      'succeeded',
    ]);
  });
});
