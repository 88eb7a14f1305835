import { describe, expect, it, test } from 'vitest';
import { ScheduleExpression } from '../../../shared/schedule/schedule-expression';
import { catchScheduleError, isoTimes } from './schedule-test-helpers';

const LONG_AGO = new Date('2000-01-01T00:00:00Z');

function fireTime(localDateTime: string, timezone: string): string[] {
  const schedule = ScheduleExpression.at(localDateTime, timezone);
  return isoTimes(schedule.nextFireTimes({ count: 1, after: LONG_AGO }));
}

describe('ScheduleExpression.at', () => {
  test.each([
    ['2026-12-31T23:00:00', 'at(2026-12-31T23:00:00)'],
    ['2026-12-31T23:00', 'at(2026-12-31T23:00:00)'],
    ['at(2026-12-31T23:00:00)', 'at(2026-12-31T23:00:00)'],
    ['AT(2026-06-01T09:30:15)', 'at(2026-06-01T09:30:15)'],
    [' 2026-06-01T09:30 ', 'at(2026-06-01T09:30:00)'],
    ['2028-02-29T12:00:00', 'at(2028-02-29T12:00:00)'],
  ])('accepts %j as %s', (source, expected) => {
    const schedule = ScheduleExpression.at(source, 'UTC');

    expect(schedule.expression).toBe(expected);
  });

  it('describes itself as a one-time schedule in its time zone, keeping the source as written', () => {
    const schedule = ScheduleExpression.at('2026-12-31T23:00', 'Europe/London');

    expect(schedule).toMatchObject({
      kind: 'at',
      expression: 'at(2026-12-31T23:00:00)',
      timezone: 'Europe/London',
      source: '2026-12-31T23:00',
    });
  });

  it('reads the local time in UTC when no time zone is given', () => {
    const schedule = ScheduleExpression.at('2026-12-31T23:00:00');

    expect(isoTimes(schedule.nextFireTimes({ count: 1, after: LONG_AGO }))).toEqual([
      '2026-12-31T23:00:00.000Z',
    ]);
  });

  test.each([
    ['London in winter (GMT)', '2026-01-15T09:00:00', 'Europe/London', '2026-01-15T09:00:00.000Z'],
    ['London in summer (BST)', '2026-07-15T09:00:00', 'Europe/London', '2026-07-15T08:00:00.000Z'],
    [
      'New York in winter (EST)',
      '2026-01-15T09:00:00',
      'America/New_York',
      '2026-01-15T14:00:00.000Z',
    ],
    [
      'New York in summer (EDT)',
      '2026-07-15T09:00:00',
      'America/New_York',
      '2026-07-15T13:00:00.000Z',
    ],
    [
      'a half-hour offset (Kolkata)',
      '2026-06-01T12:00',
      'Asia/Kolkata',
      '2026-06-01T06:30:00.000Z',
    ],
    ['seconds', '2026-06-01T09:30:15', 'UTC', '2026-06-01T09:30:15.000Z'],
  ])('fires at the instant of the local time: %s', (_description, local, timezone, expected) => {
    const times = fireTime(local, timezone);

    expect(times).toEqual([expected]);
  });

  test.each([
    ['London', '2026-03-29T01:30:00', 'Europe/London', '2026-03-29T01:30:00.000Z'],
    ['New York', '2026-03-08T02:30:00', 'America/New_York', '2026-03-08T07:30:00.000Z'],
  ])(
    'resolves a time in the spring-forward gap forward by the gap (%s)',
    (_zone, local, timezone, expected) => {
      const times = fireTime(local, timezone);

      expect(times).toEqual([expected]);
    },
  );

  test.each([
    ['London', '2026-10-25T01:30:00', 'Europe/London', '2026-10-25T00:30:00.000Z'],
    ['New York', '2026-11-01T01:30:00', 'America/New_York', '2026-11-01T05:30:00.000Z'],
  ])(
    'resolves a repeated time to its first occurrence (%s)',
    (_zone, local, timezone, expected) => {
      const times = fireTime(local, timezone);

      expect(times).toEqual([expected]);
    },
  );

  describe('nextFireTimes', () => {
    it('returns the one fire time however many are asked for', () => {
      const schedule = ScheduleExpression.at('2026-06-01T09:00:00', 'UTC');

      const times = schedule.nextFireTimes({ count: 3, after: LONG_AGO });

      expect(isoTimes(times)).toEqual(['2026-06-01T09:00:00.000Z']);
    });

    it('returns nothing once the fire time is not after `after`', () => {
      const schedule = ScheduleExpression.at('2026-06-01T09:00:00', 'UTC');

      const times = schedule.nextFireTimes({ count: 1, after: new Date('2026-06-01T09:00:00Z') });

      expect(times).toEqual([]);
    });

    it('returns nothing when asked for no times', () => {
      const schedule = ScheduleExpression.at('2026-06-01T09:00:00', 'UTC');

      const times = schedule.nextFireTimes({ count: 0, after: LONG_AGO });

      expect(times).toEqual([]);
    });
  });

  const OFFSET =
    'at takes the local time without an offset; write "2026-12-31T23:00:00" and set timezone to the zone it is in';
  const FORMAT =
    'at takes a local date and time as yyyy-mm-ddThh:mm:ss, such as "2026-12-31T23:00:00"';

  test.each([
    ['a Z suffix', '2026-12-31T23:00:00Z', OFFSET],
    ['an offset with a colon', '2026-12-31T23:00:00+01:00', OFFSET],
    ['an offset without a colon', '2026-12-31T23:00:00-0500', OFFSET],
    ['February 30', '2026-02-30T00:00:00', '2026-02-30 is not a date in the calendar'],
    [
      'February 29 in a common year',
      '2026-02-29T12:00:00',
      '2026-02-29 is not a date in the calendar',
    ],
    ['April 31', '2026-04-31T10:00:00', '2026-04-31 is not a date in the calendar'],
    ['month 13', '2026-13-01T00:00:00', '2026-13-01 is not a date in the calendar'],
    ['month 00', '2026-00-10T00:00:00', '2026-00-10 is not a date in the calendar'],
    ['day 00', '2026-01-00T00:00:00', '2026-01-00 is not a date in the calendar'],
    ['hour 24', '2026-12-31T24:00:00', '24:00:00 is not a time of day'],
    ['minute 60', '2026-12-31T23:60', '23:60 is not a time of day'],
    ['second 60', '2026-12-31T23:00:60', '23:00:60 is not a time of day'],
    ['a space instead of T', '2026-12-31 23:00:00', FORMAT],
    ['a date without a time', '2026-12-31', FORMAT],
    ['a day-first date', '31/12/2026 23:00', FORMAT],
    ['single-digit fields', '2026-1-1T1:00', FORMAT],
    ['an empty string', '', FORMAT],
  ])('rejects %s: %j', (_description, source, expectedReason) => {
    const error = catchScheduleError(() => ScheduleExpression.at(source, 'UTC'));

    expect(error.reason).toBe(expectedReason);
  });

  it('rejects an unknown time zone, naming the timezone option', () => {
    const error = catchScheduleError(() =>
      ScheduleExpression.at('2026-06-01T09:00', 'Mars/Olympus'),
    );

    expect(error.field).toBe('timezone');
    expect(error.reason).toContain('unknown time zone "Mars/Olympus"');
  });
});
