import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../shared/api/api-errors';
import { ManualClock } from '../../shared/clock/manual-clock';
import { InvalidCursorError } from '../../shared/errors';
import type { Execution } from '../../shared/executor/execution';
import { newRunId, runIdForKey } from '../../shared/executor/run-id';
import { silentLogger } from '../../shared/logging/silent-logger';
import type { Page, PageRequest } from '../../shared/ports/execution-history';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import { awsTestServerNames, createUniqueTables, useDynamoDb } from '../support/aws-test-servers';

const dynamoDb = useDynamoDb();

async function newStore(clock = new ManualClock('2026-11-23T12:00:00Z'), retentionDays = 30) {
  const tables = await createUniqueTables(dynamoDb.current);
  const store = new DynamoDbExecutionStore({
    client: dynamoDb.current.createClient(),
    tableName: tables.executions,
    clock,
    retentionDays,
  });
  return { store, clock, tables };
}

function running(overrides: Partial<Execution> & Pick<Execution, 'jobName' | 'runId'>): Execution {
  const startedAt = overrides.startedAt ?? '2026-11-23T12:00:00.000Z';
  return {
    attempt: 1,
    maxAttempts: 3,
    trigger: 'manual',
    status: 'running',
    startedAt,
    leaseExpiresAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
    ...overrides,
  };
}

function finished(execution: Execution, outcome: Partial<Execution>): Execution {
  const { leaseExpiresAt: _lease, ...rest } = execution;
  const completedAt = new Date(Date.parse(execution.startedAt) + 1500).toISOString();
  return {
    ...rest,
    completedAt,
    durationMs: 1500,
    status: 'succeeded',
    willRetry: false,
    ...outcome,
  };
}

