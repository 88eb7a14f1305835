import { describe, expect, it } from 'vitest';
import { MAX_RUN_MESSAGE_BYTES } from '../../../shared/delivery/run-limits';
import {
  enqueuedRunMessageBody,
  parseRunMessage,
  runMessageBody,
  runMessageFor,
  runRequestFrom,
} from '../../../shared/delivery/run-message';
import { InvalidRunRequestError, NonRetriableError } from '../../../shared/errors';
import { runIdForKey } from '../../../shared/executor/run-id';
import type { RunRequest } from '../../../shared/executor/run-request';

describe('parseRunMessage', () => {
  it('reads a message from an SQS body of JSON text', () => {
    const parsed = parseRunMessage('{"job":"greet","input":{"who":"ada"}}');

    expect(parsed).toEqual({ ok: true, message: { job: 'greet', input: { who: 'ada' } } });
  });

  it('reads a message from a direct invocation’s event object', () => {
    const parsed = parseRunMessage({ job: 'greet', trigger: 'api', triggeredBy: 'alice' });

    expect(parsed).toEqual({
      ok: true,
      message: { job: 'greet', trigger: 'api', triggeredBy: 'alice' },
    });
  });

  it('reads a schedule tick with its scheduled time and schedule', () => {
    const tick = {
      job: 'nightly',
      trigger: 'schedule',
      scheduledTime: '2026-06-01T02:00:00Z',
      scheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/jobs/nightly',
    };

    expect(parseRunMessage(JSON.stringify(tick))).toEqual({ ok: true, message: tick });
  });

  it('leaves out every field the message does not set', () => {
    const parsed = parseRunMessage('{"job":"greet"}');

    expect(parsed.ok && Object.keys(parsed.message)).toEqual(['job']);
  });

  it('reports an unknown field by its name, so that a misspelt one is not ignored', () => {
    const parsed = parseRunMessage({ job: 'greet', imput: { who: 'ada' } });

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain('"imput"');
  });

  it('says that a body is not JSON, and what to send instead', () => {
    const parsed = parseRunMessage('{not json');

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringMatching(/^The message body is not JSON \(.+\); send \{"job"/),
    });
  });

  it('reports a message without a job', () => {
    const parsed = parseRunMessage({ input: { who: 'ada' } });

    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining('job: ') });
  });

  it('reports an empty job name', () => {
    const parsed = parseRunMessage({ job: '' });

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('job: must not be empty'),
    });
  });

  it('keeps the job a failed message names, so that it can be recorded as rejected', () => {
    const parsed = parseRunMessage({ job: 'greet', trigger: 'sometimes' });

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('trigger: '),
      job: 'greet',
    });
  });

  it('reports a scheduled time that is not an ISO date-time', () => {
    const parsed = parseRunMessage({ job: 'nightly', scheduledTime: 'yesterday' });

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('scheduledTime: '),
      job: 'nightly',
    });
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
  ])('reports a body of %s as not a run message', (_kind, body) => {
    const parsed = parseRunMessage(body);

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining('The message is not a run message'),
    });
  });
});

describe('runRequestFrom', () => {
  it("defaults the trigger to manual, and numbers no attempt: the worker numbers attempts from the run's history", () => {
    const request = runRequestFrom({ job: 'greet' }, {});

    expect(request).toStrictEqual({ jobName: 'greet', trigger: 'manual' });
  });

  it('says who triggered the run when the message does not', () => {
    const request = runRequestFrom({ job: 'greet' }, { defaultTriggeredBy: 'sqs' });

    expect(request.triggeredBy).toBe('sqs');
  });

  it('keeps who the message says triggered the run', () => {
    const request = runRequestFrom(
      { job: 'greet', triggeredBy: 'alice' },
      { defaultTriggeredBy: 'sqs' },
    );

    expect(request.triggeredBy).toBe('alice');
  });
});

