import { describe, expect, it } from 'vitest';
import type { Execution } from '../../shared/executor/execution';
import { type HistoryReplay, replayHistoryWrite } from '../../shared/executor/history-writes';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { createUniqueTables, useDynamoDb } from '../support/aws-test-servers';
import { report } from './report';

const dynamoDb = useDynamoDb();

const base: Omit<Execution, 'attempt' | 'status' | 'startedAt'> = {
  jobName: 'nightly-sync',
  runId: 'run-1',
  maxAttempts: 3,
  trigger: 'manual',
};
const running = (attempt: number): Execution => ({
  ...base,
  attempt,
  status: 'running',
  startedAt: `2026-11-23T12:0${attempt}:00.000Z`,
  leaseExpiresAt: `2026-11-23T12:0${attempt}:30.000Z`,
});
const ended = (attempt: number, status: Execution['status'], willRetry: boolean): Execution => {
  const { leaseExpiresAt: _lease, ...rest } = running(attempt);
  return { ...rest, status, willRetry, completedAt: rest.startedAt, durationMs: 0 };
};

/** The history lines of a run whose first attempt failed and whose second succeeded. */
const LINES: readonly HistoryReplay[] = [
  { operation: 'start', execution: running(1) },
  { operation: 'complete', execution: ended(1, 'failed', true) },
  { operation: 'start', execution: running(2) },
  { operation: 'complete', execution: ended(2, 'succeeded', false) },
];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [
      item,
      ...rest,
    ]),
  );
}

describe('replaying the history lines of a run, in every order, into a history that lost them', () => {
  it('always ends with the run as it was: succeeded at attempt 2, never running, never failed', async () => {
    const orders = permutations(LINES);
    const outcomes = new Map<string, number>();
    for (const order of orders) {
      const tables = await createUniqueTables(dynamoDb.current);
      const store = new DynamoDbExecutionStore({
        client: dynamoDb.current.createClient(),
        tableName: tables.executions,
      });
      for (const line of order) await replayHistoryWrite(line, store);
      const listed = (await store.listRuns('nightly-sync')).items[0];
      const key = `${listed?.status} at attempt ${listed?.attempt}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }

    report(
      `replay: ${orders.length} orders of a run's 4 history lines: ${[...outcomes].map(([key, count]) => `${count} ended ${key}`).join(', ')}`,
    );
    expect([...outcomes]).toEqual([['succeeded at attempt 2', orders.length]]);
  });
});