describe(`DynamoDbExecutionStore on ${awsTestServerNames.dynamoDb}`, () => {
  it('writes a run and reads all its attempts back, oldest first', async () => {
    const { store } = await newStore();
    const first = running({ jobName: 'nightly-sync', runId: 'run-a', input: { full: true } });
    await store.start(first);
    await store.complete(
      finished(first, {
        status: 'failed',
        willRetry: true,
        error: { name: 'Error', message: 'db down', stack: 'Error: db down\n    at sync' },
      }),
    );
    const second = running({
      jobName: 'nightly-sync',
      runId: 'run-a',
      attempt: 2,
      startedAt: '2026-11-23T12:01:00.000Z',
    });
    expect(await store.start(second)).toEqual({ claimed: true });
    await store.complete(finished(second, { message: 'synced 10 rows', metadata: { rows: 10 } }));

    const attempts = await store.getRun('nightly-sync', 'run-a');

    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(attempts[0]?.error).toEqual({
      name: 'Error',
      message: 'db down',
      stack: 'Error: db down\n    at sync',
    });
    expect(attempts[1]).toMatchObject({ message: 'synced 10 rows', metadata: { rows: 10 } });
    expect(attempts.every((attempt) => (attempt.input as { full: boolean }).full)).toBe(true);
  });

  it('lets exactly one of 20 concurrent claims of one attempt through', async () => {
    const { store } = await newStore();
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => store.start(running({ jobName: 'tick', runId: 'tick-1' }))),
    );

    expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
    const refused = claims.find((claim) => !claim.claimed);
    expect(refused).toMatchObject({ claimed: false, existing: { status: 'running', attempt: 1 } });
  });

  it('refuses a second attempt after a success, and after a failure that will not retry', async () => {
    const { store } = await newStore();
    const done = running({ jobName: 'report', runId: 'ok' });
    await store.start(done);
    await store.complete(finished(done, {}));
    const gaveUp = running({ jobName: 'report', runId: 'bad' });
    await store.start(gaveUp);
    await store.complete(finished(gaveUp, { status: 'failed', willRetry: false }));

    const afterSuccess = await store.start(running({ jobName: 'report', runId: 'ok', attempt: 2 }));
    const afterFinal = await store.start(running({ jobName: 'report', runId: 'bad', attempt: 2 }));

    expect(afterSuccess).toMatchObject({ claimed: false, existing: { status: 'succeeded' } });
    expect(afterFinal).toMatchObject({ claimed: false, existing: { status: 'failed' } });
  });

  it('lets a later attempt take over a running one only once its lease has expired', async () => {
    const { store } = await newStore();
    const crashed = running({
      jobName: 'import',
      runId: 'r1',
      startedAt: '2026-11-23T12:00:00.000Z',
    });
    await store.start(crashed);

    const tooEarly = await store.start(
      running({
        jobName: 'import',
        runId: 'r1',
        attempt: 2,
        startedAt: '2026-11-23T12:00:30.000Z',
      }),
    );
    const afterLease = await store.start(
      running({
        jobName: 'import',
        runId: 'r1',
        attempt: 2,
        startedAt: '2026-11-23T12:01:00.000Z',
      }),
    );

    expect(tooEarly.claimed).toBe(false);
    expect(afterLease.claimed).toBe(true);
    const attempts = await store.getRun('import', 'r1');
    expect(attempts[0]).toMatchObject({
      status: 'timed_out',
      error: { name: 'AttemptAbandoned' },
    });
    expect(attempts[1]).toMatchObject({ status: 'running', attempt: 2 });
  });

  it("keeps a late attempt's outcome without undoing the attempt that took over", async () => {
    const { store } = await newStore();
    const slow = running({ jobName: 'import', runId: 'r2' });
    await store.start(slow);
    const takeover = running({
      jobName: 'import',
      runId: 'r2',
      attempt: 2,
      startedAt: '2026-11-23T12:05:00.000Z',
    });
    await store.start(takeover);

    await store.complete(finished(slow, { message: 'finished late' }));

    const attempts = await store.getRun('import', 'r2');
    expect(attempts[0]).toMatchObject({ status: 'succeeded', message: 'finished late' });
    expect(attempts[1]).toMatchObject({ status: 'running' });
    const page = await store.listRuns('import');
    expect(page.items[0]).toMatchObject({ runId: 'r2', attempt: 2, status: 'running' });
  });

  it("lists a job's runs newest first, a page at a time", async () => {
    const { store, clock } = await newStore();
    const runIds: string[] = [];
    for (let index = 0; index < 5; index++) {
      const startedAt = new Date(Date.parse('2026-11-23T10:00:00Z') + index * 60_000).toISOString();
      const runId = newRunId(Date.parse(startedAt));
      runIds.push(runId);
      const execution = running({ jobName: 'paged', runId, startedAt });
      await store.start(execution);
      await store.complete(finished(execution, {}));
    }
    await store.start(running({ jobName: 'other-job', runId: newRunId(clock.now()) }));

    const first = await store.listRuns('paged', { limit: 2 });
    const second = await store.listRuns('paged', { limit: 2, cursor: first.nextCursor });
    const third = await store.listRuns('paged', { limit: 2, cursor: second.nextCursor });

    const listed = [...first.items, ...second.items, ...third.items].map((run) => run.runId);
    expect(listed).toEqual([...runIds].reverse());
    expect(third.nextCursor).toBeUndefined();
  });

  it('lists recent runs of all jobs across days, newest first', async () => {
    const { store } = await newStore(new ManualClock('2026-11-23T12:00:00Z'));
    const starts = [
      ['a-job', '2026-11-21T08:00:00.000Z'],
      ['b-job', '2026-11-22T09:00:00.000Z'],
      ['a-job', '2026-11-23T07:00:00.000Z'],
      ['c-job', '2026-11-23T11:00:00.000Z'],
    ] as const;
    for (const [jobName, startedAt] of starts) {
      await store.start(running({ jobName, runId: newRunId(Date.parse(startedAt)), startedAt }));
    }

    const first = await store.listRecentRuns({ limit: 3 });
    const rest = await store.listRecentRuns({ limit: 3, cursor: first.nextCursor });

    expect([...first.items, ...rest.items].map((run) => [run.jobName, run.startedAt])).toEqual(
      [...starts].reverse(),
    );
  });

  it('lists runs whose latest attempt failed, and drops a run once a retry succeeds', async () => {
    const { store } = await newStore();
    const failing = running({ jobName: 'flaky', runId: 'f1' });
    await store.start(failing);
    await store.complete(finished(failing, { status: 'failed', willRetry: false }));
    const recovering = running({ jobName: 'flaky', runId: 'f2' });
    await store.start(recovering);
    await store.complete(finished(recovering, { status: 'failed', willRetry: true }));
    const retry = running({
      jobName: 'flaky',
      runId: 'f2',
      attempt: 2,
      startedAt: '2026-11-23T12:02:00.000Z',
    });
    await store.start(retry);
    await store.complete(finished(retry, {}));
    const timedOut = running({ jobName: 'slow', runId: 's1' });
    await store.start(timedOut);
    await store.complete(finished(timedOut, { status: 'timed_out', willRetry: false }));

    const failures = await store.listRecentFailures();

    expect(failures.items.map((run) => [run.jobName, run.runId, run.status])).toEqual([
      ['slow', 's1', 'timed_out'],
      ['flaky', 'f1', 'failed'],
    ]);
  });

  it('records a rejection and a duplicate as runs of their own', async () => {
    const { store } = await newStore();
    const at = '2026-11-23T12:00:00.000Z';
    await store.record({
      jobName: 'strict-input',
      runId: 'rej',
      attempt: 1,
      maxAttempts: 1,
      trigger: 'api',
      status: 'rejected',
      startedAt: at,
      completedAt: at,
      durationMs: 0,
      input: { when: 'yesterday' },
      error: { name: 'InputValidationError', message: 'input.when: Invalid date' },
      willRetry: false,
    });

    const [rejected] = await store.getRun('strict-input', 'rej');
    const failures = await store.listRecentFailures();

    expect(rejected).toMatchObject({ status: 'rejected', input: { when: 'yesterday' } });
    expect(failures.items.map((run) => run.runId)).toEqual(['rej']);
  });

  it('sets a TTL from the retention setting', async () => {
    const { store, tables } = await newStore();
    const execution = running({ jobName: 'ttl-job', runId: 't1' });
    await store.start(execution);

    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const client = dynamoDb.current.createClient();
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tables.executions,
        Key: { jobName: { S: 'ttl-job' }, runId: { S: 't1' } },
      }),
    );

    const expected = Date.parse(execution.startedAt) / 1000 + 30 * 86_400;
    expect(Number(Item?.expiresAt?.N)).toBe(expected);
  });

  it('keeps an attempt with a huge stack trace under the item limit and says what it cut', async () => {
    const { store } = await newStore();
    const execution = running({ jobName: 'noisy', runId: 'n1', maxAttempts: 4 });
    await store.start(execution);
    const stack = `Error: boom\n${'    at frame (file.ts:1:1)\n'.repeat(40_000)}`;

    await store.complete(
      finished(execution, {
        status: 'failed',
        message: 'm'.repeat(500_000),
        error: { name: 'Error', message: 'boom', stack },
      }),
    );

    const [stored] = await store.getRun('noisy', 'n1');
    expect(stored?.truncated).toEqual(expect.arrayContaining(['error.stack', 'message']));
    expect(stored?.error?.stack?.startsWith('Error: boom\n    at frame')).toBe(true);
    expect(stored?.error?.stack).toMatch(/bytes truncated to fit the history record\]$/);
    expect(JSON.stringify(stored).length).toBeLessThan(400 * 1024);
  });
});

