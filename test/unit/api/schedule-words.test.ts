import { describe, expect, it, test } from 'vitest';
import { describeSchedule } from '../../../shared/api/schedule-words';
import { ScheduleExpression } from '../../../shared/schedule/schedule-expression';

describe('describeSchedule', () => {
  describe('cron, in words with its time zone', () => {
    test.each([
      ['a daily time (Unix)', '0 2 * * *', 'At 02:00 (Europe/London)'],
      ['a daily time (AWS)', 'cron(30 18 * * ? *)', 'At 18:30 (Europe/London)'],
      [
        'weekdays by name',
        'cron(0 7 ? * MON-FRI *)',
        'At 07:00, Monday through Friday (Europe/London)',
      ],
      // Scheduler numbers weekdays 1 (Sunday) to 7 (Saturday): 2-6 is Monday to Friday.
      [
        'weekdays by number',
        'cron(0 9 ? * 2-6 *)',
        'At 09:00, Monday through Friday (Europe/London)',
      ],
      [
        'Unix weekdays, renumbered',
        '0 9 * * 1-5',
        'At 09:00, Monday through Friday (Europe/London)',
      ],
      ['1 as Sunday', 'cron(0 12 ? * 1 *)', 'At 12:00, only on Sunday (Europe/London)'],
      ['7 as Saturday', 'cron(0 12 ? * 7 *)', 'At 12:00, only on Saturday (Europe/London)'],
      [
        'a list of weekday numbers',
        'cron(0 12 ? * 2,4,6 *)',
        'At 12:00, only on Monday, Wednesday, and Friday (Europe/London)',
      ],
      [
        'the last day of the month (L)',
        'cron(0 0 L * ? *)',
        'At 00:00, on the last day of the month (Europe/London)',
      ],
      [
        '"L" in day-of-week (Saturday)',
        'cron(0 0 ? * L *)',
        'At 00:00, only on Saturday (Europe/London)',
      ],
      [
        'the last Friday (6L)',
        'cron(0 18 ? * 6L *)',
        'At 18:00, on the last Friday of the month (Europe/London)',
      ],
      [
        'the last Friday by name (FRIL)',
        'cron(0 18 ? * FRIL *)',
        'At 18:00, on the last Friday of the month (Europe/London)',
      ],
      [
        'the first Monday (2#1)',
        'cron(0 9 ? * 2#1 *)',
        'At 09:00, on the first Monday of the month (Europe/London)',
      ],
      [
        'the weekday nearest the 15th (15W)',
        'cron(0 9 15W * ? *)',
        'At 09:00, on the weekday nearest day 15 of the month (Europe/London)',
      ],
      ['a minute step', '*/15 * * * *', 'Every 15 minutes (Europe/London)'],
      [
        'one day of one year',
        'cron(0 12 1 JAN ? 2027)',
        'At 12:00, on day 1 of the month, only in January, only in 2027 (Europe/London)',
      ],
    ])('%s: %s', (_case, source, expected) => {
      const schedule = ScheduleExpression.cron(source, 'Europe/London');

      expect(describeSchedule(schedule)).toBe(expected);
    });

    it('names UTC when the job gives no time zone', () => {
      const schedule = ScheduleExpression.cron('0 6 * * *');

      expect(describeSchedule(schedule)).toBe('At 06:00 (UTC)');
    });
  });

  describe('rate', () => {
    test.each([
      ['15 minutes', 'Every 15 minutes'],
      ['1 minute', 'Every minute'],
      ['rate(2 hours)', 'Every 2 hours'],
      ['1 day', 'Every day'],
    ])('%s -> %s', (source, expected) => {
      expect(describeSchedule(ScheduleExpression.rate(source))).toBe(expected);
    });
  });

  describe('at', () => {
    it('says once, at the local time in its zone', () => {
      const schedule = ScheduleExpression.at('2026-12-31T23:00:00', 'Europe/London');

      expect(describeSchedule(schedule)).toBe('Once, at 2026-12-31 23:00 (Europe/London)');
    });

    it('keeps seconds that are not zero', () => {
      const schedule = ScheduleExpression.at('at(2027-01-01T09:30:15)', 'America/New_York');

      expect(describeSchedule(schedule)).toBe('Once, at 2027-01-01 09:30:15 (America/New_York)');
    });
  });
});
