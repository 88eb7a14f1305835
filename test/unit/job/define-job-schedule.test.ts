import { afterEach, beforeEach, describe, expect, it, test, vi } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../../shared/job/define-job';
import type { StandardSchemaV1 } from '../../../shared/job/standard-schema';
import { definitionIssues, noop } from './definition-issues';

describe('defineJob schedule', () => {
  it('accepts a 5-field cron in a time zone', () => {
    const job = defineJob({
      name: 'nightly',
      schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
      run: noop,
    });

    expect(job.schedule).toMatchObject({ kind: 'cron', timezone: 'Europe/London' });
  });

  it('accepts a rate', () => {
    const job = defineJob({ name: 'poller', schedule: { rate: '15 minutes' }, run: noop });

    expect(job.schedule).toMatchObject({ kind: 'rate', expression: 'rate(15 minutes)' });
  });

  it('leaves a job without a schedule on-demand only', () => {
    const job = defineJob({ name: 'on-demand', run: noop });

    expect(job.schedule).toBeUndefined();
  });

  test.each([
    ['a cron', { cron: '0 2 * * *', timezone: 'Mars/Olympus' }],
    ['an at', { at: '2999-01-01T00:00:00', timezone: 'Europe/Londres' }],
  ])('rejects %s in an unknown time zone, naming the zone', (_case, schedule) => {
    const issues = definitionIssues({ name: 'nightly', schedule, run: noop });

    expect(issues).toEqual([
      {
        field: 'schedule.timezone',
        message: expect.stringMatching(
          new RegExp(`^unknown time zone "${schedule.timezone}"; use an IANA name such as`),
        ),
      },
    ]);
  });

  it('rejects a time zone on a rate, which has none', () => {
    const issues = definitionIssues({
      name: 'poller',
      schedule: { rate: '5 minutes', timezone: 'UTC' },
      run: noop,
    });

    expect(issues).toEqual([
      { field: 'schedule.timezone', message: expect.stringContaining('remove timezone') },
    ]);
  });

  it('tells a seconds-first cron to drop its seconds, not to wrap it in cron(...)', () => {
    const issues = definitionIssues({
      name: 'nightly',
      schedule: { cron: '0 0 2 * * *' },
      run: noop,
    });

    expect(issues).toEqual([
      {
        field: 'schedule.cron',
        message: expect.stringContaining('6 fields starting with seconds (Quartz style)'),
      },
    ]);
    expect(issues[0]?.message).toContain('Drop the seconds: "0 2 * * *"');
    expect(issues[0]?.message).not.toContain("write Scheduler's 6-field form");
  });

  test.each([
    ['the wrong number of fields', '0 2 * *', 'takes 5 fields'],
    ['a minute out of range', '61 2 * * *', '61'],
    ['words', 'every night', '"every night"'],
  ])('rejects a cron with %s, showing what was given', (_case, cron, detail) => {
    const issues = definitionIssues({ name: 'nightly', schedule: { cron }, run: noop });

    expect(issues).toEqual([
      {
        field: 'schedule.cron',
        message: expect.stringMatching(
          new RegExp(`^"${escapeRegExp(cron)}" is not a valid schedule: `),
        ),
      },
    ]);
    expect(issues[0]?.message).toContain(detail);
  });

  test.each([
    ['an unknown unit', '15 fortnights', 'unknown unit "fortnights"'],
    ['seconds, below the shortest rate', '30 seconds', 'shortest rate is 1 minute'],
    ['a zero value', '0 minutes', 'at least 1'],
    ['no unit', '15', 'a whole number and a unit'],
  ])('rejects a rate with %s', (_case, rate, detail) => {
    const issues = definitionIssues({ name: 'poller', schedule: { rate }, run: noop });

    expect(issues).toEqual([
      {
        field: 'schedule.rate',
        message: expect.stringContaining(`"${rate}" is not a valid schedule`),
      },
    ]);
    expect(issues[0]?.message).toContain(detail);
  });

  test.each([
    ['not a date-time', 'tomorrow', 'yyyy-mm-ddThh:mm:ss'],
    ['an offset', '2999-01-01T00:00:00Z', 'without an offset'],
    ['a day not in the calendar', '2999-02-30T00:00:00', 'not a date in the calendar'],
    ['a time not on the clock', '2999-01-01T25:00:00', 'not a time of day'],
  ])('rejects an at with %s', (_case, at, detail) => {
    const issues = definitionIssues({ name: 'one-off', schedule: { at }, run: noop });

    expect(issues).toEqual([
      { field: 'schedule.at', message: expect.stringContaining(`"${at}" is not a valid schedule`) },
    ]);
    expect(issues[0]?.message).toContain(detail);
  });

  test.each([
    ['not an object', 'daily', 'a schedule is an object'],
    ['empty', {}, 'needs one of cron, rate or at'],
    [
      'both cron and rate',
      { cron: '0 2 * * *', rate: '1 hour' },
      'exactly one of cron, rate or at',
    ],
    ['an unknown key', { cron: '0 2 * * *', tz: 'UTC' }, 'unknown schedule option "tz"'],
  ])('rejects a schedule that is %s', (_case, schedule, detail) => {
    const issues = definitionIssues({ name: 'nightly', schedule, run: noop });

    expect(issues).toEqual([{ field: 'schedule', message: expect.stringContaining(detail) }]);
  });

  it('rejects a cron that is not a string', () => {
    const issues = definitionIssues({ name: 'nightly', schedule: { cron: 5 }, run: noop });

    expect(issues).toEqual([
      { field: 'schedule.cron', message: expect.stringContaining('cron must be a string') },
    ]);
  });
});

