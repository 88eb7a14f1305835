import { describe, expect, it, onTestFinished } from 'vitest';
import { ManualClock } from '../../shared/clock/manual-clock';
import { MissingTableError } from '../../shared/errors';
import { DynamoDbJobStateStore } from '../../shared/stores/dynamodb/dynamodb-job-state-store';
import { createUniqueTables, useDynamoDb } from '../support/aws-test-servers';
import {
  describeJobStateStoreContract,
  describeTickCheckMarksContract,
} from '../support/job-state-store-contract';

const dynamoDb = useDynamoDb();

const PAUSED_AT = '2026-06-01T09:00:00.000Z';

/** Fresh tables for the test, and a way to open the store on them, as a new container would. */
async function freshTable(tableName?: string, clock = new ManualClock(PAUSED_AT)) {
  const names = await createUniqueTables(dynamoDb.current);
  const openStore = () => {
    const client = dynamoDb.current.createClient();
    onTestFinished(() => client.destroy());
    return new DynamoDbJobStateStore({
      client,
      tableName: tableName ?? names.jobState,
      clock,
    });
  };
  return { openStore };
}

describe('DynamoDbJobStateStore on dynalite', () => {
  describeJobStateStoreContract(async (clock) => (await freshTable(undefined, clock)).openStore());
  describeTickCheckMarksContract(async (clock) => (await freshTable(undefined, clock)).openStore());

  it('keeps a pause across a restart', async () => {
    const { openStore } = await freshTable();
    await openStore().setPaused('daily-report', true, 'alice');

    const state = await openStore().get('daily-report');

    expect(state).toEqual({ paused: true, pausedAt: PAUSED_AT, pausedBy: 'alice' });
  });

  it('explains a table that does not exist', async () => {
    const { openStore } = await freshTable('job-state-never-created');

    const reading = openStore().get('daily-report');

    await expect(reading).rejects.toThrow(MissingTableError);
    await expect(reading).rejects.toThrow('"job-state-never-created"');
  });
});
