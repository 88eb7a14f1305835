import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiRequest } from '../../../shared/api/api-request';
import { createApiHandler } from '../../../shared/api/create-api-handler';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { JobControl } from '../../../shared/control/job-control';
import { RunCancel } from '../../../shared/control/run-cancel';
import { RunTrigger } from '../../../shared/control/run-trigger';
import { InvalidCursorError } from '../../../shared/errors';
import type { Execution } from '../../../shared/executor/execution';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { runIdForKey } from '../../../shared/executor/run-id';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import type { DeadLetters } from '../../../shared/ports/dead-letters';
import type { EnqueuedRun } from '../../../shared/ports/enqueuer';
import type { ExecutionHistory, Page, PageRequest } from '../../../shared/ports/execution-history';
import type { HealthCheck } from '../../../shared/ports/health-check';
import { InMemoryRunStats } from '../../../shared/stats/in-memory-run-stats';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { noDeadLetters } from '../../support/no-dead-letters';

const nightlyReport = defineJob({
  name: 'nightly-report',
  displayName: 'Nightly report',
  description: 'Totals of the day, mailed to finance',
  schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
  queue: 'batch',
  retries: 2,
  timeout: '5 minutes',
  memoryMb: 512,
  overlap: 'skip',
  input: z
    .object({
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-11-23')
        .optional(),
      dryRun: z.boolean().default(false),
    })
    .default({ dryRun: false }),
  run: async () => JobResult.success(),
});

const sendEmail = defineJob({ name: 'send-email', run: async () => JobResult.success() });
const dormantImport = defineJob({
  name: 'dormant-import',
  paused: true,
  run: async () => JobResult.success(),
});

const NOW = '2026-11-23T12:00:00.000Z';
const ALICE = 'arn:aws:iam::123456789012:user/alice';

/**
 * History over the in-memory store, which keeps executions but does not page them: each run as
 * its latest attempt, newest first, with the offset as the cursor.
 */
class FakeExecutionHistory implements ExecutionHistory {
  constructor(private readonly store: InMemoryExecutionStore) {}

  getRun(jobName: string, runId: string): Promise<Execution[]> {
    return this.store.getRun(jobName, runId);
  }

  async listRuns(jobName: string, page?: PageRequest): Promise<Page<Execution>> {
    return pageOf(
      this.latestAttempts().filter((run) => run.jobName === jobName),
      page,
    );
  }

  async listRecentRuns(page?: PageRequest): Promise<Page<Execution>> {
    return pageOf(this.latestAttempts(), page);
  }

  async listRecentFailures(page?: PageRequest): Promise<Page<Execution>> {
    const failed = ['failed', 'timed_out', 'cancelled', 'rejected'];
    return pageOf(
      this.latestAttempts().filter((run) => failed.includes(run.status)),
      page,
    );
  }

  private latestAttempts(): Execution[] {
    const latest = new Map<string, Execution>();
    for (const execution of this.store.list()) {
      latest.set(`${execution.jobName}/${execution.runId}`, execution);
    }
    return [...latest.values()].reverse();
  }
}

function pageOf(runs: Execution[], page: PageRequest = {}): Page<Execution> {
  const limit = page.limit ?? 20;
  const offset = page.cursor === undefined ? 0 : Number(page.cursor.replace(/^offset-/, ''));
  if (page.cursor !== undefined && !/^offset-\d+$/.test(page.cursor)) {
    throw new InvalidCursorError(`"${page.cursor}" is not a cursor from this list`);
  }
  const items = runs.slice(offset, offset + limit);
  return offset + limit < runs.length
    ? { items, nextCursor: `offset-${offset + limit}` }
    : { items };
}

function execution(overrides: Partial<Execution> & Pick<Execution, 'runId'>): Execution {
  return {
    jobName: 'nightly-report',
    attempt: 1,
    maxAttempts: 3,
    trigger: 'schedule',
    status: 'succeeded',
    startedAt: '2026-11-23T02:00:00.000Z',
    completedAt: '2026-11-23T02:00:05.000Z',
    willRetry: false,
    ...overrides,
  };
}

function setup(
  options: {
    history?: ExecutionHistory;
    jobs?: readonly AnyJobDefinition[];
    healthChecks?: readonly HealthCheck[];
    deadLetters?: DeadLetters;
    stats?: InMemoryRunStats;
  } = {},
) {
  const clock = new ManualClock(NOW);
  const jobs = JobRegistry.from(options.jobs ?? [sendEmail, nightlyReport]);
  const store = new InMemoryExecutionStore();
  const jobStateStore = new InMemoryJobStateStore(() => clock.now());
  const enqueued: EnqueuedRun[] = [];
  const logger = new MemoryLogger();
  const alertConfigStore = new InMemoryAlertConfigStore();
  const handle = createApiHandler({
    jobs,
    history: options.history ?? new FakeExecutionHistory(store),
    jobStateStore,
    jobControl: new JobControl({ jobs, jobStateStore }),
    alertConfigStore,
    deadLetters: options.deadLetters ?? noDeadLetters,
    ...(options.stats ? { stats: options.stats } : {}),
    runCancel: new RunCancel({ jobs, cancellations: store, clock }),
    runTrigger: new RunTrigger({
      jobs,
      enqueuer: { enqueue: async (run) => void enqueued.push(run) },
      history: store,
      clock,
    }),
    ...(options.healthChecks ? { healthChecks: options.healthChecks } : {}),
    clock,
    logger,
  });
  const call = async (
    method: string,
    path: string,
    request: Partial<Omit<ApiRequest, 'method' | 'path'>> = {},
  ) => {
    const response = await handle({ method, path, query: {}, ...request });
    return { ...response, json: JSON.parse(response.body) };
  };
  return { call, store, jobStateStore, enqueued, logger, alertConfigStore };
}

