import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mayStartAttempt } from '../../../shared/executor/attempt-claim';
import type { Execution } from '../../../shared/executor/execution';
import type { ExecutionStore } from '../../../shared/ports/execution-store';
import type { MissedRunRecorder } from '../../../shared/ports/missed-runs';
import type { RunCancellations } from '../../../shared/ports/run-cancellations';
import { DynamoDbExecutionStore } from '../../../shared/stores/dynamodb/dynamodb-execution-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import {
  awsTestServerNames,
  createUniqueTables,
  useDynamoDb,
} from '../../support/aws-test-servers';
import {
  at,
  CLAIM_CASES,
  ended,
  failedWillRetry,
  LEASE_MS,
  missedTick,
  running,
  STARTED,
  seedLatestAttempt,
} from './execution-store-claims';

/** A run id no other test uses, so that tests sharing a store or a table never meet. */
function uniqueRunId(): string {
  return `run-${randomUUID()}`;
}

/**
 * The behaviours the `ExecutionStore` port promises (its TSDoc and `mayStartAttempt`), written
 * once and run against every adapter: the test invoker is only as honest as its in-memory
 * store is faithful to the DynamoDB one production runs. `makeStore` gives a store each test
 * may write to; tests keep apart by their run ids.
 */
function describeExecutionStoreContract(
  name: string,
  makeStore: () => Promise<ExecutionStore>,
): void {
  describe(`${name}, as every ExecutionStore behaves`, () => {
    it('claims the first attempt of a new run and records it running', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);

      const claim = await store.start(first);

      expect(claim).toEqual({ claimed: true });
      expect(await store.getRun('contract-job', runId)).toEqual([first]);
    });

    it('refuses a second claim of the same attempt, naming the attempt that holds the run', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));

      const again = await store.start(running(runId, 1, at(1000)));

      expect(again).toEqual({ claimed: false, existing: running(runId, 1) });
      expect(await store.getRun('contract-job', runId)).toHaveLength(1);
    });

    it('lets at most one of concurrent claims of one run claim it', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();

      const claims = await Promise.all(
        Array.from({ length: 5 }, (_, index) => store.start(running(runId, 1, at(index)))),
      );

      expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
      expect(await store.getRun('contract-job', runId)).toHaveLength(1);
    });

    it('creates a run only with its first attempt', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();

      const claim = await store.start(running(runId, 2));

      expect(claim).toEqual({ claimed: false });
      expect(await store.getRun('contract-job', runId)).toEqual([]);
    });

    it('claims the attempt after a failed one that will retry, never one that skips a number', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);
      await store.start(first);
      await store.complete(failedWillRetry(first));

      const skipping = await store.start(running(runId, 3, at(60_000)));
      const next = await store.start(running(runId, 2, at(60_000)));

      expect(skipping.claimed).toBe(false);
      expect(next).toEqual({ claimed: true });
      expect((await store.getRun('contract-job', runId)).map((attempt) => attempt.attempt)).toEqual(
        [1, 2],
      );
    });

    it('refuses a retry again once another delivery claimed it', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);
      await store.start(first);
      await store.complete(failedWillRetry(first));
      const retry = running(runId, 2, at(60_000));
      await store.start(retry);

      const again = await store.start(running(runId, 2, at(61_000)));

      expect(again).toEqual({ claimed: false, existing: retry });
    });

    it('refuses the next attempt after one that ended without promising a retry', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);
      await store.start(first);
      const outcome = ended(first, { status: 'failed', willRetry: false });
      await store.complete(outcome);

      const next = await store.start(running(runId, 2, at(60_000)));

      expect(next).toEqual({ claimed: false, existing: outcome });
    });

    it('refuses to take over a running attempt before its lease expires', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));

      const early = await store.start(running(runId, 2, at(LEASE_MS - 1)));

      expect(early).toEqual({ claimed: false, existing: running(runId, 1) });
    });

    it('takes over a running attempt whose lease expired, recording it as abandoned', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));
      const takeover = running(runId, 2, at(LEASE_MS));

      const claim = await store.start(takeover);

      expect(claim).toEqual({ claimed: true });
      const [abandoned, latest] = await store.getRun('contract-job', runId);
      expect(abandoned).toMatchObject({
        attempt: 1,
        status: 'timed_out',
        completedAt: takeover.startedAt,
        willRetry: true,
        error: { name: 'AttemptAbandoned' },
      });
      expect(abandoned?.leaseExpiresAt).toBeUndefined();
      expect(latest).toEqual(takeover);
    });

    it('records the outcome of a claimed attempt', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);
      await store.start(first);
      const outcome = ended(first, { message: 'synced 10 rows', metadata: { rows: 10 } });

      await store.complete(outcome);

      expect(await store.getRun('contract-job', runId)).toEqual([outcome]);
    });

    it('keeps the late outcome of an attempt that was taken over without displacing the later one', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);
      await store.start(first);
      const takeover = running(runId, 2, at(LEASE_MS));
      await store.start(takeover);
      const lateOutcome = ended(first, { completedAt: at(LEASE_MS + 5000), durationMs: 65_000 });

      await store.complete(lateOutcome);

      expect(await store.getRun('contract-job', runId)).toEqual([lateOutcome, takeover]);
    });

    it('refuses to complete an attempt that was never started', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();

      const completing = store.complete(ended(running(runId, 1), {}));

      await expect(completing).rejects.toThrow(/it was never started/);
      expect(await store.getRun('contract-job', runId)).toEqual([]);
    });

    it('records an execution that never started', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const rejected: Execution = {
        jobName: 'contract-job',
        runId,
        attempt: 1,
        maxAttempts: 3,
        trigger: 'api',
        status: 'rejected',
        startedAt: STARTED,
        completedAt: STARTED,
        durationMs: 0,
        input: { rows: 'ten' },
        error: { name: 'InputValidationError', message: 'rows must be a number' },
      };

      await store.record(rejected);

      expect(await store.getRun('contract-job', runId)).toEqual([rejected]);
    });

    it('gives every attempt of a run, oldest first', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = running(runId, 1);
      await store.start(first);
      await store.complete(failedWillRetry(first));
      const second = running(runId, 2, at(60_000));
      await store.start(second);
      await store.complete(failedWillRetry(second));
      const third = running(runId, 3, at(120_000));
      await store.start(third);
      await store.complete(ended(third, {}));

      const attempts = await store.getRun('contract-job', runId);

      expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'succeeded'],
      ]);
    });

    it('gives no attempts for a run that does not exist', async () => {
      const store = await makeStore();

      expect(await store.getRun('contract-job', uniqueRunId())).toEqual([]);
    });

    it('keeps runs of different jobs with the same run id apart', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const nightly = running(runId, 1, STARTED, 'contract-nightly');
      const hourly = running(runId, 1, STARTED, 'contract-hourly');

      const claims = [await store.start(nightly), await store.start(hourly)];

      expect(claims).toEqual([{ claimed: true }, { claimed: true }]);
      expect(await store.getRun('contract-nightly', runId)).toEqual([nightly]);
      expect(await store.getRun('contract-hourly', runId)).toEqual([hourly]);
    });

    describe('claims an attempt exactly when mayStartAttempt allows it', () => {
      it.each(CLAIM_CASES)('$name: claimed $claims', async ({ latest, candidate, claims }) => {
        const store = await makeStore();
        const runId = uniqueRunId();
        const seeded = latest && { ...latest, runId };
        await seedLatestAttempt(store, seeded);
        const stored = (await store.getRun(candidate.jobName, runId)).at(-1);

        const claiming = { ...candidate, runId };

        const claim = await store.start(claiming);

        expect(stored).toEqual(seeded);
        expect(mayStartAttempt(stored, claiming)).toBe(claims);
        expect(claim.claimed).toBe(claims);
      });
    });
  });
}

