import { afterEach, describe, expect, it, test, vi } from 'vitest';
import { ScheduleExpression } from '../../../shared/schedule/schedule-expression';
import { isoTimes } from './schedule-test-helpers';

function nextFireTimes(source: string, timezone: string, after: string, count: number): string[] {
  const schedule = ScheduleExpression.cron(source, timezone);
  return isoTimes(schedule.nextFireTimes({ count, after: new Date(after) }));
}

describe('cron nextFireTimes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('fires on the days each form names (UTC; 2026-01-01 is a Thursday)', () => {
    test.each([
      [
        'weekdays',
        '0 9 * * 1-5',
        '2026-01-01T00:00:00Z',
        ['2026-01-01T09:00:00.000Z', '2026-01-02T09:00:00.000Z', '2026-01-05T09:00:00.000Z'],
      ],
      [
        'Unix Sunday as 7',
        '0 0 * * 7',
        '2026-01-01T00:00:00Z',
        ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z', '2026-01-18T00:00:00.000Z'],
      ],
      [
        'a Unix weekday step (Sun, Tue, Thu, Sat)',
        '0 0 * * */2',
        '2026-01-01T00:00:00Z',
        ['2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z', '2026-01-06T00:00:00.000Z'],
      ],
      [
        'the last Friday (Unix 5L)',
        '0 0 * * 5L',
        '2026-01-01T00:00:00Z',
        ['2026-01-30T00:00:00.000Z', '2026-02-27T00:00:00.000Z', '2026-03-27T00:00:00.000Z'],
      ],
      [
        'the last Sunday (Unix 7L)',
        '0 0 * * 7L',
        '2026-01-01T00:00:00Z',
        ['2026-01-25T00:00:00.000Z', '2026-02-22T00:00:00.000Z', '2026-03-29T00:00:00.000Z'],
      ],
      [
        'the second Monday (Unix 1#2)',
        '0 0 * * 1#2',
        '2026-01-01T00:00:00Z',
        ['2026-01-12T00:00:00.000Z', '2026-02-09T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ],
      [
        'the first Monday (AWS 2#1)',
        'cron(0 9 ? * 2#1 *)',
        '2026-01-01T00:00:00Z',
        ['2026-01-05T09:00:00.000Z', '2026-02-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z'],
      ],
      [
        'Saturdays (AWS L in day-of-week)',
        'cron(0 0 ? * L *)',
        '2026-01-01T00:00:00Z',
        ['2026-01-03T00:00:00.000Z', '2026-01-10T00:00:00.000Z', '2026-01-17T00:00:00.000Z'],
      ],
      [
        'Saturday and Sunday (AWS 1,7)',
        'cron(0 12 ? * 1,7 *)',
        '2026-01-01T00:00:00Z',
        ['2026-01-03T12:00:00.000Z', '2026-01-04T12:00:00.000Z', '2026-01-10T12:00:00.000Z'],
      ],
      [
        'the last day of the month',
        'cron(0 0 L * ? *)',
        '2026-01-01T00:00:00Z',
        ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
      ],
      [
        'the weekday nearest the 15th (Feb and Mar 15 are Sundays)',
        'cron(0 9 15W * ? *)',
        '2026-01-01T00:00:00Z',
        ['2026-01-15T09:00:00.000Z', '2026-02-16T09:00:00.000Z', '2026-03-16T09:00:00.000Z'],
      ],
      [
        'every fifth day from the 1st',
        'cron(0 0 1/5 * ? *)',
        '2026-01-01T00:00:00Z',
        ['2026-01-06T00:00:00.000Z', '2026-01-11T00:00:00.000Z', '2026-01-16T00:00:00.000Z'],
      ],
      [
        'every third month',
        'cron(0 0 1 1/3 ? *)',
        '2026-01-01T00:00:00Z',
        ['2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'],
      ],
      [
        'every other year',
        'cron(0 12 1 JAN ? 2026/2)',
        '2026-01-01T00:00:00Z',
        ['2026-01-01T12:00:00.000Z', '2028-01-01T12:00:00.000Z', '2030-01-01T12:00:00.000Z'],
      ],
      [
        'a leap day',
        '0 12 29 2 *',
        '2026-01-01T00:00:00Z',
        ['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z', '2036-02-29T12:00:00.000Z'],
      ],
      [
        'every 15 minutes',
        '*/15 * * * *',
        '2026-01-01T00:00:00Z',
        ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z'],
      ],
    ])('%s: %s', (_description, source, after, expected) => {
      const times = nextFireTimes(source, 'UTC', after, 3);

      expect(times).toEqual(expected);
    });
  });

  it('returns only times strictly after `after`', () => {
    const times = nextFireTimes('0 2 * * *', 'UTC', '2026-01-01T02:00:00Z', 1);

    expect(times).toEqual(['2026-01-02T02:00:00.000Z']);
  });

  it('returns a time later in the same second as `after`', () => {
    const times = nextFireTimes('0 2 * * *', 'UTC', '2026-01-01T01:59:59.500Z', 1);

    expect(times).toEqual(['2026-01-01T02:00:00.000Z']);
  });

  it('returns nothing when asked for no times', () => {
    const times = nextFireTimes('* * * * *', 'UTC', '2026-01-01T00:00:00Z', 0);

    expect(times).toEqual([]);
  });

  it('counts from now when no `after` is given', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-05-10T10:00:00Z'));
    const schedule = ScheduleExpression.cron('30 10 * * *');

    const times = schedule.nextFireTimes({ count: 2 });

    expect(isoTimes(times)).toEqual(['2026-05-10T10:30:00.000Z', '2026-05-11T10:30:00.000Z']);
  });

  it('ignores `anchor`, which only rates use', () => {
    const schedule = ScheduleExpression.cron('0 2 * * *');

    const times = schedule.nextFireTimes({
      count: 1,
      after: new Date('2026-01-01T00:00:00Z'),
      anchor: new Date('2026-01-01T01:30:00Z'),
    });

    expect(isoTimes(times)).toEqual(['2026-01-01T02:00:00.000Z']);
  });

  describe('years', () => {
    it('fires only in the year the expression names', () => {
      const times = nextFireTimes('cron(0 12 1 JAN ? 2027)', 'UTC', '2026-06-01T00:00:00Z', 3);

      expect(times).toEqual(['2027-01-01T12:00:00.000Z']);
    });

    it('returns no times when every year named is past', () => {
      const times = nextFireTimes('cron(0 12 1 JAN ? 2020-2024)', 'UTC', '2026-06-01T00:00:00Z', 3);

      expect(times).toEqual([]);
    });

    it('stops after 2199, the last year Scheduler allows', () => {
      const times = nextFireTimes('cron(0 12 1 * ? 2199)', 'UTC', '2199-11-15T00:00:00Z', 3);

      expect(times).toEqual(['2199-12-01T12:00:00.000Z']);
    });

    it('returns no times for a date that never occurs', () => {
      const times = nextFireTimes('cron(0 0 31 FEB ? *)', 'UTC', '2026-01-01T00:00:00Z', 2);

      expect(times).toEqual([]);
    });
  });

  describe('in Europe/London (2026: clocks go forward 03-29 01:00 GMT, back 10-25 02:00 BST)', () => {
    const zone = 'Europe/London';

    it('fires at the same UTC time in winter and an hour earlier in summer', () => {
      const times = nextFireTimes('0 9 * * *', zone, '2026-03-27T12:00:00Z', 4);

      expect(times).toEqual([
        '2026-03-28T09:00:00.000Z',
        '2026-03-29T08:00:00.000Z',
        '2026-03-30T08:00:00.000Z',
        '2026-03-31T08:00:00.000Z',
      ]);
    });

    it('skips 01:30 on the day it does not exist', () => {
      const times = nextFireTimes('30 1 * * *', zone, '2026-03-27T12:00:00Z', 3);

      expect(times).toEqual([
        '2026-03-28T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z',
        '2026-03-31T00:30:00.000Z',
      ]);
    });

    it('fires nothing on 2026-03-29 for a time in the gap', () => {
      const startOfDay = '2026-03-29T00:00:00Z';

      const times = nextFireTimes('30 1 * * *', zone, startOfDay, 1);

      expect(times).toEqual(['2026-03-30T00:30:00.000Z']);
    });

    it('fires at 02:00 BST, the first minute after the gap, when the expression names 02:00', () => {
      const times = nextFireTimes('0 2 * * *', zone, '2026-03-28T12:00:00Z', 2);

      expect(times).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T01:00:00.000Z']);
    });

    it('fires the hour that exists and skips the one that does not', () => {
      const times = nextFireTimes('30 1,2 * * *', zone, '2026-03-28T12:00:00Z', 3);

      expect(times).toEqual([
        '2026-03-29T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z',
        '2026-03-30T01:30:00.000Z',
      ]);
    });

    it('skips a weekly run that falls in the gap until the next week', () => {
      const times = nextFireTimes('30 1 * * 0', zone, '2026-03-20T00:00:00Z', 2);

      expect(times).toEqual(['2026-03-22T01:30:00.000Z', '2026-04-05T00:30:00.000Z']);
    });

    it('leaves out the half-hours of the gap for an every-30-minutes schedule', () => {
      const times = nextFireTimes('*/30 * * * *', zone, '2026-03-28T23:30:00Z', 4);

      expect(times).toEqual([
        '2026-03-29T00:00:00.000Z',
        '2026-03-29T00:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T01:30:00.000Z',
      ]);
    });

    it('leaves out 01:00 for an hourly schedule on the spring-forward day', () => {
      const times = nextFireTimes('0 * * * *', zone, '2026-03-28T23:30:00Z', 3);

      expect(times).toEqual([
        '2026-03-29T00:00:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T02:00:00.000Z',
      ]);
    });

    it('fires once, at the first 01:30, on the day 01:30 happens twice', () => {
      const times = nextFireTimes('30 1 * * *', zone, '2026-10-23T12:00:00Z', 3);

      expect(times).toEqual([
        '2026-10-24T00:30:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('fires each half-hour of the repeated hour once for an every-30-minutes schedule', () => {
      const times = nextFireTimes('*/30 * * * *', zone, '2026-10-24T23:00:00Z', 5);

      expect(times).toEqual([
        '2026-10-24T23:30:00.000Z',
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
        '2026-10-25T02:30:00.000Z',
      ]);
    });

    it('fires 01:00 once for an hourly schedule on the fall-back day', () => {
      const times = nextFireTimes('0 * * * *', zone, '2026-10-24T22:30:00Z', 4);

      expect(times).toEqual([
        '2026-10-24T23:00:00.000Z',
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T02:00:00.000Z',
        '2026-10-25T03:00:00.000Z',
      ]);
    });

    it('returns no times for a year-limited run that falls in the gap', () => {
      const times = nextFireTimes('cron(30 1 29 MAR ? 2026)', zone, '2026-01-01T00:00:00Z', 2);

      expect(times).toEqual([]);
    });
  });

  describe('in America/New_York (2026: clocks go forward 03-08 02:00 EST, back 11-01 02:00 EDT)', () => {
    const zone = 'America/New_York';

    it('fires at 09:00 local on normal days on both sides of spring forward', () => {
      const times = nextFireTimes('0 9 * * *', zone, '2026-03-06T12:00:00Z', 4);

      expect(times).toEqual([
        '2026-03-06T14:00:00.000Z',
        '2026-03-07T14:00:00.000Z',
        '2026-03-08T13:00:00.000Z',
        '2026-03-09T13:00:00.000Z',
      ]);
    });

    it('fires at 09:00 local on normal days on both sides of fall back', () => {
      const times = nextFireTimes('0 9 * * *', zone, '2026-10-30T12:00:00Z', 4);

      expect(times).toEqual([
        '2026-10-30T13:00:00.000Z',
        '2026-10-31T13:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-02T14:00:00.000Z',
      ]);
    });

    it('fires nothing on 2026-03-08 for 02:30, which does not exist that day', () => {
      const times = nextFireTimes('30 2 * * *', zone, '2026-03-06T12:00:00Z', 3);

      expect(times).toEqual([
        '2026-03-07T07:30:00.000Z',
        '2026-03-09T06:30:00.000Z',
        '2026-03-10T06:30:00.000Z',
      ]);
    });

    it('fires nothing on 2026-03-08 for 02:00, which does not exist that day', () => {
      const times = nextFireTimes('0 2 * * *', zone, '2026-03-07T12:00:00Z', 2);

      expect(times).toEqual(['2026-03-09T06:00:00.000Z', '2026-03-10T06:00:00.000Z']);
    });

    it('leaves out 02:00 for an hourly schedule on the spring-forward day', () => {
      const times = nextFireTimes('0 * * * *', zone, '2026-03-08T05:30:00Z', 3);

      expect(times).toEqual([
        '2026-03-08T06:00:00.000Z',
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T08:00:00.000Z',
      ]);
    });

    it('fires once, at the first 01:30, on 2026-11-01', () => {
      const times = nextFireTimes('30 1 * * *', zone, '2026-10-30T12:00:00Z', 3);

      expect(times).toEqual([
        '2026-10-31T05:30:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-02T06:30:00.000Z',
      ]);
    });

    it('fires each half-hour of the repeated hour once for an every-30-minutes schedule', () => {
      const times = nextFireTimes('*/30 * * * *', zone, '2026-11-01T04:30:00Z', 4);

      expect(times).toEqual([
        '2026-11-01T05:00:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-01T07:00:00.000Z',
        '2026-11-01T07:30:00.000Z',
      ]);
    });

    it('fires 01:00 once for an hourly schedule on the fall-back day', () => {
      const times = nextFireTimes('0 * * * *', zone, '2026-11-01T03:30:00Z', 4);

      expect(times).toEqual([
        '2026-11-01T04:00:00.000Z',
        '2026-11-01T05:00:00.000Z',
        '2026-11-01T07:00:00.000Z',
        '2026-11-01T08:00:00.000Z',
      ]);
    });

    it('fires the first Monday at 09:00 local', () => {
      const times = nextFireTimes('cron(0 9 ? * 2#1 *)', zone, '2026-01-01T00:00:00Z', 2);

      expect(times).toEqual(['2026-01-05T14:00:00.000Z', '2026-02-02T14:00:00.000Z']);
    });
  });
});