describe('GET /health', () => {
  it('answers ok as JSON, with no checks when it was given none', async () => {
    const { call } = setup();

    const response = await call('GET', '/health');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json).toEqual({ status: 'ok', checks: {} });
  });

  it('answers 200 with each check when every one answers, and 503 naming the one that does not', async () => {
    const healthy = setup({ healthChecks: [{ name: 'executions', check: async () => {} }] });
    const failing = setup({
      healthChecks: [
        { name: 'executions', check: async () => {} },
        {
          name: 'queue:send-email',
          check: async () => {
            throw Object.assign(new Error('The specified queue does not exist.'), {
              name: 'QueueDoesNotExist',
            });
          },
        },
      ],
    });

    const ok = await healthy.call('GET', '/health');
    const notOk = await failing.call('GET', '/health');

    expect(ok.statusCode).toBe(200);
    expect(ok.json).toEqual({ status: 'ok', checks: { executions: 'ok' } });
    expect(notOk.statusCode).toBe(503);
    expect(notOk.json).toEqual({
      status: 'failing',
      checks: {
        executions: 'ok',
        'queue:send-email': 'QueueDoesNotExist: The specified queue does not exist.',
      },
    });
    expect(failing.logger.entries.map((entry) => entry.message)).toContain('A health check failed');
  });
});

describe('GET /jobs', () => {
  it('lists every job by name, with its schedule, pause state, next run and last run', async () => {
    const { call, jobStateStore, store } = setup();
    await jobStateStore.setPaused('send-email', true, 'bob');
    await store.record(execution({ runId: 'run-1', startedAt: '2026-11-22T02:00:00.000Z' }));
    await store.record(
      execution({
        runId: 'run-2',
        status: 'failed',
        startedAt: '2026-11-23T02:00:00.000Z',
        durationMs: 1500,
      }),
    );

    const response = await call('GET', '/jobs');

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({
      jobs: [
        {
          name: 'nightly-report',
          displayName: 'Nightly report',
          description: 'Totals of the day, mailed to finance',
          schedule: {
            kind: 'cron',
            expression: 'cron(0 2 * * ? *)',
            timezone: 'Europe/London',
            source: '0 2 * * *',
            description: 'At 02:00 (Europe/London)',
          },
          queue: 'batch',
          paused: false,
          nextRunAt: '2026-11-24T02:00:00.000Z',
          lastRun: {
            runId: 'run-2',
            status: 'failed',
            startedAt: '2026-11-23T02:00:00.000Z',
            durationMs: 1500,
          },
        },
        {
          name: 'send-email',
          displayName: 'send-email',
          queue: 'default',
          paused: true,
          pausedBy: 'bob',
          pausedAt: NOW,
          nextRunAt: null,
          lastRun: null,
        },
      ],
    });
  });

  it('gives a paused job no next run, where its details still list when the schedule fires', async () => {
    const { call, jobStateStore } = setup();
    await jobStateStore.setPaused('nightly-report', true, 'bob');

    const list = await call('GET', '/jobs');
    const details = await call('GET', '/jobs/nightly-report');

    expect(list.json.jobs[0]).toMatchObject({
      name: 'nightly-report',
      paused: true,
      nextRunAt: null,
    });
    expect(details.json).toMatchObject({ nextRunAt: null, paused: true });
    expect(details.json.nextFireTimes[0]).toBe('2026-11-24T02:00:00.000Z');
  });

  it('reads the jobs of a large app a few at a time, and lists them all', async () => {
    const jobs = Array.from({ length: 40 }, (_, index) =>
      defineJob({
        name: `job-${String(index).padStart(2, '0')}`,
        run: async () => JobResult.success(),
      }),
    );
    let reading = 0;
    let mostAtOnce = 0;
    const history = new (class extends FakeExecutionHistory {
      override async listRuns(jobName: string, page?: PageRequest): Promise<Page<Execution>> {
        reading++;
        mostAtOnce = Math.max(mostAtOnce, reading);
        await new Promise((resolve) => setTimeout(resolve, 1));
        reading--;
        return super.listRuns(jobName, page);
      }
    })(new InMemoryExecutionStore());
    const { call } = setup({ jobs, history });

    const response = await call('GET', '/jobs');

    expect(response.json.jobs).toHaveLength(40);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(16);
  });
});

