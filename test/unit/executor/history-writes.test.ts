import { describe, expect, it } from 'vitest';
import { HistoryWriteError } from '../../../shared/errors';
import type { Execution } from '../../../shared/executor/execution';
import {
  historyReplayOf,
  replayHistoryWrite,
  withHistoryWriteErrors,
} from '../../../shared/executor/history-writes';
import type { ExecutionStore } from '../../../shared/ports/execution-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';

function succeeded(overrides: Partial<Execution> = {}): Execution {
  return {
    jobName: 'daily-report',
    runId: 'run-1',
    attempt: 1,
    maxAttempts: 3,
    trigger: 'manual',
    status: 'succeeded',
    startedAt: '2026-06-01T09:00:00.000Z',
    completedAt: '2026-06-01T09:00:01.500Z',
    durationMs: 1500,
    willRetry: false,
    ...overrides,
  };
}

/** A store whose every write fails with `cause`. */
function failingStore(cause: Error): ExecutionStore {
  return {
    start: async () => Promise.reject(cause),
    complete: async () => Promise.reject(cause),
    record: async () => Promise.reject(cause),
    getRun: async () => Promise.reject(cause),
  };
}

describe('withHistoryWriteErrors', () => {
  it.each(['start', 'complete', 'record'] as const)(
    'wraps a failed %s in a HistoryWriteError carrying the execution',
    async (operation) => {
      const cause = new Error('Rate exceeded');
      const execution = succeeded();
      const store = withHistoryWriteErrors(failingStore(cause));

      const writing = store[operation](execution);

      await expect(writing).rejects.toThrow(HistoryWriteError);
      await expect(writing).rejects.toMatchObject({
        operation,
        execution,
        cause,
        message: `Could not ${operation} history for a run: Rate exceeded`,
      });
    },
  );

  it('passes what a write returns through unchanged', async () => {
    const store = withHistoryWriteErrors(new InMemoryExecutionStore());

    const claim = await store.start(succeeded({ status: 'running' }));

    expect(claim).toEqual({ claimed: true });
  });

  it('leaves a failed read as it was: only writes carry an outcome', async () => {
    const cause = new Error('Rate exceeded');
    const store = withHistoryWriteErrors(failingStore(cause));

    await expect(store.getRun('daily-report', 'run-1')).rejects.toBe(cause);
  });
});

describe('historyReplayOf', () => {
  it('keeps the operation and the execution of the failed write', () => {
    const execution = succeeded();
    const error = new HistoryWriteError('complete', execution, { cause: new Error('down') });

    expect(historyReplayOf(error)).toEqual({ operation: 'complete', execution });
  });
});

describe('replayHistoryWrite', () => {
  const replay = { operation: 'complete' as const, execution: succeeded() };
  const logLine = {
    level: 'ERROR',
    message: 'History write failed after retries; the message is left for redelivery',
    messageId: 'm-1',
    replay,
  };

  it.each([
    ['the whole log line as JSON', JSON.stringify(logLine)],
    ['the log entry with its replay attribute', { replay }],
    ['the replay attribute itself', replay],
  ])('records the execution from %s', async (_form, entry) => {
    const store = new InMemoryExecutionStore();

    const replayed = await replayHistoryWrite(entry, store);

    expect(replayed).toEqual({ execution: replay.execution, applied: true });
    expect(await store.getRun('daily-report', 'run-1')).toEqual([replay.execution]);
  });

  it.each([
    ['an object without a replay', { message: 'hello' }],
    ['a replay without an execution', { replay: { operation: 'complete' } }],
    ['a log line without a run id', JSON.stringify({ replay: { execution: { jobName: 'x' } } })],
  ])('rejects %s with a TypeError', async (_kind, entry) => {
    const store = new InMemoryExecutionStore();

    const replaying = replayHistoryWrite(entry as never, store);

    await expect(replaying).rejects.toThrow(TypeError);
    await expect(replaying).rejects.toThrow('Not a history replay entry');
  });
});

describe('replayHistoryWrite with input that is not an entry', () => {
  it.each(['not json', 'null', '42'])('rejects %j with the shape it expects', async (line) => {
    const store = new InMemoryExecutionStore();

    await expect(replayHistoryWrite(line, store)).rejects.toThrow(/Not a history replay entry/);
  });
});

