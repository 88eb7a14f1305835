import { describe, expect, it } from 'vitest';
import {
  parseRunMessage,
  runMessageFor,
  runRequestFrom,
} from '../../../shared/delivery/run-message';
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