describe('GET /jobs/{name}', () => {
  it('offers an input example only when the job’s own schema accepts it', async () => {
    const monthly = (name: string, month: z.ZodString) =>
      defineJob({ name, input: z.object({ month }), run: async () => JobResult.success() });
    const pattern = z.string().regex(/^\d{4}-\d{2}$/, 'must be yyyy-mm');
    const { call } = setup({
      jobs: [
        monthly('guessed', pattern),
        monthly('given', pattern.meta({ examples: ['2026-10'] })),
      ],
    });

    const guessed = await call('GET', '/jobs/guessed');
    const given = await call('GET', '/jobs/given');

    // A string example built from the JSON Schema ("text") fails the pattern: none is offered.
    expect(guessed.json.inputSchema).toMatchObject({ type: 'object' });
    expect(guessed.json).not.toHaveProperty('inputExample');
    expect(given.json.inputExample).toEqual({ month: '2026-10' });
  });

  it('shows the job’s options, its next five fire times and its last run', async () => {
    const { call, store } = setup();
    await store.record(execution({ runId: 'run-1', startedAt: '2026-11-22T02:00:00.000Z' }));
    await store.record(execution({ runId: 'run-2', status: 'failed' }));

    const response = await call('GET', '/jobs/nightly-report');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      name: 'nightly-report',
      queue: 'batch',
      paused: false,
      retries: 2,
      timeoutSeconds: 300,
      memoryMb: 512,
      overlap: 'skip',
      nextFireTimes: [
        '2026-11-24T02:00:00.000Z',
        '2026-11-25T02:00:00.000Z',
        '2026-11-26T02:00:00.000Z',
        '2026-11-27T02:00:00.000Z',
        '2026-11-28T02:00:00.000Z',
      ],
      lastRun: { runId: 'run-2', status: 'failed' },
    });
  });

  it('shows an on-demand job that never ran with no fire times and no last run', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/send-email');

    expect(response.statusCode).toBe(200);
    expect(response.json.nextFireTimes).toEqual([]);
    expect(response.json).not.toHaveProperty('schedule');
    expect(response.json).toMatchObject({ nextRunAt: null, lastRun: null });
  });

  it('answers 404 for an unknown job, suggesting the closest name', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nightly-reprot');

    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({
      error: 'not_found',
      message: 'There is no job named "nightly-reprot". Did you mean "nightly-report"?',
    });
  });

  it('decodes the job name in the path', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/send%2Demail');

    expect(response.statusCode).toBe(200);
    expect(response.json.name).toBe('send-email');
  });
});

describe('POST /jobs/{name}/runs', () => {
  it('enqueues an api run for the caller and answers 202 with its run id', async () => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/nightly-report/runs', {
      body: JSON.stringify({ input: { date: '2026-11-22' } }),
      principal: ALICE,
    });

    expect(response.statusCode).toBe(202);
    const { runId } = response.json;
    expect(response.headers.location).toBe(`/jobs/nightly-report/runs/${runId}`);
    expect(enqueued).toEqual([
      {
        request: {
          jobName: 'nightly-report',
          trigger: 'api',
          runId,
          input: { date: '2026-11-22' },
          triggeredBy: ALICE,
        },
      },
    ]);
  });

  it('runs a job without input when the body is empty', async () => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/send-email/runs');

    expect(response.statusCode).toBe(202);
    expect(enqueued[0]?.request).not.toHaveProperty('input');
  });

  it('answers with the run id of the idempotency key', async () => {
    const { call } = setup();
    const body = JSON.stringify({ idempotencyKey: 'invoice-42' });

    const response = await call('POST', '/jobs/send-email/runs', { body });

    expect(response.json).toEqual({ runId: runIdForKey('send-email', 'invoice-42') });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/send-email/runs', { body: '{input: 1' });

    expect(response.statusCode).toBe(400);
    expect(response.json.error).toBe('bad_request');
    expect(response.json.message).toMatch(/^The request body is not valid JSON/);
    expect(enqueued).toEqual([]);
  });

  it('answers 400 for a body that is not an object', async () => {
    const { call } = setup();

    const response = await call('POST', '/jobs/send-email/runs', { body: '[1, 2]' });

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toContain('got an array');
  });

  it('answers 400 for a body with an unknown field, naming it', async () => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/send-email/runs', {
      body: JSON.stringify({ inputs: { to: 'a@example.com' } }),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({
      error: 'bad_request',
      message:
        'The request body has unknown field "inputs"; it takes only "input" and "idempotencyKey".',
      details: [{ path: 'inputs', message: 'unknown field' }],
    });
    expect(enqueued).toEqual([]);
  });

  it('answers 400 for an idempotency key that is not a string', async () => {
    const { call } = setup();

    const response = await call('POST', '/jobs/send-email/runs', {
      body: JSON.stringify({ idempotencyKey: 42 }),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json.details).toEqual([
      { path: 'idempotencyKey', message: 'must be a non-empty string' },
    ]);
  });

  it('answers 400 with each field’s error for input that fails the job’s schema', async () => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/nightly-report/runs', {
      body: JSON.stringify({ input: { date: 'yesterday', dryRun: 'yes' } }),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json.error).toBe('bad_request');
    expect(response.json.message).toMatch(/^Input for job "nightly-report" is invalid/);
    expect(response.json.details).toEqual([
      { path: 'input.date', message: 'must be a date such as 2026-11-23' },
      { path: 'input.dryRun', message: expect.any(String) },
    ]);
    expect(enqueued).toEqual([]);
  });

  it('answers 404 for an unknown job', async () => {
    const { call } = setup();

    const response = await call('POST', '/jobs/send-emial/runs');

    expect(response.statusCode).toBe(404);
    expect(response.json.message).toContain('Did you mean "send-email"?');
  });
});

