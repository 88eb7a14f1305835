import { afterEach, describe, expect, it } from 'vitest';
import { DevProcess, type DevProject, devProject } from '../e2e/dev-process';
import { finalRuns, summary } from '../support/dev-bursts';
import { report } from './report';

/** Takes any input, as a job whose schema lets everything through would. */
const SINK_JOB = `import * as z from 'zod';
import { defineJob, JobResult } from '#shared';

export default defineJob({
  input: z.unknown(),
  run: async () => JobResult.success('stored'),
});
`;

/**
 * Enqueues to `sink` the value whose JSON text its input carries: input the API could take as
 * text, which ctx.enqueue must gate as the API does. Says the child's run id.
 */
const RELAY_JOB = `import * as z from 'zod';
import { defineJob, JobResult } from '#shared';

export default defineJob({
  input: z.object({ text: z.string() }),
  retries: 1,
  enqueues: ['sink'],
  run: async (ctx) => {
    const { runId } = await ctx.enqueue('sink', JSON.parse(ctx.input.text));
    return JobResult.success(runId);
  },
});
`;

/** A small seeded generator, so that a failure names a corpus that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Values as JSON text, so that the corpus holds what JSON.stringify would not write (1e400).
const NUMBERS = [
  '1e20',
  '-1e20',
  '1e400',
  '-1e400',
  '1e-200',
  '9007199254740993',
  '9007199254740991',
  '1e-130',
  '1e126',
  '-0',
  '0.1',
];
const STRINGS = [
  '"\\ud800"',
  '"x\\udc00"',
  '"\\uffff"',
  '"\\u0000"',
  '"é ✓ 🎉"',
  '""',
  '"\\ufffe"',
];

function valueText(next: () => number, depth = 0): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const kind =
    depth > 2
      ? pick(['number', 'string'])
      : pick(['number', 'string', 'long', 'deep', 'keys', 'object']);
  switch (kind) {
    case 'number':
      return pick(NUMBERS);
    case 'string':
      return pick(STRINGS);
    case 'long':
      return JSON.stringify('x'.repeat(Math.floor(next() * 320_000)));
    case 'deep': {
      const levels = 1 + Math.floor(next() * 45);
      const [open, close] = next() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
      return `${open.repeat(levels)}${pick(NUMBERS)}${close.repeat(levels)}`;
    }
    case 'keys':
      return pick([
        `{${JSON.stringify('k'.repeat(70_000))}:1}`,
        `{"\\udfff":1}`,
        `{"":1}`,
        `{${Array.from({ length: 5_000 }, (_, key) => `"k${key}":${key}`).join(',')}}`,
      ]);
    default:
      return `{${Array.from({ length: 1 + Math.floor(next() * 3) }, (_, field) => `"f${field}":${valueText(next, depth + 1)}`).join(',')}}`;
  }
}

const IDEMPOTENCY_KEYS = [
  '"k"',
  `"${'k'.repeat(512)}"`,
  `"${'k'.repeat(513)}"`,
  '""',
  '5',
  'null',
  '"\\ud800"',
  `"${'é'.repeat(300)}"`,
];

interface Request {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Trigger requests with odd input, odd keys, odd bodies and odd headers. */
function corpus(seed: number, count: number): Request[] {
  const next = random(seed);
  const json = { 'content-type': 'application/json' };
  const requests: Request[] = [
    { body: '[]', headers: json },
    { body: 'null', headers: json },
    { body: '{', headers: json },
    { body: '{"input":1,"other":2}', headers: json },
    { body: '{"input":1}', headers: { 'content-type': 'text/plain' } },
    { body: '{"input":1}', headers: { 'content-type': 'application/json; charset=latin1' } },
    { body: '{"input":1}', headers: { ...json, 'content-encoding': 'gzip' } },
    { body: JSON.stringify({ input: 'x'.repeat(1_100_000) }), headers: json },
  ];
  while (requests.length < count) {
    const fields = [`"input":${valueText(next)}`];
    if (next() < 0.3)
      fields.push(
        `"idempotencyKey":${IDEMPOTENCY_KEYS[Math.floor(next() * IDEMPOTENCY_KEYS.length)]}`,
      );
    requests.push({ body: `{${fields.join(',')}}`, headers: json });
  }
  return requests;
}