describe('runMessageFor', () => {
  it('survives the round trip through a message with every field of the request', () => {
    const request: RunRequest = {
      jobName: 'send-email',
      input: { to: 'ada@example.com' },
      trigger: 'enqueue',
      runId: '01JRUNID000000000000000000',
      scheduledTime: '2026-06-01T02:00:00.000Z',
      idempotencyKey: 'enqueue:01JPARENT:send-email:1',
      triggeredBy: 'job:daily-report',
      retryOf: '01JRETRIED0000000000000000',
      parent: { jobName: 'daily-report', runId: '01JPARENT00000000000000000' },
    };

    const parsed = parseRunMessage(JSON.stringify(runMessageFor(request)));

    expect(parsed.ok && runRequestFrom(parsed.message, {})).toEqual(request);
  });

  it('drops the fields the request leaves undefined', () => {
    const message = runMessageFor({ jobName: 'greet', trigger: 'api', input: undefined });

    expect(Object.keys(message)).toEqual(['job', 'trigger']);
  });

  it("carries no attempt number, even from a request that has one: the worker numbers attempts from the run's history", () => {
    // An object with more than a RunRequest, as code written when requests had an attempt passes.
    const stale = { jobName: 'greet', trigger: 'manual' as const, attempt: 3 };

    const message = runMessageFor(stale);

    expect(message).toStrictEqual({ job: 'greet', trigger: 'manual' });
  });
});

/** `levels` objects, one inside the other, around a scalar. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

/** The issues `runMessageBody` throws for `request`, or none. */
function issuesOf(request: RunRequest): readonly { path: string; message: string }[] {
  try {
    runMessageBody(request);
    return [];
  } catch (error) {
    if (error instanceof InvalidRunRequestError) return error.issues;
    throw error;
  }
}

