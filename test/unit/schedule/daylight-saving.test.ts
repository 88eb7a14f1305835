import { describe, expect, it } from 'vitest';
import { clockChanges, daylightSavingWarnings } from '../../../shared/schedule/daylight-saving';
import { ScheduleExpression } from '../../../shared/schedule/schedule-expression';

const FROM = new Date('2027-01-01T00:00:00Z');
const warningsFor = (cron: string, timezone: string) =>
  daylightSavingWarnings(ScheduleExpression.cron(cron, timezone), FROM);

describe('clockChanges', () => {
  it("finds London's two changes of 2027, to the minute, with the wall-clock hour each skips or repeats", () => {
    const changes = clockChanges('Europe/London', FROM);

    expect(
      changes.map((change) => ({
        kind: change.kind,
        at: new Date(change.at).toISOString(),
        wall: `${new Date(change.wallFrom).toISOString()} - ${new Date(change.wallTo).toISOString()}`,
      })),
    ).toEqual([
      {
        kind: 'skipped',
        at: '2027-03-28T01:00:00.000Z',
        wall: '2027-03-28T01:00:00.000Z - 2027-03-28T02:00:00.000Z',
      },
      {
        kind: 'repeated',
        at: '2027-10-31T01:00:00.000Z',
        wall: '2027-10-31T01:00:00.000Z - 2027-10-31T02:00:00.000Z',
      },
    ]);
  });

  it('finds the change to the minute from any moment, seconds and all', () => {
    const changes = clockChanges('Europe/London', new Date('2026-12-06T20:03:17.481Z'));

    expect(changes.map((change) => new Date(change.wallTo).toISOString())).toEqual([
      '2027-03-28T02:00:00.000Z',
      '2027-10-31T02:00:00.000Z',
    ]);
  });

  it('finds none in a zone without daylight saving', () => {
    expect(clockChanges('Asia/Tokyo', FROM)).toEqual([]);
  });
});

describe('daylightSavingWarnings', () => {
  it('warns that a daily 01:30 in London is not run the day the clocks go forward, and run once the day they go back', () => {
    const warnings = warningsFor('30 1 * * *', 'Europe/London');

    expect(warnings.map((warning) => [warning.change.kind, warning.times])).toEqual([
      ['skipped', ['01:30']],
      ['repeated', ['01:30']],
    ]);
    expect(warnings[0]?.message).toBe(
      'its schedule "30 1 * * *" (Europe/London) fires in an hour daylight saving skips: the clocks skip 01:00 to 02:00 on 2027-03-28, so Scheduler does not run it at 01:30 that day. To run at the same time every day, move it out of 01:00 to 02:00, or schedule it in UTC',
    );
    expect(warnings[1]?.message).toContain(
      'the clocks go through 01:00 to 02:00 twice on 2027-10-31, so Scheduler runs it once at 01:30, the first time, and not again an hour later',
    );
  });

  it('follows each zone’s own rules: New York skips 02:00 to 03:00 in March and repeats 01:00 to 02:00', () => {
    const warnings = warningsFor('30 2 * * *', 'America/New_York');

    expect(warnings.map((warning) => [warning.change.kind, warning.times])).toEqual([
      ['skipped', ['02:30']],
    ]);
    expect(warnings[0]?.message).toContain('on 2027-03-14');
  });

  it('follows the southern hemisphere: Sydney skips 02:00 to 03:00 in October, repeats it in April', () => {
    const warnings = warningsFor('15 2 * * *', 'Australia/Sydney');

    expect(
      warnings.map((warning) => [
        warning.change.kind,
        new Date(warning.change.wallFrom).toISOString().slice(0, 10),
      ]),
    ).toEqual([
      ['repeated', '2027-04-04'],
      ['skipped', '2027-10-03'],
    ]);
  });

  it('lists every time of the schedule inside the hour', () => {
    const warnings = warningsFor('0,20,40 1 * * *', 'Europe/London');

    expect(warnings[0]?.times).toEqual(['01:00', '01:20', '01:40']);
  });

  it('says nothing when the schedule never fires on the day of a change', () => {
    // 2027-03-28 and 2027-10-31 are Sundays; this fires on Mondays only.
    expect(warningsFor('30 1 * * 1', 'Europe/London')).toEqual([]);
  });

  it('says nothing of a time outside the changing hours, a schedule in UTC, or one that fires every hour', () => {
    expect(warningsFor('0 7 * * *', 'Europe/London')).toEqual([]);
    expect(warningsFor('30 1 * * *', 'UTC')).toEqual([]);
    expect(warningsFor('*/15 * * * *', 'Europe/London')).toEqual([]);
    expect(daylightSavingWarnings(ScheduleExpression.rate('1 hour'), FROM)).toEqual([]);
  });
});