/**
 * The missed-run check's writes (`MissedRunRecorder`): a tick's report only where the tick has no
 * run, and a late claim of the tick's first attempt replaces it, as the claim rule says.
 */
function describeMissedRunRecorderContract(
  name: string,
  makeStore: () => Promise<ExecutionStore & MissedRunRecorder>,
): void {
  describe(`${name}, as every MissedRunRecorder behaves`, () => {
    it('records a tick that has no run as missed, once', async () => {
      const store = await makeStore();
      const missed = missedTick(uniqueRunId());

      const first = await store.recordMissed(missed);
      const again = await store.recordMissed({
        ...missed,
        completedAt: '2026-11-23T07:15:00.000Z',
      });

      expect([first, again]).toEqual([true, false]);
      expect(await store.getRun(missed.jobName, missed.runId)).toEqual([missed]);
    });

    it('leaves a tick that started its run as it is', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));

      const recorded = await store.recordMissed(missedTick(runId));

      expect(recorded).toBe(false);
      expect(await store.getRun('contract-job', runId)).toEqual([running(runId, 1)]);
    });

    it('lets the tick’s late first attempt replace the report, and run as a new run does', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.recordMissed(missedTick(runId));
      const late = running(runId, 1, at(20 * 60_000));

      const claim = await store.start(late);
      await store.complete(ended(late, {}));

      expect(claim).toEqual({ claimed: true });
      expect(await store.getRun('contract-job', runId)).toEqual([ended(late, {})]);
    });
  });
}

