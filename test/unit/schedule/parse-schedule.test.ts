import { describe, expect, it, test } from 'vitest';
import {
  ScheduleExpression,
  type ScheduleSpec,
} from '../../../shared/schedule/schedule-expression';
import { catchScheduleError } from './schedule-test-helpers';

// Job files are JavaScript too: parse() must cope with values its type does not allow.
function parseUnchecked(spec: unknown): ScheduleExpression {
  return ScheduleExpression.parse(spec as ScheduleSpec);
}

describe('ScheduleExpression.parse', () => {
  it('builds a cron schedule in the time zone given', () => {
    const schedule = ScheduleExpression.parse({ cron: '0 2 * * *', timezone: 'Europe/London' });

    expect(schedule).toMatchObject({
      kind: 'cron',
      expression: 'cron(0 2 * * ? *)',
      timezone: 'Europe/London',
      source: '0 2 * * *',
    });
  });

  it('evaluates a cron schedule in UTC when no time zone is given', () => {
    const schedule = ScheduleExpression.parse({ cron: 'cron(0 12 * * ? *)' });

    expect(schedule.timezone).toBe('UTC');
  });

  it('builds a rate schedule', () => {
    const schedule = ScheduleExpression.parse({ rate: 'rate(1 hour)' });

    expect(schedule).toMatchObject({ kind: 'rate', expression: 'rate(1 hour)', timezone: 'UTC' });
  });

  it('builds an at schedule in the time zone given', () => {
    const schedule = ScheduleExpression.parse({
      at: '2026-12-31T23:00',
      timezone: 'America/New_York',
    });

    expect(schedule).toMatchObject({
      kind: 'at',
      expression: 'at(2026-12-31T23:00:00)',
      timezone: 'America/New_York',
    });
  });

  it('accepts a rate whose timezone is present but undefined', () => {
    const schedule = parseUnchecked({ rate: '5 minutes', timezone: undefined });

    expect(schedule.expression).toBe('rate(5 minutes)');
  });

  describe('time zones', () => {
    test.each([
      [
        'an unknown zone',
        'Mars/Olympus',
        'unknown time zone "Mars/Olympus"; use an IANA name such as "Europe/London", "America/New_York" or "UTC"',
      ],
      ['a misspelt zone', 'Europe/Londn', 'unknown time zone "Europe/Londn"'],
      ['an empty string', '', 'unknown time zone ""'],
      ['a UTC offset', '+01:00', 'unknown time zone "+01:00"'],
      ['a number', 5, 'unknown time zone "5"'],
    ])('rejects %s, naming the timezone option', (_description, timezone, expectedReason) => {
      const error = catchScheduleError(() => parseUnchecked({ cron: '0 2 * * *', timezone }));

      expect(error.field).toBe('timezone');
      expect(error.reason).toContain(expectedReason);
    });

    it('rejects an unknown zone for an at schedule', () => {
      const error = catchScheduleError(() =>
        ScheduleExpression.parse({ at: '2026-12-31T23:00', timezone: 'Nowhere/Else' }),
      );

      expect(error.field).toBe('timezone');
    });

    it('rejects a time zone given with a rate, and says to use cron for local times', () => {
      const error = catchScheduleError(() =>
        parseUnchecked({ rate: '5 minutes', timezone: 'UTC' }),
      );

      expect(error.field).toBe('timezone');
      expect(error.reason).toBe(
        'a rate counts from the last run and does not depend on a time zone; remove timezone, or use a cron expression to fire at a local time',
      );
    });
  });

  test.each([
    [
      'one unknown key',
      { cron: '0 2 * * *', tz: 'UTC' },
      'unknown schedule option "tz"; a schedule takes one of cron, rate or at, plus timezone',
    ],
    [
      'two unknown keys',
      { cron: '0 2 * * *', every: 'x', foo: 1 },
      'unknown schedule option "every", "foo"',
    ],
    [
      'no kind',
      {},
      'a schedule needs one of cron, rate or at; leave schedule out for an on-demand job',
    ],
    ['only a time zone', { timezone: 'UTC' }, 'a schedule needs one of cron, rate or at'],
    [
      'cron and rate',
      { cron: '0 2 * * *', rate: '5 minutes' },
      'a schedule takes exactly one of cron, rate or at, got cron and rate',
    ],
    [
      'rate and at',
      { rate: '5 minutes', at: '2026-01-01T00:00' },
      'a schedule takes exactly one of cron, rate or at, got rate and at',
    ],
    [
      'all three kinds',
      { cron: '0 2 * * *', rate: '5 minutes', at: '2026-01-01T00:00' },
      'got cron and rate and at',
    ],
    ['null', null, 'a schedule is an object:'],
    ['undefined', undefined, 'a schedule is an object:'],
    [
      'a bare cron string',
      '0 2 * * *',
      "a schedule is an object: { cron: '0 2 * * *', timezone: 'Europe/London' }, { rate: '15 minutes' }",
    ],
    ['an array', [], 'a schedule is an object:'],
  ])('rejects %s', (_description, spec, expectedReason) => {
    const error = catchScheduleError(() => parseUnchecked(spec));

    expect(error.reason).toContain(expectedReason);
  });

  test.each([
    ['cron', { cron: 5 }],
    ['rate', { rate: null }],
    ['at', { at: 20261231 }],
    ['at', { at: undefined }],
  ])('rejects a %s that is not a string, naming the option', (kind, spec) => {
    const error = catchScheduleError(() => parseUnchecked(spec));

    expect(error.field).toBe(kind);
    expect(error.reason).toBe(`${kind} must be a string`);
  });

  test.each([
    ['cron', { cron: '0 0 1 * 1' }, 'both day-of-month ("1") and day-of-week ("1") are set'],
    ['rate', { rate: '30 seconds' }, "Scheduler's shortest rate is 1 minute"],
    ['at', { at: '2026-02-30T00:00' }, '2026-02-30 is not a date in the calendar'],
  ])('names the %s option when its expression is invalid', (kind, spec, expectedReason) => {
    const error = catchScheduleError(() => parseUnchecked(spec));

    expect(error.field).toBe(kind);
    expect(error.reason).toContain(expectedReason);
  });

  it('leaves the option unnamed when a factory is called directly', () => {
    const error = catchScheduleError(() => ScheduleExpression.cron('0 0 1 * 1'));

    expect(error.field).toBeUndefined();
  });
});