const SEED = 20261206;
const REQUESTS = 150;
const ENQUEUES = 60;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe(`odd and unstorable trigger requests through npm run dev (seed ${SEED})`, () => {
  it('each gets a JSON 4xx, or is accepted and reaches a final status: no 500, none lost', async () => {
    const target: DevProject = await devProject();
    cleanups.push(() => target.remove());
    await target.writeJob('sink', SINK_JOB);
    const dev = new DevProcess(target);
    cleanups.push(() => dev.kill());
    const url = await dev.url();

    const statuses = new Map<number, number>();
    const malformed: { status: number; body: string; request: string }[] = [];
    const accepted: string[] = [];
    for (const request of corpus(SEED, REQUESTS)) {
      const response = await fetch(`${url}/jobs/sink/runs`, {
        method: 'POST',
        body: request.body,
        headers: request.headers,
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const text = await response.text();
      const answer = JSON.parse(text) as Record<string, unknown>;
      if (response.status === 202) accepted.push(String(answer.runId));
      const wellFormed =
        response.status === 202 ||
        (response.status >= 400 &&
          response.status < 500 &&
          typeof answer.error === 'string' &&
          typeof answer.message === 'string' &&
          Object.keys(answer).every((key) => ['error', 'message', 'details'].includes(key)));
      if (!wellFormed)
        malformed.push({
          status: response.status,
          body: text.slice(0, 300),
          request: request.body.slice(0, 200),
        });
    }
    const runs = await finalRuns(url, 'sink', [...new Set(accepted)]);
    const counts = summary(runs);
    const clientErrors = [...statuses]
      .filter(([status]) => status >= 400 && status < 500)
      .reduce((sum, [, n]) => sum + n, 0);
    const serverErrors = [...statuses]
      .filter(([status]) => status >= 500)
      .reduce((sum, [, n]) => sum + n, 0);
    const outcomes = new Map<string, number>();
    for (const attempts of runs.values()) {
      const status = attempts?.at(-1)?.status ?? 'lost';
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
    }

    report(
      `${REQUESTS} odd trigger requests to npm run dev: ${clientErrors} answered 4xx (${[
        ...statuses,
      ]
        .filter(([s]) => s !== 202)
        .map(([s, n]) => `${n}×${s}`)
        .join(
          ', ',
        )}), ${serverErrors} 5xx, ${accepted.length} accepted (${runs.size} runs): ${counts.final} final (${[...outcomes].map(([s, n]) => `${n} ${s}`).join(', ')}), ${counts.running} running, ${counts.lost} lost`,
    );
    expect(malformed).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(clientErrors + accepted.length).toBe(REQUESTS);
    expect(counts).toEqual({ final: runs.size, running: 0, lost: 0, retrying: 0 });
  });

  it('each odd input a job body enqueues is refused for good (its run fails once, saying why) or reaches a final status', async () => {
    const target: DevProject = await devProject();
    cleanups.push(() => target.remove());
    await target.writeJob('sink', SINK_JOB);
    await target.writeJob('relay', RELAY_JOB);
    const dev = new DevProcess(target);
    cleanups.push(() => dev.kill());
    const url = await dev.url();

    const next = random(SEED + 1);
    const relays: string[] = [];
    while (relays.length < ENQUEUES) {
      const text = valueText(next);
      const response = await fetch(`${url}/jobs/relay/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input: { text } }),
      });
      // Text the API cannot take as it is (its own lone surrogates, too large) is not the point here.
      if (response.status === 202)
        relays.push(((await response.json()) as { runId: string }).runId);
    }
    const relayRuns = await finalRuns(url, 'relay', relays);
    const children = [...relayRuns.values()]
      .map((attempts) => attempts?.at(-1))
      .filter((attempt) => attempt?.status === 'succeeded')
      .map((attempt) => attempt?.message ?? '');
    const childRuns = await finalRuns(url, 'sink', children);
    const refused = [...relayRuns.values()].filter(
      (attempts) =>
        attempts?.length === 1 &&
        attempts[0]?.status === 'failed' &&
        attempts[0].error?.name === 'NonRetriableError',
    ).length;
    const relayCounts = summary(relayRuns);
    const childCounts = summary(childRuns);

    report(
      `${ENQUEUES} odd inputs enqueued by a job body under npm run dev: ${refused} refused at ctx.enqueue (each run failed once, for good), ${children.length} enqueued: ${childCounts.final} final, ${childCounts.running} running, ${childCounts.lost} lost; relaying runs ${relayCounts.final} final, ${relayCounts.lost} lost`,
    );
    expect(relayCounts).toEqual({ final: ENQUEUES, running: 0, lost: 0, retrying: 0 });
    expect(refused + children.length).toBe(ENQUEUES);
    expect(refused).toBeGreaterThan(0);
    expect(childCounts).toEqual({ final: children.length, running: 0, lost: 0, retrying: 0 });
  });
});
