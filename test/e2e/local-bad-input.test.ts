import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import { defineJob } from '../../shared/job/define-job';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { silentLogger } from '../../shared/logging/silent-logger';
import { eventually } from '../support/eventually';

// Bad input against the local runtime, as a caller sends it: each gets a 4xx with a JSON
// { error, message, details? } (never a 500), or is accepted and reaches a final status at
// GET /jobs/{name}/runs/{runId}. Nothing accepted is lost to a write history refuses.

const E2E_TIMEOUT_MS = 60_000;
const FINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped', 'rejected']);

function named(definition: AnyJobDefinition): AnyNamedJobDefinition {
  if (definition.name === undefined) throw new Error('Give each job of this test a name');
  return definition as AnyNamedJobDefinition;
}

const tally = named(
  defineJob({
    name: 'tally',
    input: z.unknown(),
    run: async () => JobResult.success('counted'),
  }),
);
const fanOut = named(
  defineJob({
    name: 'fan-out',
    retries: 2,
    enqueues: ['tally'],
    run: async (ctx) => {
      await ctx.enqueue('tally' as never, { total: 1e20 } as never);
      return JobResult.success();
    },
  }),
);

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startLocalRuntime({
    jobs: [tally, fanOut],
    port: 0,
    logger: silentLogger,
    appName: `e2e-${randomUUID().slice(0, 8)}`,
    retryBackoff: { baseSeconds: 0, jitter: 0 },
    shutdownGraceMs: 2_000,
    inMemory: true,
  });
}, E2E_TIMEOUT_MS);
afterAll(async () => {
  await runtime?.stop();
});

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

