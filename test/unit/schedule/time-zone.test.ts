import { describe, expect, it, test } from 'vitest';
import { isValidTimeZone, ZonedClock } from '../../../shared/schedule/time-zone';

function clockIn(timezone: string): ZonedClock {
  const clock = ZonedClock.of(timezone);
  if (!clock) throw new Error(`no clock for ${timezone}`);
  return clock;
}

describe('isValidTimeZone', () => {
  test.each([
    'UTC',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'US/Eastern',
    'Etc/UTC',
  ])('accepts the IANA name or alias %s', (timezone) => {
    expect(isValidTimeZone(timezone)).toBe(true);
  });

  test.each([
    ['an unknown name', 'Mars/Olympus'],
    ['a misspelt name', 'Europe/Londn'],
    ['an empty string', ''],
    ['only spaces', '   '],
    ['a leading space', ' UTC'],
    ['a trailing space', 'Europe/London '],
    ['a positive UTC offset', '+01:00'],
    ['a negative UTC offset', '-05:00'],
  ])('rejects %s: %j', (_description, timezone) => {
    expect(isValidTimeZone(timezone)).toBe(false);
  });
});

describe('ZonedClock', () => {
  it('reads the wall clock in its zone, with the weekday', () => {
    const clock = clockIn('Europe/London');

    const wall = clock.wallClock(Date.parse('2026-07-15T08:00:00Z'));

    expect(wall).toEqual({
      year: 2026,
      month: 7,
      day: 15,
      hour: 9,
      minute: 0,
      second: 0,
      weekday: 3,
    });
  });

  it('reads midnight as hour 0', () => {
    const clock = clockIn('America/New_York');

    const wall = clock.wallClock(Date.parse('2026-01-15T05:00:00Z'));

    expect(wall).toMatchObject({ day: 15, hour: 0, minute: 0 });
  });

  test.each([
    ['London in winter', 'Europe/London', '2026-01-15T08:00:00Z', 0],
    ['London in summer', 'Europe/London', '2026-07-15T08:00:00Z', 3_600_000],
    ['New York in winter', 'America/New_York', '2026-01-15T08:00:00.750Z', -18_000_000],
    ['New York in summer', 'America/New_York', '2026-07-15T08:00:00Z', -14_400_000],
    ['Kolkata', 'Asia/Kolkata', '2026-07-15T08:00:00Z', 19_800_000],
  ])('gives the offset from UTC: %s', (_description, timezone, instant, expected) => {
    const clock = clockIn(timezone);

    const offset = clock.offsetAt(Date.parse(instant));

    expect(offset).toBe(expected);
  });

  test.each([
    ['a normal winter time', 'Europe/London', [2026, 1, 15, 9, 0], '2026-01-15T09:00:00.000Z'],
    ['a normal summer time', 'America/New_York', [2026, 7, 15, 9, 0], '2026-07-15T13:00:00.000Z'],
    [
      'the first minute after the London gap',
      'Europe/London',
      [2026, 3, 29, 2, 0],
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'a time in the London gap, moved forward',
      'Europe/London',
      [2026, 3, 29, 1, 30],
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'a time in the New York gap, moved forward',
      'America/New_York',
      [2026, 3, 8, 2, 30],
      '2026-03-08T07:30:00.000Z',
    ],
    [
      'a repeated London time, first occurrence',
      'Europe/London',
      [2026, 10, 25, 1, 30],
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'a repeated New York time, first occurrence',
      'America/New_York',
      [2026, 11, 1, 1, 0],
      '2026-11-01T05:00:00.000Z',
    ],
    [
      'the hour after the London repeat',
      'Europe/London',
      [2026, 10, 25, 2, 0],
      '2026-10-25T02:00:00.000Z',
    ],
  ])(
    'finds the instant for %s',
    (_description, timezone, [year, month, day, hour, minute], expected) => {
      const clock = clockIn(timezone);

      const instant = clock.toInstant({
        year: year ?? 0,
        month: month ?? 0,
        day: day ?? 0,
        hour: hour ?? 0,
        minute: minute ?? 0,
        second: 0,
      });

      expect(new Date(instant).toISOString()).toBe(expected);
    },
  );
});