/**
 * The cancel requests both stores keep with a run (`RunCancellations`): recorded only while the
 * run can still be stopped, the first asker kept, and read back as the worker reads them.
 */
function describeRunCancellationsContract(
  name: string,
  makeStore: () => Promise<ExecutionStore & RunCancellations>,
): void {
  describe(`${name}, as every RunCancellations behaves`, () => {
    const ALICE = { by: 'alice', at: '2026-11-23T12:00:05.000Z' };

    it('records a cancel request of a running run, and reads it back', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));

      const result = await store.requestCancel('contract-job', runId, ALICE);

      expect(result).toEqual({ requested: true });
      expect(await store.cancelRequestOf('contract-job', runId)).toEqual(ALICE);
    });

    it('records one for a run waiting for its retry', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));
      await store.complete(failedWillRetry(running(runId, 1)));

      expect(await store.requestCancel('contract-job', runId, ALICE)).toEqual({ requested: true });
    });

    it('keeps the first request: who cancelled is who asked first', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));

      await store.requestCancel('contract-job', runId, ALICE);
      await store.requestCancel('contract-job', runId, {
        by: 'bob',
        at: '2026-11-23T12:00:09.000Z',
      });

      expect(await store.cancelRequestOf('contract-job', runId)).toEqual(ALICE);
    });

    it('refuses a run that has ended, saying how, and one that does not exist', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));
      const succeeded = ended(running(runId, 1), {});
      await store.complete(succeeded);

      const ended_ = await store.requestCancel('contract-job', runId, ALICE);
      const unknown = await store.requestCancel('contract-job', uniqueRunId(), ALICE);

      expect(ended_).toEqual({ requested: false, latest: succeeded });
      expect(unknown).toEqual({ requested: false });
      expect(await store.cancelRequestOf('contract-job', runId)).toBeUndefined();
    });

    it('leaves the run’s attempts as they were', async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      await store.start(running(runId, 1));

      await store.requestCancel('contract-job', runId, ALICE);

      expect(await store.getRun('contract-job', runId)).toEqual([running(runId, 1)]);
    });
  });
}

const dynamoDb = useDynamoDb();

/** A DynamoDB store over a table of its own, on the test server. */
async function dynamoDbExecutionStore(): Promise<DynamoDbExecutionStore> {
  const tables = await createUniqueTables(dynamoDb.current);
  return new DynamoDbExecutionStore({
    client: dynamoDb.current.createClient(),
    tableName: tables.executions,
  });
}

describeRunCancellationsContract(
  'InMemoryExecutionStore',
  async () => new InMemoryExecutionStore(),
);

describeRunCancellationsContract(
  `DynamoDbExecutionStore on ${awsTestServerNames.dynamoDb}`,
  dynamoDbExecutionStore,
);

describeExecutionStoreContract('InMemoryExecutionStore', async () => new InMemoryExecutionStore());

describeMissedRunRecorderContract(
  'InMemoryExecutionStore',
  async () => new InMemoryExecutionStore(),
);

describeMissedRunRecorderContract(
  `DynamoDbExecutionStore on ${awsTestServerNames.dynamoDb}`,
  dynamoDbExecutionStore,
);

describeExecutionStoreContract(
  `DynamoDbExecutionStore on ${awsTestServerNames.dynamoDb}`,
  dynamoDbExecutionStore,
);
