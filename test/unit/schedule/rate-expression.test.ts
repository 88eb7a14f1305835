import { afterEach, describe, expect, it, test, vi } from 'vitest';
import { ScheduleExpression } from '../../../shared/schedule/schedule-expression';
import { catchScheduleError, isoTimes } from './schedule-test-helpers';

describe('ScheduleExpression.rate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each([
    ['15 minutes', 'rate(15 minutes)'],
    ['rate(1 minute)', 'rate(1 minute)'],
    ['rate(2 hours)', 'rate(2 hours)'],
    ['1 hour', 'rate(1 hour)'],
    ['1 day', 'rate(1 day)'],
    ['  3 days ', 'rate(3 days)'],
    ['RATE(5 Minutes)', 'rate(5 minutes)'],
    ['rate( 5 minutes )', 'rate(5 minutes)'],
    ['05 minutes', 'rate(5 minutes)'],
  ])('accepts %j as %s', (source, expected) => {
    const schedule = ScheduleExpression.rate(source);

    expect(schedule.expression).toBe(expected);
  });

  it('describes itself as a rate in UTC, keeping the source as written', () => {
    const schedule = ScheduleExpression.rate('15 minutes');

    expect(schedule).toMatchObject({
      kind: 'rate',
      expression: 'rate(15 minutes)',
      timezone: 'UTC',
      source: '15 minutes',
    });
  });

  test.each([
    [
      'a plural unit with 1',
      'rate(1 minutes)',
      'Scheduler takes "minute" with 1; write rate(1 minute)',
    ],
    ['a plural hour with 1', '1 hours', 'Scheduler takes "hour" with 1; write rate(1 hour)'],
    [
      'a singular unit with 5',
      'rate(5 minute)',
      'Scheduler takes "minutes" with 5; write rate(5 minutes)',
    ],
    ['a singular day with 2', '2 day', 'Scheduler takes "days" with 2; write rate(2 days)'],
    ['seconds', '30 seconds', "Scheduler's shortest rate is 1 minute; write rate(1 minute)"],
    ['one second', '1 second', "Scheduler's shortest rate is 1 minute"],
    ['milliseconds', '100 ms', "Scheduler's shortest rate is 1 minute"],
    ['zero', '0 minutes', 'the value "0" must be a whole number of at least 1'],
    ['a fraction', '1.5 hours', 'the value "1.5" must be a whole number of at least 1'],
    ['a negative value', '-1 minutes', 'the value "-1" must be a whole number of at least 1'],
    ['weeks', '5 weeks', 'unknown unit "weeks"; a rate takes minute(s), hour(s) or day(s)'],
    [
      'a word',
      'soon',
      'a rate is a whole number and a unit, such as "15 minutes", "1 hour" or "rate(2 days)"',
    ],
    ['an empty rate()', 'rate()', 'a rate is a whole number and a unit'],
    ['a number without a unit', 'rate(5)', 'a rate is a whole number and a unit'],
    ['an empty string', '', 'a rate is a whole number and a unit'],
  ])('rejects %s: %j', (_description, source, expectedReason) => {
    const error = catchScheduleError(() => ScheduleExpression.rate(source));

    expect(error.reason).toContain(expectedReason);
    expect(error.message).toBe(`"${source}" is not a valid schedule: ${error.reason}`);
  });

  describe('nextFireTimes', () => {
    it('counts whole intervals from the anchor', () => {
      const schedule = ScheduleExpression.rate('15 minutes');

      const times = schedule.nextFireTimes({
        count: 3,
        after: new Date('2026-01-01T10:07:00Z'),
        anchor: new Date('2026-01-01T10:00:00Z'),
      });

      expect(isoTimes(times)).toEqual([
        '2026-01-01T10:15:00.000Z',
        '2026-01-01T10:30:00.000Z',
        '2026-01-01T10:45:00.000Z',
      ]);
    });

    it('returns only times strictly after `after` when it falls on a tick', () => {
      const schedule = ScheduleExpression.rate('15 minutes');

      const times = schedule.nextFireTimes({
        count: 2,
        after: new Date('2026-01-01T10:15:00Z'),
        anchor: new Date('2026-01-01T10:00:00Z'),
      });

      expect(isoTimes(times)).toEqual(['2026-01-01T10:30:00.000Z', '2026-01-01T10:45:00.000Z']);
    });

    it('counts from `after` when no anchor is given', () => {
      const schedule = ScheduleExpression.rate('2 hours');

      const times = schedule.nextFireTimes({ count: 2, after: new Date('2026-01-01T10:07:00Z') });

      expect(isoTimes(times)).toEqual(['2026-01-01T12:07:00.000Z', '2026-01-01T14:07:00.000Z']);
    });

    it('counts from now when neither `after` nor an anchor is given', () => {
      vi.useFakeTimers();
      vi.setSystemTime(new Date('2026-05-10T10:00:00Z'));
      const schedule = ScheduleExpression.rate('1 minute');

      const times = schedule.nextFireTimes({ count: 2 });

      expect(isoTimes(times)).toEqual(['2026-05-10T10:01:00.000Z', '2026-05-10T10:02:00.000Z']);
    });

    it('fires a daily rate every 24 hours, across a daylight-saving change', () => {
      const schedule = ScheduleExpression.rate('1 day');

      const times = schedule.nextFireTimes({
        count: 3,
        after: new Date('2026-03-28T01:30:00Z'),
        anchor: new Date('2026-03-28T01:30:00Z'),
      });

      expect(isoTimes(times)).toEqual([
        '2026-03-29T01:30:00.000Z',
        '2026-03-30T01:30:00.000Z',
        '2026-03-31T01:30:00.000Z',
      ]);
    });

    it('returns nothing when asked for no times', () => {
      const schedule = ScheduleExpression.rate('1 hour');

      const times = schedule.nextFireTimes({ count: 0, after: new Date('2026-01-01T00:00:00Z') });

      expect(times).toEqual([]);
    });
  });
});
