import { describe, expect, it, onTestFinished } from 'vitest';
import { ManualClock } from '../../shared/clock/manual-clock';
import { MissingTableError } from '../../shared/errors';
import { DynamoDbJobStateStore } from '../../shared/stores/dynamodb/dynamodb-job-state-store';
import { createUniqueTables, useDynamoDb } from '../support/aws-test-servers';
import { describeJobStateStoreContract } from '../support/job-state-store-contract';

const dynamoDb = useDynamoDb();

const PAUSED_AT = '2026-06-01T09:00:00.000Z';

/** Fresh tables for the test, and a way to open the store on them, as a new container would. */
async function freshTable(tableName?: string) {
  const names = await createUniqueTables(dynamoDb.current);
  const openStore = () => {
    const client = dynamoDb.current.createClient();
    onTestFinished(() => client.destroy());
    return new DynamoDbJobStateStore({
      client,
      tableName: tableName ?? names.jobState,
      clock: new ManualClock(PAUSED_AT),
    });
  };
  return { openStore };
}

describe('DynamoDbJobStateStore on dynalite', () => {
  describeJobStateStoreContract(async () => (await freshTable()).openStore());

  it('keeps a pause across a restart', async () => {
    const { openStore } = await freshTable();
    await openStore().setPaused('daily-report', true, 'alice');

    const state = await openStore().get('daily-report');

    expect(state).toEqual({ paused: true, pausedAt: PAUSED_AT, pausedBy: 'alice' });
  });

  it('returns the new state from setPaused', async () => {
    const { openStore } = await freshTable();

    const state = await openStore().setPaused('daily-report', true, 'alice');

    expect(state).toEqual({ paused: true, pausedAt: PAUSED_AT, pausedBy: 'alice' });
  });

  it('resumes a paused job, forgetting when and by whom it was paused', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.setPaused('daily-report', true, 'alice');

    await store.setPaused('daily-report', false);

    expect(await openStore().get('daily-report')).toEqual({ paused: false });
  });

  it('keeps the lock of a job while pausing it', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    await store.setPaused('daily-report', true);

    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-2', expiresAt: 2000 }, 1000),
    ).toBe(false);
  });

  it('gives the lock to exactly one of many concurrent runs', async () => {
    const { openStore } = await freshTable();
    const store = openStore();

    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.acquireOverlapLock(
          'daily-report',
          { runId: `run-${index}`, expiresAt: 60_000 },
          1000,
        ),
      ),
    );

    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('lets the holder take its own lock again', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    const taken = await store.acquireOverlapLock(
      'daily-report',
      { runId: 'run-1', expiresAt: 3000 },
      1500,
    );

    expect(taken).toBe(true);
  });

  it('lets another run take an expired lock', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.acquireOverlapLock('daily-report', { runId: 'crashed', expiresAt: 2000 }, 1000);

    const taken = await store.acquireOverlapLock(
      'daily-report',
      { runId: 'run-2', expiresAt: 4000 },
      2000,
    );

    expect(taken).toBe(true);
  });

  it('frees the lock when its holder releases it', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    await store.releaseOverlapLock('daily-report', 'run-1');

    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-2', expiresAt: 2000 }, 1000),
    ).toBe(true);
  });

  it('ignores a release by a run that does not hold the lock', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);

    await store.releaseOverlapLock('daily-report', 'run-2');

    expect(
      await store.acquireOverlapLock('daily-report', { runId: 'run-3', expiresAt: 2000 }, 1000),
    ).toBe(false);
  });

  it('ignores a release of a job that was never locked', async () => {
    const { openStore } = await freshTable();
    const store = openStore();

    await store.releaseOverlapLock('daily-report', 'run-1');

    expect(await store.get('daily-report')).toEqual({});
  });

  it('keeps a pause when a lock is taken and released', async () => {
    const { openStore } = await freshTable();
    const store = openStore();
    await store.setPaused('daily-report', true, 'alice');

    await store.acquireOverlapLock('daily-report', { runId: 'run-1', expiresAt: 2000 }, 1000);
    await store.releaseOverlapLock('daily-report', 'run-1');

    expect(await store.get('daily-report')).toEqual({
      paused: true,
      pausedAt: PAUSED_AT,
      pausedBy: 'alice',
    });
  });

  it('explains a table that does not exist', async () => {
    const { openStore } = await freshTable('job-state-never-created');

    const reading = openStore().get('daily-report');

    await expect(reading).rejects.toThrow(MissingTableError);
    await expect(reading).rejects.toThrow('"job-state-never-created"');
  });
});