async function request(
  path: string,
  init: { method?: string; body?: string; contentType?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${runtime.url}${path}`, {
    method: init.method ?? 'GET',
    ...(init.body !== undefined
      ? { body: init.body, headers: { 'content-type': init.contentType ?? 'application/json' } }
      : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const trigger = (body: string, contentType?: string) =>
  request('/jobs/tally/runs', {
    method: 'POST',
    body,
    ...(contentType !== undefined ? { contentType } : {}),
  });

/** A 4xx as the contract says: JSON { error, message, details? }. */
function expectClientError(answer: Answer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(Object.keys(answer.body).sort()).toEqual(
    answer.body.details === undefined ? ['error', 'message'] : ['details', 'error', 'message'],
  );
  expect(answer.body.error).toEqual(expect.any(String));
  expect(answer.body.message).toEqual(expect.any(String));
}

/** The run's attempts, once its latest is final. */
async function finalRun(jobName: string, runId: unknown) {
  const run = await eventually(
    () => request(`/jobs/${jobName}/runs/${encodeURIComponent(String(runId))}`),
    (answer) => {
      const attempts = answer.body.attempts as
        | { status: string; willRetry?: boolean }[]
        | undefined;
      const latest = attempts?.at(-1);
      return latest !== undefined && FINAL.has(latest.status) && latest.willRetry !== true;
    },
  );
  return run.body.attempts as Record<string, unknown>[];
}

const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

describe('the local runtime, given bad input', { timeout: E2E_TIMEOUT_MS }, () => {
  it.each([
    [
      'a number the document client cannot marshal (1e20)',
      '{"input":{"n":1e20}}',
      'input.n',
      /9007199254740991/,
    ],
    ['1e400, which JSON reads as Infinity', '{"input":{"n":1e400}}', 'input.n', /Infinity/],
    ['1e-200, which underflows in DynamoDB', '{"input":{"n":1e-200}}', 'input.n', /1e-130/],
    ['a lone surrogate', '{"input":{"s":"\\udc00"}}', 'input.s', /not valid Unicode/],
    [
      'input nested 40 levels deep',
      `{"input":${nested(40)}}`,
      /^input(\.0)+$/,
      /more than 30 levels deep/,
    ],
    [
      'an idempotency key of 600 characters',
      JSON.stringify({ idempotencyKey: 'k'.repeat(600) }),
      'idempotencyKey',
      /600 characters, over the 512/,
    ],
    [
      'input that makes the message larger than a queue takes',
      JSON.stringify({ input: 'x'.repeat(300_000) }),
      'input',
      /300,\d{3} bytes, over the 256,000 bytes/,
    ],
  ])(
    'answers 400 to a trigger with %s, naming the field and the limit',
    async (_what, body, path, limit) => {
      const answer = await trigger(body);

      expectClientError(answer, 400);
      const [detail] = answer.body.details as { path: string; message: string }[];
      expect(detail?.path).toMatch(path);
      expect(detail?.message).toMatch(limit);
    },
  );

  it('answers 413 to a body over what the API reads, saying the limit', async () => {
    const answer = await trigger(JSON.stringify({ input: 'x'.repeat(2 * 1024 * 1024) }));

    expectClientError(answer, 413);
    expect(answer.body.message).toMatch(
      /over the 1,048,576 bytes the API reads.*at most 256,000 bytes/,
    );
  });

  it('answers 415 to a body of a type it does not read, saying what it reads', async () => {
    const answer = await trigger('<run/>', 'application/xml');

    expectClientError(answer, 415);
    expect(answer.body.message).toMatch(/Content-Type: application\/json/);
  });

  it.each([
    ['made up', Buffer.from('{"list":"byJob","key":{"foo":"bar"}}').toString('base64url')],
    ['not base64 of JSON', '%%%'],
    [
      'of another list',
      Buffer.from('{"list":"recentRuns","day":"2026-01-01"}').toString('base64url'),
    ],
  ])('answers 400 to a cursor %s', async (_what, cursor) => {
    expectClientError(await request(`/jobs/tally/runs?cursor=${encodeURIComponent(cursor)}`), 400);
  });

  it('answers 400 to another job’s cursor', async () => {
    for (let run = 0; run < 2; run++) {
      const { body } = await request('/jobs/fan-out/runs', { method: 'POST', body: '{}' });
      await finalRun('fan-out', body.runId);
    }
    const page = await request('/jobs/fan-out/runs?limit=1');

    expect(page.body.nextCursor).toEqual(expect.any(String));
    expectClientError(
      await request(`/jobs/tally/runs?cursor=${encodeURIComponent(String(page.body.nextCursor))}`),
      400,
    );
  });

  it('answers 400 to a run id over DynamoDB’s key limits, to show or to retry it', async () => {
    const runId = 'r'.repeat(2000);

    expectClientError(await request(`/jobs/tally/runs/${runId}`), 400);
    expectClientError(await request(`/jobs/tally/runs/${runId}/retry`, { method: 'POST' }), 400);
  });

  it.each([
    ['text SQS refuses as it is (U+FFFF)', { note: 'end\uffff' }],
    ['input nested 30 levels deep', JSON.parse(nested(30))],
    ['the largest number history stores exactly', { n: Number.MAX_SAFE_INTEGER, tiny: 1e-130 }],
    [
      'input of 200,000 bytes (more than history keeps: it runs, without its input kept)',
      { blob: 'x'.repeat(200_000) },
    ],
  ])('accepts %s, which then succeeds', async (_what, input) => {
    const answer = await trigger(JSON.stringify({ input }));

    expect(answer.status).toBe(202);
    const attempts = await finalRun('tally', answer.body.runId);
    expect(attempts.map((attempt) => attempt.status)).toEqual(['succeeded']);
  });

  it('accepts a run whose body enqueues input history cannot store: it fails for good, once, with the reason', async () => {
    const answer = await request('/jobs/fan-out/runs', { method: 'POST', body: '{}' });

    expect(answer.status).toBe(202);
    const attempts = await finalRun('fan-out', answer.body.runId);
    expect(attempts).toEqual([
      expect.objectContaining({
        status: 'failed',
        willRetry: false,
        error: expect.objectContaining({
          name: 'NonRetriableError',
          message: expect.stringContaining('input.total: 100000000000000000000 is beyond'),
        }),
      }),
    ]);
  });
});