describe('the run message’s limits: what the queue and history can take', () => {
  it('refuses a number the document client cannot marshal, naming the field and the limit', () => {
    const parsed = parseRunMessage('{"job":"greet","runId":"run-1","input":{"n":1e20}}');

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining(
        'input.n: 100000000000000000000 is beyond the numbers history stores exactly',
      ),
      job: 'greet',
      runId: 'run-1',
    });
    expect(!parsed.ok && parsed.reason).toContain('9007199254740991');
  });

  it('refuses Infinity (1e400 in JSON) and a number that underflows', () => {
    expect(parseRunMessage('{"job":"greet","input":[1e400]}').ok).toBe(false);
    expect(parseRunMessage('{"job":"greet","input":[1e-200]}').ok).toBe(false);
  });

  it('refuses an idempotency key over 512 characters, saying its length, and names the run of that key', () => {
    const idempotencyKey = 'k'.repeat(600);

    const parsed = parseRunMessage({ job: 'greet', idempotencyKey });

    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining(
        'idempotencyKey: is 600 characters, over the 512 an idempotency key may have',
      ),
      job: 'greet',
      runId: runIdForKey('greet', idempotencyKey),
    });
  });

  it('refuses a run id that would not fit DynamoDB’s 1,024-byte key limits, counting bytes, not characters', () => {
    // 950 bytes: the failure index's sort key holds the run id after up to 74 bytes.
    const fits = 'é'.repeat(475);
    const over = 'é'.repeat(476);

    expect(parseRunMessage({ job: 'greet', runId: fits }).ok).toBe(true);
    const parsed = parseRunMessage({ job: 'greet', runId: over });
    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringContaining(
        "runId: is 952 bytes, over the 950 bytes a run id may take (DynamoDB's 1,024-byte limit for a key, less what history's indexes add to it)",
      ),
      job: 'greet',
    });
  });

  it('holds retryOf and the parent’s run id to the same limit', () => {
    const long = 'r'.repeat(951);

    expect(issuesOf({ jobName: 'greet', trigger: 'retry', retryOf: long })[0]?.path).toBe(
      'retryOf',
    );
    expect(
      issuesOf({ jobName: 'greet', trigger: 'enqueue', parent: { jobName: 'p', runId: long } })[0]
        ?.path,
    ).toBe('parent.runId');
  });

  it('refuses input nested deeper than history stores, and takes it one level shallower', () => {
    expect(parseRunMessage({ job: 'greet', input: nested(30) }).ok).toBe(true);
    expect(parseRunMessage({ job: 'greet', input: nested(31) })).toEqual({
      ok: false,
      reason: expect.stringMatching(/input(\.a)+: objects and arrays are nested more than 30/),
      job: 'greet',
    });
  });

  it('refuses a message over 256,000 bytes, saying its size and the limit', () => {
    const request: RunRequest = {
      jobName: 'greet',
      trigger: 'api',
      input: { text: 'x'.repeat(MAX_RUN_MESSAGE_BYTES) },
    };

    const issues = issuesOf(request);

    const size = Buffer.byteLength(JSON.stringify(runMessageFor(request)));
    expect(issues).toEqual([
      {
        path: 'input',
        message: expect.stringContaining(
          `makes the run message ${size.toLocaleString('en-US')} bytes, over the 256,000 bytes a run message may take`,
        ),
      },
    ]);
  });

  it('takes a message of exactly 256,000 bytes', () => {
    const overhead = Buffer.byteLength(
      JSON.stringify(runMessageFor({ jobName: 'greet', trigger: 'manual', input: '' })),
    );
    const input = 'x'.repeat(MAX_RUN_MESSAGE_BYTES - overhead);

    const body = runMessageBody({ jobName: 'greet', trigger: 'manual', input });

    expect(Buffer.byteLength(body)).toBe(MAX_RUN_MESSAGE_BYTES);
    expect(parseRunMessage(body).ok).toBe(true);
  });

  it('counts characters SQS refuses as the escapes they are sent as', () => {
    const overhead = Buffer.byteLength(JSON.stringify({ job: 'greet', input: '' }));
    // 3 bytes in UTF-8, 6 as the escape \uffff the message carries.
    const input = '\uffff'.repeat(Math.floor((MAX_RUN_MESSAGE_BYTES - overhead) / 3));

    expect(issuesOf({ jobName: 'greet', trigger: 'manual', input })[0]?.message).toMatch(
      /makes the run message/,
    );
  });

  it('sends text with U+FFFF escaped, so SQS takes it, and reads it back as it was', () => {
    const body = runMessageBody({ jobName: 'greet', trigger: 'api', input: { s: 'a\uffffb' } });

    expect(body).toBe('{"job":"greet","input":{"s":"a\\uffffb"},"trigger":"api"}');
    expect(parseRunMessage(body)).toEqual({
      ok: true,
      message: { job: 'greet', input: { s: 'a\uffffb' }, trigger: 'api' },
    });
  });

  it('refuses text that is not valid Unicode', () => {
    expect(issuesOf({ jobName: 'greet', trigger: 'api', input: { s: '\udc00' } })[0]?.path).toBe(
      'input.s',
    );
  });

  it('throws an InvalidRunRequestError naming every field over a limit, and sends nothing', () => {
    const request: RunRequest = {
      jobName: 'greet',
      trigger: 'api',
      input: { n: 1e20 },
      idempotencyKey: 'k'.repeat(513),
    };

    expect(() => runMessageBody(request)).toThrow(InvalidRunRequestError);
    expect(issuesOf(request).map((issue) => issue.path)).toEqual(['input.n', 'idempotencyKey']);
  });

  it('fails an enqueue over a limit for good: no retry of the code that sends it can change it', () => {
    let thrown: unknown;
    try {
      enqueuedRunMessageBody({ jobName: 'greet', trigger: 'enqueue', input: { n: 1e20 } });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(NonRetriableError);
    expect((thrown as Error).cause).toBeInstanceOf(InvalidRunRequestError);
    expect((thrown as Error).message).toContain('input.n: 100000000000000000000 is beyond');
  });
});