describe(`DynamoDbExecutionStore's day lists over their buckets, on ${awsTestServerNames.dynamoDb}`, () => {
  const JOBS = ['alpha-job', 'beta-job', 'gamma-job'];

  /** Every page of a list, `limit` runs at a time, until it gives no cursor. */
  async function allPages(
    list: (page: PageRequest) => Promise<Page<Execution>>,
    limit: number,
  ): Promise<Execution[][]> {
    const pages: Execution[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ limit, cursor });
      pages.push([...page.items]);
      cursor = page.nextCursor;
      if (pages.length > 100) throw new Error('the list never ended');
    } while (cursor !== undefined);
    return pages;
  }

  /** The runs as a list shows them: newest first by `key`, one entry per run. */
  function newestFirst(runs: Execution[], key: (run: Execution) => string): string[] {
    return runs
      .map((run) => ({ key: key(run), id: `${run.jobName}/${run.runId}` }))
      .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
      .map((entry) => entry.id);
  }

  const idOf = (run: Execution) => `${run.jobName}/${run.runId}`;

  /**
   * The ids of `runs` sorted newest first by key, keeping the given order among equal keys:
   * equal to the ids as given exactly when they are in key order.
   */
  function inKeyOrderEachOnce(runs: Execution[], key: (run: Execution) => string): string[] {
    return runs
      .map((run, index) => ({ key: key(run), index, id: idOf(run) }))
      .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : a.index - b.index))
      .map((entry) => entry.id);
  }

  /** 60 runs of three jobs over two days, in threes that start at the same millisecond. */
  function sixtyRuns(): Execution[] {
    return Array.from({ length: 60 }, (_, index) => {
      const day = index < 25 ? '2026-11-22' : '2026-11-23';
      const startedAt = new Date(
        Date.parse(`${day}T08:00:00.000Z`) + Math.floor(index / 3) * 60_000,
      ).toISOString();
      const jobName = JOBS[index % 3] ?? 'alpha-job';
      return running({ jobName, runId: runIdForKey(jobName, `tick-${index}`), startedAt });
    });
  }

  async function startedDaysOf(tables: { executions: string }): Promise<Set<string>> {
    const { Items } = await dynamoDb.current
      .createClient()
      .send(new ScanCommand({ TableName: tables.executions }));
    return new Set((Items ?? []).map((item) => String(item.startedDay?.S)));
  }

  it('lists 60 runs of two days, a page of 7 at a time, newest first, each once', async () => {
    const { store, tables } = await newStore(new ManualClock('2026-11-23T12:00:00Z'), 2);
    const runs = sixtyRuns();
    // Two jobs' runs may share a run id, and then a bucket and a sort key. DynamoDB does not say
    // in which order an index returns items with equal keys (dynalite and moto differ), so the
    // list must hold each once, in key order, whatever their order among themselves.
    const shared = ['alpha-job', 'beta-job'].map((jobName) =>
      running({ jobName, runId: 'shared-id', startedAt: '2026-11-23T09:00:00.000Z' }),
    );
    for (const run of [...runs, ...shared]) {
      await store.start(run);
      if (run.runId.endsWith('0')) await store.complete(finished(run, {}));
    }

    const pages = await allPages((page) => store.listRecentRuns(page), 7);

    const listed = pages.flat().map(idOf);
    const keyOf = (run: Execution) => `${run.startedAt}#${run.runId}`;
    const expected = newestFirst([...runs, ...shared], keyOf);
    expect(inKeyOrderEachOnce(pages.flat(), keyOf)).toEqual(listed);
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(new Set(listed).size).toBe(62);
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    const days = await startedDaysOf(tables);
    expect([...days].every((day) => /^2026-11-2[23]#\d\d$/.test(day))).toBe(true);
    expect(days.size).toBeGreaterThan(16);
  });

  it('lists the failures of two days, a page of 7 at a time, newest first, each once', async () => {
    const { store } = await newStore(new ManualClock('2026-11-23T12:00:00Z'), 2);
    const runs = sixtyRuns();
    const failures: Execution[] = [];
    for (const [index, run] of runs.entries()) {
      await store.start(run);
      const status = index % 4 === 0 ? 'succeeded' : index % 4 === 1 ? 'timed_out' : 'failed';
      const ended = finished(run, { status, willRetry: false });
      await store.complete(ended);
      if (status !== 'succeeded') failures.push(ended);
    }

    const pages = await allPages((page) => store.listRecentFailures(page), 7);

    const listed = pages.flat().map(idOf);
    const expected = newestFirst(
      failures,
      (run) => `${run.completedAt}#${run.jobName}#${run.runId}`,
    );
    expect(listed).toEqual(expected);
    expect(listed).toHaveLength(45);
    expect(new Set(listed).size).toBe(45);
  });

  it('lists runs written before the buckets, under their bare day, among the new ones', async () => {
    const { store, tables, clock } = await newStore(new ManualClock('2026-11-23T12:00:00Z'), 1);
    // The store as it wrote before the buckets: the bare day in `startedDay` and `failedDay`.
    const before = new DynamoDbExecutionStore({
      client: dynamoDb.current.createClient(),
      tableName: tables.executions,
      clock,
      retentionDays: 1,
      recentIndexBuckets: 1,
    });
    const runs = sixtyRuns().slice(30, 50);
    const old = runs.filter((_, index) => index % 2 === 0);
    for (const run of runs) {
      const writer = old.includes(run) ? before : store;
      await writer.start(run);
      await writer.complete(finished(run, { status: 'failed', willRetry: true }));
    }
    // An old run's retry, by today's store: the run keeps its bare start day.
    const [retried] = old;
    if (!retried) throw new Error('no old run');
    const retry = running({ ...retried, attempt: 2, startedAt: '2026-11-23T11:00:00.000Z' });
    await store.start(retry);

    const recent = (await allPages((page) => store.listRecentRuns(page), 7)).flat();
    const failures = (await allPages((page) => store.listRecentFailures(page), 7)).flat();

    expect(recent.map(idOf)).toEqual(newestFirst(runs, (run) => `${run.startedAt}#${run.runId}`));
    expect(recent.find((run) => run.runId === retried.runId)).toMatchObject({ attempt: 2 });
    expect(failures.map(idOf)).toEqual(
      newestFirst(
        runs.filter((run) => run !== retried).map((run) => finished(run, {})),
        (run) => `${run.completedAt}#${run.jobName}#${run.runId}`,
      ),
    );
    const days = await startedDaysOf(tables);
    expect(days.has('2026-11-23')).toBe(true);
  });

  it.each([
    [
      'whose bucket is not one of the day’s',
      (cursor: DayCursorText) => ({ ...cursor, from: { '16': null } }),
    ],
    [
      'of the list before the buckets',
      (cursor: DayCursorText) => ({ list: cursor.list, day: cursor.day, key: {} }),
    ],
    [
      'with a key part that is not text',
      (cursor: DayCursorText) => ({
        ...cursor,
        from: Object.fromEntries(
          Object.keys(cursor.from ?? {}).map((stream) => [stream, [1, 2, 3]]),
        ),
      }),
    ],
    ['of the failures list', (cursor: DayCursorText) => ({ ...cursor, list: 'recentFailures' })],
  ])('refuses a cursor %s as the caller’s bad request (400)', async (_kind, tamper) => {
    const { store } = await newStore(new ManualClock('2026-11-23T12:00:00Z'), 0);
    for (const run of sixtyRuns().slice(40, 50)) await store.start(run);
    const first = await store.listRecentRuns({ limit: 3 });
    const decoded = JSON.parse(
      Buffer.from(first.nextCursor ?? '', 'base64url').toString('utf8'),
    ) as DayCursorText;
    const cursor = Buffer.from(JSON.stringify(tamper(decoded)), 'utf8').toString('base64url');

    const error = await store.listRecentRuns({ limit: 3, cursor }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(InvalidCursorError);
    const response = errorResponse(
      error,
      { method: 'GET', path: '/runs/recent', query: {} },
      silentLogger,
    );
    expect(response.statusCode).toBe(400);
  });
});

interface DayCursorText {
  readonly list: string;
  readonly day: string;
  readonly from?: Record<string, unknown>;
}