describe('replayHistoryWrite, in any order and any number of times', () => {
  const running = (attempt: number, startedAt: string): Execution => ({
    ...succeeded({ attempt, startedAt }),
    status: 'running',
    leaseExpiresAt: '2026-06-01T10:00:00.000Z',
  });
  const failedRetrying = (attempt: number): Execution =>
    succeeded({ attempt, status: 'failed', willRetry: true, message: 'down' });

  it('writes the outcome of an attempt that history has running', async () => {
    const store = new InMemoryExecutionStore();
    await store.start(running(1, '2026-06-01T09:00:00.000Z'));

    const result = await replayHistoryWrite(
      { operation: 'complete', execution: succeeded() },
      store,
    );

    expect(result.applied).toBe(true);
    expect(await store.getRun('daily-report', 'run-1')).toMatchObject([{ status: 'succeeded' }]);
  });

  it("never moves a run back: attempt 1's outcome after attempt 2 succeeded is ignored, and says so", async () => {
    const store = new InMemoryExecutionStore();
    await store.start(running(1, '2026-06-01T09:00:00.000Z'));
    await store.complete(failedRetrying(1));
    await store.start(running(2, '2026-06-01T09:01:00.000Z'));
    await store.complete(succeeded({ attempt: 2, startedAt: '2026-06-01T09:01:00.000Z' }));

    const result = await replayHistoryWrite(
      { operation: 'complete', execution: succeeded({ attempt: 1, status: 'failed' }) },
      store,
    );

    expect(result).toMatchObject({
      applied: false,
      reason: 'attempt 2 came after attempt 1, whose outcome history has',
    });
    expect((await store.getRun('daily-report', 'run-1')).map((attempt) => attempt.status)).toEqual([
      'failed',
      'succeeded',
    ]);
  });

  it("moves a run forward: attempt 2's outcome, whose claim history lost, after attempt 1's", async () => {
    const store = new InMemoryExecutionStore();
    await store.start(running(1, '2026-06-01T09:00:00.000Z'));
    await store.complete(failedRetrying(1));

    const result = await replayHistoryWrite(
      {
        operation: 'complete',
        execution: succeeded({ attempt: 2, startedAt: '2026-06-01T09:01:00.000Z' }),
      },
      store,
    );

    expect(result.applied).toBe(true);
    expect((await store.getRun('daily-report', 'run-1')).map((attempt) => attempt.status)).toEqual([
      'failed',
      'succeeded',
    ]);
  });

  it('ignores an outcome replayed over an outcome history already has', async () => {
    const store = new InMemoryExecutionStore();
    await store.start(running(1, '2026-06-01T09:00:00.000Z'));
    await store.complete(succeeded());

    const result = await replayHistoryWrite(
      { operation: 'complete', execution: succeeded({ status: 'failed', message: 'late' }) },
      store,
    );

    expect(result).toMatchObject({ applied: false, reason: expect.stringContaining('succeeded') });
    expect(await store.getRun('daily-report', 'run-1')).toMatchObject([{ status: 'succeeded' }]);
  });

  it('ignores a start, whose attempt never ran, rather than leave the run running', async () => {
    const store = new InMemoryExecutionStore();

    const result = await replayHistoryWrite(
      { operation: 'start', execution: running(1, '2026-06-01T09:00:00.000Z') },
      store,
    );

    expect(result).toMatchObject({ applied: false, reason: expect.stringContaining('never ran') });
    expect(await store.getRun('daily-report', 'run-1')).toEqual([]);
  });

  it('writes a rejection only under a run id that has nothing yet', async () => {
    const store = new InMemoryExecutionStore();
    await store.start(running(1, '2026-06-01T09:00:00.000Z'));
    await store.complete(succeeded());
    const rejected = succeeded({ status: 'rejected', message: 'bad input' });

    const result = await replayHistoryWrite({ operation: 'record', execution: rejected }, store);

    expect(result.applied).toBe(false);
    expect(await store.getRun('daily-report', 'run-1')).toMatchObject([{ status: 'succeeded' }]);
  });
});
