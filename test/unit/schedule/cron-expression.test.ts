import { describe, expect, it, test } from 'vitest';
import { ScheduleExpressionError } from '../../../shared/errors';
import { ScheduleExpression } from '../../../shared/schedule/schedule-expression';
import { catchScheduleError } from './schedule-test-helpers';

describe('ScheduleExpression.cron', () => {
  describe('Unix 5-field expressions become the AWS 6-field form', () => {
    test.each([
      ['a daily time', '0 2 * * *', 'cron(0 2 * * ? *)'],
      ['every 15 minutes ("*/15" starts at 0)', '*/15 * * * *', 'cron(0/15 * * * ? *)'],
      ['every other hour', '0 */2 * * *', 'cron(0 0/2 * * ? *)'],
      ['the largest minute step', '*/59 * * * *', 'cron(0/59 * * * ? *)'],
      ['lists and ranges of minutes and hours', '5,35 8-18 * * *', 'cron(5,35 8-18 * * ? *)'],
      ['the last value of every field', '59 23 31 12 *', 'cron(59 23 31 12 ? *)'],
      ['weekdays by number', '0 9 * * 1-5', 'cron(0 9 ? * MON-FRI *)'],
      ['weekdays by lower-case name', '0 9 * * mon-fri', 'cron(0 9 ? * MON-FRI *)'],
      ['Sunday as 0', '0 0 * * 0', 'cron(0 0 ? * SUN *)'],
      ['Sunday as 7', '0 0 * * 7', 'cron(0 0 ? * SUN *)'],
      ['Sunday by name', '0 0 * * sun', 'cron(0 0 ? * SUN *)'],
      ['the weekend', '0 0 * * 0,6', 'cron(0 0 ? * SUN,SAT *)'],
      ['a list of weekdays', '0 12 * * 1,3,5', 'cron(0 12 ? * MON,WED,FRI *)'],
      ['every day by weekday range 0-6', '0 0 * * 0-6', 'cron(0 0 ? * SUN-SAT *)'],
      ['every day by weekday range 1-7 (7 is Sunday)', '0 0 * * 1-7', 'cron(0 0 ? * SUN-SAT *)'],
      ['a weekday step, as a list', '0 0 * * */2', 'cron(0 0 ? * SUN,TUE,THU,SAT *)'],
      ['a stepped weekday range, as a list', '0 0 * * 1-5/2', 'cron(0 0 ? * MON,WED,FRI *)'],
      ['the last Friday (5L)', '0 0 * * 5L', 'cron(0 0 ? * 6L *)'],
      ['the last Sunday (7L)', '0 0 * * 7L', 'cron(0 0 ? * 1L *)'],
      ['the second Monday (1#2)', '0 0 * * 1#2', 'cron(0 0 ? * 2#2 *)'],
      ['the first Sunday (0#1)', '0 0 * * 0#1', 'cron(0 0 ? * 1#1 *)'],
      ['the second Sunday by name', '0 0 * * sun#2', 'cron(0 0 ? * SUN#2 *)'],
      ['a day of the month', '0 0 1 * *', 'cron(0 0 1 * ? *)'],
      ['every other day of the month ("*/2" starts at 1)', '0 0 */2 * *', 'cron(0 0 1/2 * ? *)'],
      ['every third month ("*/3" starts at 1)', '0 0 * */3 *', 'cron(0 0 * 1/3 ? *)'],
      ['the last day of the month', '0 0 L * *', 'cron(0 0 L * ? *)'],
      ['the weekday nearest the 15th', '0 0 15W * *', 'cron(0 0 15W * ? *)'],
      ['month names', '0 0 1 jan,jul *', 'cron(0 0 1 JAN,JUL ? *)'],
      ['"?" in day-of-month', '0 0 ? * 1', 'cron(0 0 ? * MON *)'],
      ['@yearly', '@yearly', 'cron(0 0 1 1 ? *)'],
      ['@annually', '@annually', 'cron(0 0 1 1 ? *)'],
      ['@monthly', '@monthly', 'cron(0 0 1 * ? *)'],
      ['@weekly', '@weekly', 'cron(0 0 ? * SUN *)'],
      ['@daily', '@daily', 'cron(0 0 * * ? *)'],
      ['@midnight', '@midnight', 'cron(0 0 * * ? *)'],
      ['@hourly', '@hourly', 'cron(0 * * * ? *)'],
      ['a nickname in upper case', '@DAILY', 'cron(0 0 * * ? *)'],
    ])('converts %s: %s -> %s', (_description, source, expected) => {
      const schedule = ScheduleExpression.cron(source);

      expect(schedule.expression).toBe(expected);
    });
  });

  describe('AWS cron(...) expressions are kept in their 6-field form', () => {
    test.each([
      ['noon every day', 'cron(0 12 * * ? *)', 'cron(0 12 * * ? *)'],
      ['a minute step from 0', 'cron(0/15 * * * ? *)', 'cron(0/15 * * * ? *)'],
      ['a minute step from *', 'cron(*/5 * * * ? *)', 'cron(*/5 * * * ? *)'],
      ['weekday names', 'cron(0 8 ? * MON-FRI *)', 'cron(0 8 ? * MON-FRI *)'],
      ['lower-case weekday names', 'cron(0 0 ? * sun,sat *)', 'cron(0 0 ? * SUN,SAT *)'],
      ['weekday numbers (1 is Sunday, 7 Saturday)', 'cron(0 12 ? * 1,7 *)', 'cron(0 12 ? * 1,7 *)'],
      ['the highest weekday and year', 'cron(0 0 ? * 7 2199)', 'cron(0 0 ? * 7 2199)'],
      ['the lowest year', 'cron(0 0 1 1 ? 1970)', 'cron(0 0 1 1 ? 1970)'],
      ['the last day of the month', 'cron(0 0 L * ? *)', 'cron(0 0 L * ? *)'],
      ['"L" in day-of-week (Saturday)', 'cron(0 0 ? * L *)', 'cron(0 0 ? * L *)'],
      ['the last Friday by number', 'cron(0 0 ? * 6L *)', 'cron(0 0 ? * 6L *)'],
      ['the last Friday by name', 'cron(0 18 ? * FRIL *)', 'cron(0 18 ? * FRIL *)'],
      ['the weekday nearest the 15th', 'cron(0 9 15W * ? *)', 'cron(0 9 15W * ? *)'],
      ['the first Monday by number', 'cron(0 9 ? * 2#1 *)', 'cron(0 9 ? * 2#1 *)'],
      ['the first Monday by name', 'cron(0 9 ? * MON#1 *)', 'cron(0 9 ? * MON#1 *)'],
      ['one year', 'cron(0 12 1 JAN ? 2027)', 'cron(0 12 1 JAN ? 2027)'],
      [
        'a month range and a year range',
        'cron(0 12 * JAN-MAR ? 2026-2028)',
        'cron(0 12 * JAN-MAR ? 2026-2028)',
      ],
      ['a year step', 'cron(0 12 * * ? 2026/2)', 'cron(0 12 * * ? 2026/2)'],
      [
        'lists, steps and ranges together',
        'cron(10,20,30 */4 1-10 * ? *)',
        'cron(10,20,30 */4 1-10 * ? *)',
      ],
      ['a day-of-month step', 'cron(0 0 1/5 * ? *)', 'cron(0 0 1/5 * ? *)'],
      ['a month step', 'cron(0 0 1 1/3 ? *)', 'cron(0 0 1 1/3 ? *)'],
      [
        'a last-weekday rule limited to years',
        'cron(15 10 ? * 6L 2026-2027)',
        'cron(15 10 ? * 6L 2026-2027)',
      ],
      ['lower-case month and weekday names', 'cron(0 0 ? jul wed *)', 'cron(0 0 ? JUL WED *)'],
      ['an upper-case CRON wrapper', 'CRON(0 12 * * ? *)', 'cron(0 12 * * ? *)'],
      ['extra spaces', '  cron( 0  12 * * ?  * )  ', 'cron(0 12 * * ? *)'],
    ])('keeps %s: %s -> %s', (_description, source, expected) => {
      const schedule = ScheduleExpression.cron(source);

      expect(schedule.expression).toBe(expected);
    });
  });

  it('describes itself as a cron schedule in its time zone, keeping the source as written', () => {
    const schedule = ScheduleExpression.cron('0 9 * * 1-5', 'Europe/London');

    expect(schedule).toMatchObject({
      kind: 'cron',
      expression: 'cron(0 9 ? * MON-FRI *)',
      timezone: 'Europe/London',
      source: '0 9 * * 1-5',
    });
  });

  it('evaluates in UTC when no time zone is given', () => {
    const schedule = ScheduleExpression.cron('0 2 * * *');

    expect(schedule.timezone).toBe('UTC');
  });

  it('rejects an unknown time zone, naming the timezone option', () => {
    const error = catchScheduleError(() => ScheduleExpression.cron('0 2 * * *', 'Europe/Londn'));

    expect(error.field).toBe('timezone');
    expect(error.reason).toContain('unknown time zone "Europe/Londn"; use an IANA name');
  });

  describe('rejects what Scheduler cannot run, and says how to write it', () => {
    test.each([
      // Day fields
      [
        'both Unix day fields set',
        '0 0 1 * 1',
        'both day-of-month ("1") and day-of-week ("1") are set; Unix cron runs when either matches, which Scheduler cannot express. Keep one and set the other to "*"',
      ],
      [
        'both Unix day fields set, by range and name',
        '0 0 1-5 * MON',
        'both day-of-month ("1-5") and day-of-week ("MON") are set',
      ],
      [
        'both AWS day fields set',
        'cron(0 0 1 * MON *)',
        'day-of-month ("1") and day-of-week ("MON") cannot both be set; keep one and put "?" in the other, e.g. cron(0 0 1 * ? *)',
      ],
      [
        '"*" in both AWS day fields',
        'cron(0 0 * * * *)',
        'Scheduler needs "?" in day-of-month or day-of-week; write cron(0 0 * * ? *)',
      ],
      [
        'a day-of-month with "*" in day-of-week',
        'cron(0 0 1 * * *)',
        'Scheduler needs "?" in day-of-month or day-of-week; write cron(0 0 1 * ? *)',
      ],
      [
        'a day-of-week with "*" in day-of-month',
        'cron(0 0 * * MON *)',
        'Scheduler needs "?" in day-of-month or day-of-week; write cron(0 0 ? * MON *)',
      ],
      [
        '"?" in both AWS day fields',
        'cron(0 0 ? * ? *)',
        'day-of-month and day-of-week are both "?"; set one of them, e.g. cron(0 0 * * ? *) for every day',
      ],
      // Out of range
      ['minute 60 (Unix)', '60 * * * *', 'minutes value 60 is out of range; minutes takes 0-59'],
      [
        'minute 60 (AWS)',
        'cron(60 0 * * ? *)',
        'minutes value 60 is out of range; minutes takes 0-59',
      ],
      ['hour 24 (Unix)', '0 24 * * *', 'hours value 24 is out of range; hours takes 0-23'],
      ['hour 24 (AWS)', 'cron(0 24 * * ? *)', 'hours value 24 is out of range; hours takes 0-23'],
      ['day 0', '0 0 0 * *', 'day-of-month value 0 is out of range; day-of-month takes 1-31'],
      [
        'day 32',
        'cron(0 0 32 * ? *)',
        'day-of-month value 32 is out of range; day-of-month takes 1-31',
      ],
      ['month 0', '0 0 * 0 *', 'month value 0 is out of range; month takes 1-12 or JAN-DEC'],
      [
        'month 13',
        'cron(0 0 * 13 ? *)',
        'month value 13 is out of range; month takes 1-12 or JAN-DEC',
      ],
      [
        'Unix weekday 8',
        '0 0 * * 8',
        'day-of-week value 8 is out of range; day-of-week takes 0-7 (0 and 7 are Sunday) or SUN-SAT',
      ],
      [
        'AWS weekday 0',
        'cron(0 0 ? * 0 *)',
        'day-of-week value 0 is out of range; day-of-week takes 1-7 (1 is Sunday, 7 is Saturday) or SUN-SAT',
      ],
      [
        'AWS weekday 8',
        'cron(0 0 ? * 8 *)',
        'day-of-week value 8 is out of range; day-of-week takes 1-7 (1 is Sunday, 7 is Saturday)',
      ],
      [
        'year 1969',
        'cron(0 0 * * ? 1969)',
        'year value 1969 is out of range; year takes 1970-2199',
      ],
      [
        'year 2200',
        'cron(0 0 * * ? 2200)',
        'year value 2200 is out of range; year takes 1970-2199',
      ],
      // Syntax in the wrong field
      [
        '"/" in AWS day-of-week',
        'cron(0 0 ? * */2 *)',
        'day-of-week "*/2" uses "/", which Scheduler does not allow in day-of-week; list the values instead, e.g. "MON,WED,FRI"',
      ],
      [
        '"/" after an AWS weekday range',
        'cron(0 0 ? * SUN-SAT/2 *)',
        'day-of-week "SUN-SAT/2" uses "/", which Scheduler does not allow in day-of-week',
      ],
      [
        '"?" in minutes',
        'cron(? 0 * * ? *)',
        '"?" is only allowed in day-of-month and day-of-week, not in minutes; use "*"',
      ],
      [
        '"?" in Unix minutes',
        '? * * * *',
        '"?" is only allowed in day-of-month and day-of-week, not in minutes',
      ],
      [
        '"?" in hours',
        'cron(0 ? * * ? *)',
        '"?" is only allowed in day-of-month and day-of-week, not in hours',
      ],
      [
        '"?" in month',
        'cron(0 0 * ? ? *)',
        '"?" is only allowed in day-of-month and day-of-week, not in month',
      ],
      [
        '"?" in year',
        'cron(0 0 * * ? ?)',
        '"?" is only allowed in day-of-month and day-of-week, not in year',
      ],
      [
        '"L" in minutes',
        'cron(L 0 * * ? *)',
        '"L" is only allowed in day-of-month and day-of-week, not in minutes',
      ],
      [
        '"L" in month',
        'cron(0 0 * L ? *)',
        '"L" is only allowed in day-of-month and day-of-week, not in month',
      ],
      [
        '"L" in year',
        'cron(0 0 * * ? L)',
        '"L" is only allowed in day-of-month and day-of-week, not in year',
      ],
      ['"W" in hours', 'cron(0 W * * ? *)', '"W" is only allowed in day-of-month, not in hours'],
      [
        '"W" in day-of-week',
        'cron(0 0 ? * 2W *)',
        'day-of-week "2W" is not a form Scheduler accepts: use "6L" (the last Friday), "2#1" (the first Monday) or "L" (Saturday)',
      ],
      [
        '"#" in minutes',
        'cron(1#1 0 * * ? *)',
        '"#" is only allowed in day-of-week, not in minutes',
      ],
      [
        '"#" in day-of-month',
        'cron(0 0 1#2 * ? *)',
        'day-of-month "1#2" is not a form Scheduler accepts: use "L" (last day of the month) or "15W" (the weekday nearest the 15th)',
      ],
      [
        '"LW" in day-of-month',
        'cron(0 0 LW * ? *)',
        'day-of-month "LW" is not a form Scheduler accepts',
      ],
      [
        '"L" in a weekday list',
        'cron(0 0 ? * L,2 *)',
        'day-of-week "L,2" is not a form Scheduler accepts',
      ],
      [
        '"L" after a weekday range',
        'cron(0 0 ? * 2-3L *)',
        'day-of-week "2-3L" is not a form Scheduler accepts',
      ],
      [
        '"8L" in AWS day-of-week',
        'cron(0 0 ? * 8L *)',
        'day-of-week "8L" is not a form Scheduler accepts',
      ],
      [
        '"9L" in Unix day-of-week',
        '0 0 * * 9L',
        'day-of-week "9L" names day 9; Unix cron takes 0-7',
      ],
      ['"W" on day 32', 'cron(0 0 32W * ? *)', '"32W" names day 32; "W" takes a day from 1 to 31'],
      ['"W" on day 0', 'cron(0 0 0W * ? *)', '"0W" names day 0; "W" takes a day from 1 to 31'],
      [
        'a sixth weekday occurrence (AWS)',
        'cron(0 0 ? * 2#6 *)',
        '"2#6" asks for occurrence 6 of a weekday; "#" takes 1 to 5 (e.g. "2#1" for the first Monday)',
      ],
      [
        'a zeroth weekday occurrence',
        'cron(0 0 ? * 2#0 *)',
        '"2#0" asks for occurrence 0 of a weekday',
      ],
      [
        'a sixth weekday occurrence (Unix)',
        '0 0 * * 1#6',
        'day-of-week "1#6" asks for occurrence 6 of a weekday; "#" takes 1 to 5 (e.g. "1#1" for the first Monday)',
      ],
      // Ranges
      [
        'a backwards minute range',
        '30-10 * * * *',
        'minutes range "30-10" runs backwards; a range goes from low to high, so list its two parts instead, e.g. "30-59,0-10"',
      ],
      [
        'a backwards weekday range',
        'cron(0 0 ? * FRI-MON *)',
        'day-of-week range "FRI-MON" runs backwards; a range goes from low to high, so list its two parts instead, e.g. "FRI-SAT,SUN-MON"',
      ],
      [
        'a backwards month range',
        'cron(0 0 * NOV-FEB ? *)',
        'month range "NOV-FEB" runs backwards; a range goes from low to high, so list its two parts instead, e.g. "NOV-DEC,JAN-FEB"',
      ],
      ['a backwards Unix weekday range', '0 0 * * 5-1', 'day-of-week range "5-1" runs backwards'],
      [
        'a range with three ends',
        'cron(1-2-3 0 * * ? *)',
        'minutes "1-2-3" has a malformed range "1-2-3"; write it as "first-last"',
      ],
      ['a range without a start', 'cron(-5 0 * * ? *)', 'minutes "-5" has a malformed range "-5"'],
      ['a range without an end', 'cron(5- 0 * * ? *)', 'minutes "5-" has a malformed range "5-"'],
      // Field counts
      [
        '4 fields',
        '0 0 * *',
        'Unix cron takes 5 fields (minute hour day-of-month month day-of-week), got 4; or write cron(minutes hours day-of-month month day-of-week year)',
      ],
      [
        '6 fields without cron(...)',
        '0 0 * * ? *',
        '6 fields without "cron(...)": write Scheduler\'s 6-field form as cron(minutes hours day-of-month month day-of-week year), e.g. "cron(0 12 * * ? *)"',
      ],
      [
        '5 fields inside cron(...)',
        'cron(0 0 * * ?)',
        'cron(...) takes 6 fields, cron(minutes hours day-of-month month day-of-week year), got 5; for 5-field Unix cron leave out "cron(" and ")"',
      ],
      [
        '7 fields inside cron(...)',
        'cron(0 0 * * ? * *)',
        'cron(...) takes 6 fields, cron(minutes hours day-of-month month day-of-week year), got 7',
      ],
      [
        'an empty expression',
        '',
        'Unix cron takes 5 fields (minute hour day-of-month month day-of-week), got 0',
      ],
      [
        'only spaces',
        '   ',
        'Unix cron takes 5 fields (minute hour day-of-month month day-of-week), got 0',
      ],
      // Lists
      [
        'an empty entry between commas',
        '0,,5 * * * *',
        'minutes "0,,5" has an empty entry between commas',
      ],
      ['a trailing comma', '0, * * * *', 'minutes "0," has an empty entry between commas'],
      [
        'an empty weekday entry',
        'cron(0 0 ? * MON,,FRI *)',
        'day-of-week "MON,,FRI" has an empty entry between commas',
      ],
      [
        '"*" in a list',
        'cron(*,5 0 * * ? *)',
        'minutes "*,5" mixes "*" with other values; "*" stands alone',
      ],
      // Steps
      [
        'a step of 0',
        '*/0 * * * *',
        'minutes "*/0" has step "0"; a step is a whole number from 1 to 59',
      ],
      [
        'a minute step of 60',
        '*/60 * * * *',
        'minutes "*/60" has step "60"; a step is a whole number from 1 to 59',
      ],
      [
        'an hour step of 24',
        '0 */24 * * *',
        'hours "*/24" has step "24"; a step is a whole number from 1 to 23',
      ],
      [
        'an AWS step of 0',
        'cron(0/0 * * * ? *)',
        'minutes "0/0" has step "0"; a step is a whole number from 1 to 59',
      ],
      [
        'a day-of-month step of 32',
        'cron(0 0 1/32 * ? *)',
        'day-of-month "1/32" has step "32"; a step is a whole number from 1 to 30',
      ],
      [
        'a missing step',
        'cron(*/ 0 * * ? *)',
        'minutes "*/" has step ""; a step is a whole number from 1 to 59',
      ],
      [
        'a step without a start',
        'cron(/5 0 * * ? *)',
        'minutes "/5" has no start before "/"; write "*/n" or "0/n"',
      ],
      ['two steps', 'cron(0/5/2 0 * * ? *)', 'minutes "0/5/2" has more than one "/"'],
      // Nicknames and other words
      [
        '@reboot',
        '@reboot',
        '"@reboot" is not a schedule Scheduler can run; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or five fields',
      ],
      ['@every', '@every 5m', '"@every 5m" is not a schedule Scheduler can run'],
      ['a letter in minutes', 'x 0 * * *', 'minutes "X" contains "X", which is not a number'],
      [
        'an unknown weekday name',
        '0 0 * * FOO',
        'day-of-week "FOO" contains "FOO", which is not a number or a name from SUN to SAT',
      ],
      [
        'a full weekday name',
        'cron(0 0 ? JAN MONDAY *)',
        'day-of-week "MONDAY" contains "MONDAY", which is not a number or a name from SUN to SAT',
      ],
      [
        'an unknown month name',
        'cron(0 0 * FOO ? *)',
        'month "FOO" contains "FOO", which is not a number or a name from JAN to DEC',
      ],
      [
        'letters in year',
        'cron(0 0 * * ? abc)',
        'year "ABC" contains "ABC", which is not a number',
      ],
      [
        'a rate expression',
        'rate(5 minutes)',
        "this is a rate expression, not cron; write it as { rate: 'rate(5 minutes)' }",
      ],
      [
        'an at expression',
        'at(2026-01-01T00:00:00)',
        "this is an at expression, not cron; write it as { at: 'at(2026-01-01T00:00:00)' }",
      ],
    ])('rejects %s: %s', (_description, source, expectedReason) => {
      const error = catchScheduleError(() => ScheduleExpression.cron(source));

      expect(error.reason).toContain(expectedReason);
    });
  });

  describe('tells a seconds-first (Quartz) cron apart, and says to drop the seconds', () => {
    test.each([
      ['daily at 02:00:00', '0 0 2 * * *', '"0 2 * * *"'],
      ['every 5 minutes, with "?"', '0 */5 * * * ?', '"*/5 * * * *"'],
      ['weekdays at noon, Quartz numbering (2 is Monday)', '0 0 12 ? * 2-6', '"0 12 * * 1-5"'],
      ['the third Friday (6#3)', '30 15 10 ? * 6#3', '"15 10 * * 5#3"'],
      ['7 fields with every year', '0 0 0 * * ? *', '"0 0 * * *"'],
    ])('%s: %s', (_description, source, unixCron) => {
      const error = catchScheduleError(() => ScheduleExpression.cron(source));

      expect(error.reason).toContain('starting with seconds (Quartz style)');
      expect(error.reason).toContain(
        `Drop the ${source.split(' ').length === 7 ? 'seconds and the year' : 'seconds'}: ${unixCron}`,
      );
      expect(error.reason).not.toContain('cron(0 12 * * ? *)');
    });

    it('offers the 5-field form that runs as the Quartz one meant', () => {
      const error = catchScheduleError(() => ScheduleExpression.cron('0 0 12 ? * 2-6'));
      const suggested = /Drop the seconds: "([^"]+)"/.exec(error.reason)?.[1] ?? '';

      expect(ScheduleExpression.cron(suggested).expression).toBe('cron(0 12 ? * MON-FRI *)');
    });

    it('keeps a year other than "*" in the Scheduler form it offers', () => {
      const error = catchScheduleError(() => ScheduleExpression.cron('0 0 4 * * ? 2027'));

      expect(error.reason).toContain('Drop the seconds: "0 4 * * *"');
      expect(error.reason).toContain('to keep the year, Scheduler\'s form "cron(0 4 * * ? 2027)"');
    });

    it('says that seconds firing more than once a minute cannot be kept', () => {
      const error = catchScheduleError(() => ScheduleExpression.cron('*/10 * * * * *'));

      expect(error.reason).toContain(
        'Scheduler fires at most once a minute, so seconds "*/10" cannot be kept',
      );
    });

    it("keeps Scheduler's cron(...) advice for 6 fields that are Scheduler's form", () => {
      const error = catchScheduleError(() => ScheduleExpression.cron('0 12 * * ? *'));

      expect(error.reason).toContain('6 fields without "cron(...)"');
      expect(error.reason).not.toContain('seconds');
    });
  });

  it('throws a ScheduleExpressionError that quotes the expression as written', () => {
    const build = () => ScheduleExpression.cron('0 0 1 * MON', 'UTC');

    expect(build).toThrow(ScheduleExpressionError);
    expect(build).toThrow(/^"0 0 1 \* MON" is not a valid schedule: both day-of-month/);
  });

  it('names its error ScheduleExpressionError and keeps the expression as given', () => {
    const error = catchScheduleError(() => ScheduleExpression.cron('cron(0 0 * * * *)'));

    expect(error.name).toBe('ScheduleExpressionError');
    expect(error.expression).toBe('cron(0 0 * * * *)');
  });
});
