import { describe, expect, test } from 'vitest';
import { parseDurationSeconds } from '../../../shared/job/duration';

describe('parseDurationSeconds', () => {
  test.each([
    [60, 60],
    [0, 0],
    [1.5, 1.5],
    ['90 seconds', 90],
    ['1 second', 1],
    ['30s', 30],
    ['30 sec', 30],
    ['30 secs', 30],
    ['5 minutes', 300],
    ['1 minute', 60],
    ['15m', 900],
    ['2 min', 120],
    ['2 mins', 120],
    ['1.5 minutes', 90],
    ['2 hours', 7200],
    ['1h', 3600],
    ['1 hour', 3600],
    ['5 MINUTES', 300],
    ['  5 minutes  ', 300],
    ['5minutes', 300],
  ])('reads %j as %d seconds', (duration, seconds) => {
    expect(parseDurationSeconds(duration)).toBe(seconds);
  });

  test.each([
    ['text without a unit', '90'],
    ['an unknown unit', '5 fortnights'],
    ['days', '1 day'],
    ['milliseconds', '500ms'],
    ['a negative amount in text', '-5 seconds'],
    ['two amounts', '1 hour 5 minutes'],
    ['words', 'five minutes'],
    ['an empty string', ''],
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
    ['a boolean', true],
    ['null', null],
    ['undefined', undefined],
    ['an object', { minutes: 5 }],
  ])('reads nothing from %s', (_case, duration) => {
    expect(parseDurationSeconds(duration)).toBeUndefined();
  });

  test('passes a negative number through for the caller to reject', () => {
    expect(parseDurationSeconds(-5)).toBe(-5);
  });
});