describe('defineJob schedule.at and the current time', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects an at time in the past, saying the job would never run', () => {
    const issues = definitionIssues({
      name: 'one-off',
      schedule: { at: '2026-05-31T23:00:00' },
      run: noop,
    });

    expect(issues).toEqual([
      {
        field: 'schedule.at',
        message:
          '2026-05-31T23:00:00 (UTC) is in the past, so the job would never run; set a future time, or delete the job file once it has run',
      },
    ]);
  });

  it('rejects an at time that is exactly now', () => {
    const issues = definitionIssues({
      name: 'one-off',
      schedule: { at: '2026-06-01T12:00:00' },
      run: noop,
    });

    expect(issues.map((issue) => issue.field)).toEqual(['schedule.at']);
  });

  it('judges the past in the schedule time zone', () => {
    // 13:30 in London (UTC+1 in June) is 12:30 UTC, after "now".
    const job = defineJob({
      name: 'one-off',
      schedule: { at: '2026-06-01T13:30:00', timezone: 'Europe/London' },
      run: noop,
    });

    expect(job.schedule?.nextFireTimes({ count: 1 })).toEqual([new Date('2026-06-01T12:30:00Z')]);
  });

  it('rejects a local time that has passed in its time zone though not yet in UTC', () => {
    // 12:30 in Berlin (UTC+2 in June) is 10:30 UTC, before "now".
    const issues = definitionIssues({
      name: 'one-off',
      schedule: { at: '2026-06-01T12:30:00', timezone: 'Europe/Berlin' },
      run: noop,
    });

    expect(issues).toEqual([
      {
        field: 'schedule.at',
        message: expect.stringMatching(/^2026-06-01T12:30:00 \(Europe\/Berlin\) is in the past/),
      },
    ]);
  });

  it('accepts an at time one second ahead', () => {
    const job = defineJob({ name: 'one-off', schedule: { at: '2026-06-01T12:00:01' }, run: noop });

    expect(job.schedule).toMatchObject({ kind: 'at', expression: 'at(2026-06-01T12:00:01)' });
  });
});

describe('defineJob input of a scheduled job', () => {
  const schedule = { cron: '0 2 * * *' };

  test.each([
    ['an object with a required field', z.object({ days: z.number() })],
    ['an object whose fields all have defaults', z.object({ days: z.number().default(1) })],
    ['a string', z.string()],
  ])('rejects %s, since ticks run with no input', (_case, input) => {
    const issues = definitionIssues({ name: 'nightly', schedule, input, run: noop });

    expect(issues).toEqual([
      {
        field: 'input',
        message:
          'schedule ticks run with no input, and this schema rejects an empty input; make it optional or give it a default, e.g. z.object({ ... }).default({})',
      },
    ]);
  });

  test.each([
    ['.default({})', z.object({ days: z.number().default(1) }).default({ days: 1 })],
    ['.optional()', z.object({ days: z.number() }).optional()],
    ['z.undefined()', z.undefined()],
  ])('accepts a schema made with %s', (_case, input) => {
    const job = defineJob({ name: 'nightly', schedule, input, run: noop });

    expect(job.inputSchema).toBe(input);
  });

  it('accepts a schema that rejects no input when the job has no schedule', () => {
    const input = z.object({ days: z.number() });

    const job = defineJob({ name: 'on-demand', input, run: noop });

    expect(job.inputSchema).toBe(input);
  });

  it('does not check a schema that validates asynchronously, which it cannot wait for', () => {
    const input: StandardSchemaV1<unknown, { days: number }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async () => ({ issues: [{ message: 'looked up remotely' }] }),
      },
    };

    const job = defineJob({ name: 'nightly', schedule, input, run: noop });

    expect(job.inputSchema).toBe(input);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
