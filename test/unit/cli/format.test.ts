import { describe, expect, it } from 'vitest';
import { duration, relativeTime, seconds, singleLine, table, zonedTime } from '../../../cli/format';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

describe('output formats', () => {
  it.each([
    ['2026-11-23T11:59:58.000Z', 'just now'],
    ['2026-11-23T11:59:30.000Z', '30 seconds ago'],
    ['2026-11-23T11:57:00.000Z', '3 minutes ago'],
    ['2026-11-23T13:00:00.000Z', 'in 1 hour'],
    ['2026-11-21T12:00:00.000Z', '2 days ago'],
    ['2027-02-23T12:00:00.000Z', 'in 3 months'],
  ])('says %s is "%s" from now', (time, expected) => {
    expect(relativeTime(time, NOW)).toBe(expected);
  });

  it.each([
    [850, '850 ms'],
    [4210, '4.2 s'],
    [125_000, '2 min 5 s'],
    [3_780_000, '1 h 3 min'],
  ])('writes %d ms as "%s"', (ms, expected) => {
    expect(duration(ms)).toBe(expected);
  });

  it.each([
    [45, '45 s'],
    [60, '1 min'],
    [300, '5 min'],
    [90, '90 s'],
    [3600, '1 h'],
  ])('writes a timeout of %d s as "%s"', (value, expected) => {
    expect(seconds(value)).toBe(expected);
  });

  it('aligns columns to the widest cell, with no trailing spaces', () => {
    expect(table(['A', 'LONG HEADER', 'C'], [['wide cell', 'x', '']])).toEqual([
      'A          LONG HEADER  C',
      'wide cell  x',
    ]);
  });

  it("writes a time in the zone's wall-clock time and offset", () => {
    expect(zonedTime('2026-07-01T01:00:00.000Z', 'Europe/London')).toBe(
      'Wed 2026-07-01 02:00:00 +01:00',
    );
    expect(zonedTime('2026-07-01T01:00:00.000Z', 'Asia/Kolkata')).toBe(
      'Wed 2026-07-01 06:30:00 +05:30',
    );
  });

  it('cuts a message to its first line and a maximum length', () => {
    expect(singleLine('first\nsecond')).toBe('first …');
    expect(singleLine('x'.repeat(10), 5)).toBe('xxxx…');
  });
});