describe('GET /jobs/{name}/runs', () => {
  it('pages through the job’s runs, newest first', async () => {
    const { call, store } = setup();
    for (const runId of ['run-1', 'run-2', 'run-3']) await store.record(execution({ runId }));
    await store.record(execution({ runId: 'other', jobName: 'send-email' }));

    const first = await call('GET', '/jobs/nightly-report/runs', { query: { limit: '2' } });
    const second = await call('GET', '/jobs/nightly-report/runs', {
      query: { limit: '2', cursor: first.json.nextCursor },
    });

    expect(first.statusCode).toBe(200);
    expect(first.json.runs.map((run: Execution) => run.runId)).toEqual(['run-3', 'run-2']);
    expect(second.json.runs.map((run: Execution) => run.runId)).toEqual(['run-1']);
    expect(second.json).not.toHaveProperty('nextCursor');
  });

  it.each(['0', '101', 'ten', '2.5'])('answers 400 for limit=%s', async (limit) => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nightly-report/runs', { query: { limit } });

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toBe(
      `limit must be a whole number from 1 to 100, got "${limit}".`,
    );
  });

  it('answers 400 for a cursor the history does not know', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nightly-report/runs', {
      query: { cursor: 'bogus' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({
      error: 'bad_request',
      message: '"bogus" is not a cursor from this list',
    });
  });

  it('answers 404 for an unknown job', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nope/runs');

    expect(response.statusCode).toBe(404);
  });
});

describe('GET /jobs/{name}/runs/{runId}', () => {
  it('shows every attempt of the run, oldest first, and the run’s status at the top', async () => {
    const { call, store } = setup();
    await store.record(execution({ runId: 'run-1', status: 'failed', willRetry: true }));
    await store.record(execution({ runId: 'run-1', attempt: 2 }));

    const response = await call('GET', '/jobs/nightly-report/runs/run-1');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      runId: 'run-1',
      jobName: 'nightly-report',
      status: 'succeeded',
      willRetry: false,
      attempts: [
        { attempt: 1, status: 'failed' },
        { attempt: 2, status: 'succeeded' },
      ],
    });
  });

  it('answers 404 for an unknown run', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nightly-report/runs/run-9');

    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({
      error: 'not_found',
      message: 'Job "nightly-report" has no run "run-9"; list its runs to find the id.',
    });
  });
});

describe('POST /jobs/{name}/runs/{runId}/cancel', () => {
  const running = (runId: string) => {
    const { completedAt: _ended, ...started } = execution({ runId, status: 'running' });
    return started;
  };

  it('records who asks a running run to stop, and answers 202', async () => {
    const { call, store } = setup();
    await store.start(running('run-1'));

    const response = await call('POST', '/jobs/nightly-report/runs/run-1/cancel', {
      principal: 'arn:aws:iam::123456789012:user/alice',
    });

    expect(response.statusCode).toBe(202);
    expect(response.json).toEqual({
      jobName: 'nightly-report',
      runId: 'run-1',
      cancelledBy: 'arn:aws:iam::123456789012:user/alice',
    });
    expect(await store.cancelRequestOf('nightly-report', 'run-1')).toEqual({
      by: 'arn:aws:iam::123456789012:user/alice',
      at: NOW,
    });
  });

  it('answers 409 for a run that has ended, saying how it ended', async () => {
    const { call, store } = setup();
    await store.record(execution({ runId: 'run-2' }));

    const response = await call('POST', '/jobs/nightly-report/runs/run-2/cancel');

    expect(response.statusCode).toBe(409);
    expect(response.json.message).toBe(
      'Run "run-2" of job "nightly-report" has ended (succeeded); only a running run, or one waiting for its retry, can be cancelled.',
    );
  });

  it('answers 404 for a run the job never had, and for an unknown job', async () => {
    const { call } = setup();

    const noRun = await call('POST', '/jobs/nightly-report/runs/run-9/cancel');
    const noJob = await call('POST', '/jobs/nightly-reprot/runs/run-9/cancel');

    expect([noRun.statusCode, noJob.statusCode]).toEqual([404, 404]);
    expect(noJob.json.message).toContain('nightly-report');
  });
});

describe('run statistics', () => {
  const ended = (overrides: Partial<Execution>) =>
    execution({ runId: `run-${Math.random()}`, durationMs: 800, ...overrides });

  it('gives a job’s counts by outcome and duration percentiles over 24 hours, with each hour', async () => {
    const stats = new InMemoryRunStats();
    const { call } = setup({ stats });
    // NOW is 12:00 on 2026-11-23: the last 24 hours start at 13:00 the day before.
    await stats.record(ended({ completedAt: '2026-11-23T02:00:05.000Z' }));
    await stats.record(ended({ completedAt: '2026-11-23T02:30:00.000Z', durationMs: 20_000 }));
    await stats.record(ended({ completedAt: '2026-11-23T11:00:00.000Z', status: 'failed' }));
    await stats.record(ended({ completedAt: '2026-11-22T12:59:59.000Z' }));

    const response = await call('GET', '/jobs/nightly-report/stats');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      jobName: 'nightly-report',
      range: '24h',
      runs: 3,
      outcomes: { succeeded: 2, failed: 1 },
      p50Ms: 1_000,
      p95Ms: 30_000,
    });
    // Every hour of the range, so that a chart needs no gap filling: 13:00 yesterday to 12:00.
    const hours: { hour: string; runs: number; p95Ms: number | null }[] = response.json.hours;
    expect(hours).toHaveLength(24);
    expect(hours[0]?.hour).toBe('2026-11-22T13:00:00.000Z');
    expect(hours.at(-1)?.hour).toBe('2026-11-23T12:00:00.000Z');
    expect(hours.filter((hour) => hour.runs > 0)).toEqual([
      expect.objectContaining({ hour: '2026-11-23T02:00:00.000Z', runs: 2, p95Ms: 30_000 }),
      expect.objectContaining({ hour: '2026-11-23T11:00:00.000Z', runs: 1, p95Ms: 1_000 }),
    ]);
    expect(hours[0]).toEqual(expect.objectContaining({ runs: 0, p50Ms: null, outcomes: {} }));
  });

  it('gives every job’s totals over 7 days with GET /stats?range=7d, and refuses another range', async () => {
    const stats = new InMemoryRunStats();
    const { call } = setup({ stats });
    await stats.record(ended({ completedAt: '2026-11-20T02:00:05.000Z' }));

    const week = await call('GET', '/stats', { query: { range: '7d' } });
    const month = await call('GET', '/stats', { query: { range: '30d' } });

    expect(week.json).toEqual({
      range: '7d',
      jobs: [
        expect.objectContaining({ jobName: 'send-email', runs: 0, p50Ms: null }),
        expect.objectContaining({ jobName: 'nightly-report', runs: 1, outcomes: { succeeded: 1 } }),
      ],
    });
    expect(month.statusCode).toBe(400);
  });

  it('gives each job a trend of its hours, counting failed and timed-out runs as failures but not retries', async () => {
    const stats = new InMemoryRunStats();
    const { call } = setup({ stats });
    await stats.record(ended({ completedAt: '2026-11-23T09:10:00.000Z', status: 'failed' }));
    await stats.record(ended({ completedAt: '2026-11-23T09:20:00.000Z', status: 'timed_out' }));
    await stats.record(
      ended({ completedAt: '2026-11-23T09:30:00.000Z', status: 'failed', willRetry: true }),
    );
    await stats.record(ended({ completedAt: '2026-11-23T09:40:00.000Z' }));

    const response = await call('GET', '/stats');

    const report = response.json.jobs.find(
      (job: { jobName: string }) => job.jobName === 'nightly-report',
    );
    expect(report.trend).toHaveLength(24);
    expect(
      report.trend.find((hour: { hour: string }) => hour.hour.startsWith('2026-11-23T09')),
    ).toEqual({ hour: '2026-11-23T09:00:00.000Z', runs: 3, failures: 2 });
  });
});

describe('a job’s dead letters', () => {
  function recordingDeadLetters() {
    const calls: unknown[] = [];
    const deadLetters: DeadLetters = {
      list: async (jobName, options) => {
        calls.push(['list', jobName, options]);
        return {
          deadLetters: [
            {
              messageId: 'm-1',
              runId: 'run-1',
              sentAt: NOW,
              reason: 'retries spent: disk full',
              input: { day: '2026-11-22' },
            },
          ],
          approximateCount: 1,
        };
      },
      redrive: async (jobName, options) => {
        calls.push(['redrive', jobName, options]);
        return { redriven: [{ messageId: 'm-1', runId: 'run-9', retryOf: 'run-1' }], notFound: [] };
      },
    };
    return { calls, deadLetters };
  }

  it('lists them with GET …/dead-letters, up to ?limit', async () => {
    const { calls, deadLetters } = recordingDeadLetters();
    const { call } = setup({ deadLetters });

    const response = await call('GET', '/jobs/nightly-report/dead-letters', {
      query: { limit: '5' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({
      jobName: 'nightly-report',
      deadLetters: [
        {
          messageId: 'm-1',
          runId: 'run-1',
          sentAt: NOW,
          reason: 'retries spent: disk full',
          input: { day: '2026-11-22' },
        },
      ],
      approximateCount: 1,
    });
    expect(calls).toEqual([['list', 'nightly-report', { limit: 5 }]]);
  });

  it('redrives all of them with no body, or the ones named, and logs who did', async () => {
    const { calls, deadLetters } = recordingDeadLetters();
    const { call, logger } = setup({ deadLetters });

    const all = await call('POST', '/jobs/nightly-report/dead-letters/redrive', {
      principal: 'local:alice',
    });
    const some = await call('POST', '/jobs/nightly-report/dead-letters/redrive', {
      body: JSON.stringify({ messageIds: ['m-1'] }),
    });

    expect(all.statusCode).toBe(200);
    expect(all.json).toEqual({
      jobName: 'nightly-report',
      redriven: [{ messageId: 'm-1', runId: 'run-9', retryOf: 'run-1' }],
      notFound: [],
    });
    expect(some.statusCode).toBe(200);
    expect(calls).toEqual([
      ['redrive', 'nightly-report', {}],
      ['redrive', 'nightly-report', { messageIds: ['m-1'] }],
    ]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        message: 'Dead letters sent back to their queue',
        attributes: expect.objectContaining({ redrivenBy: 'local:alice' }),
      }),
    );
  });

  it('answers 400 for an empty list of ids or a misspelt field, and 404 for an unknown job', async () => {
    const { calls, deadLetters } = recordingDeadLetters();
    const { call } = setup({ deadLetters });

    const empty = await call('POST', '/jobs/nightly-report/dead-letters/redrive', {
      body: JSON.stringify({ messageIds: [] }),
    });
    const misspelt = await call('POST', '/jobs/nightly-report/dead-letters/redrive', {
      body: JSON.stringify({ messageId: 'm-1' }),
    });
    const unknown = await call('GET', '/jobs/nightly-reprot/dead-letters');
    const badLimit = await call('GET', '/jobs/nightly-report/dead-letters', {
      query: { limit: '0' },
    });

    expect([
      empty.statusCode,
      misspelt.statusCode,
      unknown.statusCode,
      badLimit.statusCode,
    ]).toEqual([400, 400, 404, 400]);
    expect(empty.json.details).toEqual([
      {
        path: 'messageIds',
        message: 'must list at least one message id; leave it out to redrive them all',
      },
    ]);
    expect(calls).toEqual([]);
  });
});

describe('POST /jobs/{name}/runs/{runId}/retry', () => {
  it('enqueues a retry of a failed run with its input and answers 202', async () => {
    const { call, store, enqueued } = setup();
    await store.record(
      execution({ runId: 'run-1', status: 'failed', input: { date: '2026-11-22' } }),
    );

    const response = await call('POST', '/jobs/nightly-report/runs/run-1/retry', {
      principal: ALICE,
    });

    expect(response.statusCode).toBe(202);
    expect(enqueued[0]?.request).toEqual({
      jobName: 'nightly-report',
      trigger: 'retry',
      runId: response.json.runId,
      retryOf: 'run-1',
      input: { date: '2026-11-22' },
      triggeredBy: ALICE,
    });
  });

  it('answers 409 for a run that succeeded', async () => {
    const { call, store, enqueued } = setup();
    await store.record(execution({ runId: 'run-1' }));

    const response = await call('POST', '/jobs/nightly-report/runs/run-1/retry');

    expect(response.statusCode).toBe(409);
    expect(response.json.error).toBe('conflict');
    expect(response.json.message).toContain('is succeeded');
    expect(enqueued).toEqual([]);
  });

  it('answers 404 for an unknown run', async () => {
    const { call } = setup();

    const response = await call('POST', '/jobs/nightly-report/runs/run-9/retry');

    expect(response.statusCode).toBe(404);
  });
});

describe('POST /jobs/{name}/pause and /resume', () => {
  it('pauses the job for the caller, as GET /jobs then shows', async () => {
    const { call } = setup();

    const response = await call('POST', '/jobs/send-email/pause', { principal: ALICE });
    const listed = await call('GET', '/jobs');

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({
      jobName: 'send-email',
      paused: true,
      pausedAt: NOW,
      pausedBy: ALICE,
      schedule: 'none',
    });
    expect(listed.json.jobs[1]).toMatchObject({ name: 'send-email', paused: true });
  });

  it('resumes a paused job', async () => {
    const { call, jobStateStore } = setup();
    await jobStateStore.setPaused('send-email', true);

    const response = await call('POST', '/jobs/send-email/resume');

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ jobName: 'send-email', paused: false, schedule: 'none' });
  });

  it('answers 404 for an unknown job', async () => {
    const { call } = setup();

    const response = await call('POST', '/jobs/nope/pause');

    expect(response.statusCode).toBe(404);
  });
});

describe('POST /jobs/pause and /jobs/resume: every job at once', () => {
  it('pauses every job for the caller, and resumes them all', async () => {
    const { call, jobStateStore } = setup();

    const paused = await call('POST', '/jobs/pause', { principal: ALICE });
    const states = [
      await jobStateStore.get('nightly-report'),
      await jobStateStore.get('send-email'),
    ];
    const resumed = await call('POST', '/jobs/resume', { principal: ALICE });
    const listed = await call('GET', '/jobs');

    expect(paused.statusCode).toBe(200);
    expect(paused.json).toEqual({
      paused: true,
      jobs: [
        expect.objectContaining({ jobName: 'nightly-report', paused: true, pausedBy: ALICE }),
        expect.objectContaining({ jobName: 'send-email', paused: true, pausedBy: ALICE }),
      ],
      failed: [],
    });
    expect(states.map((state) => state.paused)).toEqual([true, true]);
    expect(resumed.json.jobs.map((job: { paused: boolean }) => job.paused)).toEqual([false, false]);
    expect(listed.json.jobs.map((job: { paused: boolean }) => job.paused)).toEqual([false, false]);
  });

  it('pauses every job it can when one cannot be, and answers 500 naming it', async () => {
    const { call, jobStateStore } = setup();
    const write = jobStateStore.setPaused.bind(jobStateStore);
    jobStateStore.setPaused = async (jobName, paused, by) => {
      if (jobName === 'nightly-report') throw new Error('the table is throttled');
      return write(jobName, paused, by);
    };

    const response = await call('POST', '/jobs/pause');

    expect(response.statusCode).toBe(500);
    expect(response.json.message).toBe(
      'Could not pause 1 of 2 jobs: nightly-report (the table is throttled). The others are paused; ask again to pause the rest.',
    );
    expect(response.json.jobs).toEqual([
      expect.objectContaining({ jobName: 'send-email', paused: true }),
    ]);
    expect(response.json.failed).toEqual([
      { jobName: 'nightly-report', message: 'the table is throttled' },
    ]);
    expect((await jobStateStore.get('send-email')).paused).toBe(true);
  });
});

describe('GET /runs/recent and /runs/failures', () => {
  it('lists the runs of every job, newest first', async () => {
    const { call, store } = setup();
    await store.record(execution({ runId: 'run-1' }));
    await store.record(execution({ runId: 'run-2', jobName: 'send-email', status: 'failed' }));

    const response = await call('GET', '/runs/recent', { query: { limit: '10' } });

    expect(response.statusCode).toBe(200);
    expect(response.json.runs.map((run: Execution) => run.runId)).toEqual(['run-2', 'run-1']);
  });

  it('lists only the runs that failed', async () => {
    const { call, store } = setup();
    await store.record(execution({ runId: 'run-1' }));
    await store.record(execution({ runId: 'run-2', jobName: 'send-email', status: 'failed' }));

    const response = await call('GET', '/runs/failures');

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({
      runs: [expect.objectContaining({ runId: 'run-2', status: 'failed' })],
    });
  });
});

describe('routing', () => {
  it('answers 405 with the allowed methods for a known path and another method', async () => {
    const { call } = setup();

    const response = await call('DELETE', '/jobs/send-email/runs');

    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST, GET');
    expect(response.json.error).toBe('method_not_allowed');
  });

  it('answers 404 for a path no route serves', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobz');

    expect(response.statusCode).toBe(404);
    expect(response.json.error).toBe('not_found');
    expect(response.json.message).toMatch(/^There is no route GET \/jobz\. The API serves: /);
  });

  it('tolerates a trailing slash and a lower-case method', async () => {
    const { call } = setup();

    const response = await call('get', '/jobs/');

    expect(response.statusCode).toBe(200);
    expect(response.json.jobs).toHaveLength(2);
  });

  it('answers 400 for a path segment that is not valid URL encoding', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/%E0%A4%A');

    expect(response.statusCode).toBe(400);
    expect(response.json.error).toBe('bad_request');
  });
});

describe('unexpected errors', () => {
  it('answers 500 with a generic message and logs the error', async () => {
    const failing = new Error('connect ECONNREFUSED 10.0.0.7:8000');
    const history: ExecutionHistory = {
      getRun: async () => [],
      listRuns: async () => Promise.reject(failing),
      listRecentRuns: async () => ({ items: [] }),
      listRecentFailures: async () => ({ items: [] }),
    };
    const { call, logger } = setup({ history });

    const response = await call('GET', '/jobs/nightly-report/runs');

    expect(response.statusCode).toBe(500);
    expect(response.json.error).toBe('internal_error');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(logger.entries).toEqual([
      {
        level: 'error',
        message: 'API request failed',
        attributes: {
          method: 'GET',
          path: '/jobs/nightly-report/runs',
          error: expect.objectContaining({
            name: 'Error',
            message: 'connect ECONNREFUSED 10.0.0.7:8000',
          }),
        },
      },
    ]);
  });
});

describe('GET and PUT /jobs/{name}/alerts', () => {
  it('shows the alert config that applies to a job, and where it comes from', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nightly-report/alerts');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      jobName: 'nightly-report',
      source: 'none',
      config: { onFailure: true, emailRecipients: [], maxAlertsPerHour: 10 },
    });
  });

  it("replaces the job's own alert config, with defaults filled in", async () => {
    const { call, alertConfigStore } = setup();

    const response = await call('PUT', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({ emailRecipients: ['ops@example.com'], maxAlertsPerHour: 3 }),
    });

    expect(response.statusCode).toBe(200);
    expect(await alertConfigStore.get('nightly-report')).toMatchObject({
      source: 'job',
      config: { emailRecipients: ['ops@example.com'], maxAlertsPerHour: 3, onFailure: true },
    });
  });

  it('answers 400 with an error per invalid field, and saves nothing', async () => {
    const { call, alertConfigStore } = setup();

    const response = await call('PUT', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({
        maxAlertsPerHour: -1,
        emailRecipients: ['not an address'],
        pagerDuty: true,
      }),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json.error).toBe('bad_request');
    expect(response.json.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      'emailRecipients.0',
      'maxAlertsPerHour',
      'pagerDuty',
    ]);
    expect((await alertConfigStore.get('nightly-report')).source).toBe('none');
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    const { call } = setup();

    const response = await call('PUT', '/jobs/nightly-report/alerts', { body: '[1, 2]' });

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toContain('got an array');
  });

  it('answers 404 for an unknown job', async () => {
    const { call } = setup();

    const response = await call('GET', '/jobs/nightly-reprot/alerts');

    expect(response.statusCode).toBe(404);
  });
});

describe('PATCH /jobs/{name}/alerts', () => {
  it('changes only the fields given, keeping the recipients and secrets already set', async () => {
    const { call } = setup();
    await call('PUT', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({
        emailRecipients: ['ops@example.com'],
        slackWebhookSecret: 'jobs/slack',
      }),
    });

    const response = await call('PATCH', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({ maxAlertsPerHour: 5 }),
    });

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({
      jobName: 'nightly-report',
      source: 'job',
      config: {
        onFailure: true,
        onSuccess: false,
        onDeadLetter: true,
        onMissed: true,
        emailRecipients: ['ops@example.com'],
        slackWebhookSecret: 'jobs/slack',
        maxAlertsPerHour: 5,
      },
    });
    expect((await call('GET', '/jobs/nightly-report/alerts')).json.config).toEqual(
      response.json.config,
    );
  });

  it('removes a field given as null, so that its default applies again', async () => {
    const { call } = setup();
    await call('PUT', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({
        emailRecipients: ['ops@example.com'],
        slackWebhookSecret: 'jobs/slack',
        maxAlertsPerHour: 3,
      }),
    });

    const response = await call('PATCH', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({ slackWebhookSecret: null, maxAlertsPerHour: null }),
    });

    expect(response.statusCode).toBe(200);
    expect(response.json.config).toEqual({
      onFailure: true,
      onSuccess: false,
      onDeadLetter: true,
      onMissed: true,
      emailRecipients: ['ops@example.com'],
      maxAlertsPerHour: 10,
    });
  });

  it("starts a job without an entry of its own from the default entry's recipients", async () => {
    const { call, alertConfigStore } = setup();
    await alertConfigStore.put('_default', {
      ...(await alertConfigStore.get('_default')).config,
      emailRecipients: ['team@example.com'],
    });

    const response = await call('PATCH', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({ onSuccess: true }),
    });

    expect(response.statusCode).toBe(200);
    expect(response.json.config).toMatchObject({
      onSuccess: true,
      onFailure: true,
      emailRecipients: ['team@example.com'],
    });
  });

  it('answers 400 with the field errors of the merged config, and saves nothing', async () => {
    const { call, alertConfigStore } = setup();
    await call('PUT', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({ emailRecipients: ['ops@example.com'] }),
    });

    const response = await call('PATCH', '/jobs/nightly-report/alerts', {
      body: JSON.stringify({ maxAlertsPerHour: 0, pagerDuty: null }),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      'maxAlertsPerHour',
      'pagerDuty',
    ]);
    expect((await alertConfigStore.get('nightly-report')).config).toMatchObject({
      emailRecipients: ['ops@example.com'],
      maxAlertsPerHour: 10,
    });
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    const { call } = setup();

    const response = await call('PATCH', '/jobs/nightly-report/alerts', { body: '"onSuccess"' });

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toContain('the alert config fields to change');
  });

  it('answers 404 for an unknown job', async () => {
    const { call } = setup();

    const response = await call('PATCH', '/jobs/nightly-reprot/alerts', {
      body: JSON.stringify({ onSuccess: true }),
    });

    expect(response.statusCode).toBe(404);
    expect(response.json.message).toContain('"nightly-reprot"');
  });
});

describe('a job declared paused: true', () => {
  function setupWithDormantJob() {
    const jobs = JobRegistry.from([dormantImport]);
    const jobStateStore = new InMemoryJobStateStore();
    const handle = createApiHandler({
      jobs,
      history: new FakeExecutionHistory(new InMemoryExecutionStore()),
      jobStateStore,
      jobControl: new JobControl({ jobs, jobStateStore }),
      alertConfigStore: new InMemoryAlertConfigStore(),
      deadLetters: noDeadLetters,
      runCancel: new RunCancel({ jobs, cancellations: new InMemoryExecutionStore() }),
      runTrigger: new RunTrigger({
        jobs,
        enqueuer: { enqueue: async () => {} },
        history: new InMemoryExecutionStore(),
        clock: new ManualClock(NOW),
      }),
      clock: new ManualClock(NOW),
    });
    return async (method: string, path: string) =>
      JSON.parse((await handle({ method, path, query: {} })).body);
  }

  it('shows as paused, by its definition, before any pause state is written', async () => {
    const call = setupWithDormantJob();

    const { jobs } = await call('GET', '/jobs');
    const job = await call('GET', '/jobs/dormant-import');

    expect(jobs).toEqual([
      expect.objectContaining({
        name: 'dormant-import',
        paused: true,
        pausedBy: 'definition (paused: true)',
      }),
    ]);
    expect(job).toMatchObject({ paused: true });
  });

  it('shows as running once resumed', async () => {
    const call = setupWithDormantJob();

    await call('POST', '/jobs/dormant-import/resume');
    const job = await call('GET', '/jobs/dormant-import');

    expect(job.paused).toBe(false);
  });
});
