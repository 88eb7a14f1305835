import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  EQUAL_JITTER,
  FULL_JITTER,
  spreadJitter,
} from '../../../shared/support/backoff';

const noJitter = spreadJitter(0);

describe('backoffDelay', () => {
  it('waits the base after the first failure and twice as long after each further one', () => {
    const options = { baseDelay: 250, maxDelay: 10_000, jitter: noJitter };

    expect([1, 2, 3, 4].map((failures) => backoffDelay(failures, options))).toEqual([
      250, 500, 1_000, 2_000,
    ]);
  });

  it('treats fewer than one failure as the first', () => {
    expect(backoffDelay(0, { baseDelay: 10, maxDelay: 100, jitter: noJitter })).toBe(10);
  });

  it('waits no longer than the cap, jitter included', () => {
    const options = { baseDelay: 250, maxDelay: 2_000, jitter: spreadJitter(0.5), random: () => 1 };

    expect(backoffDelay(10, options)).toBe(2_000);
  });

  it('draws a full-jitter wait from nothing up to the exponential one', () => {
    const options = { baseDelay: 100, maxDelay: 2_000, jitter: FULL_JITTER };

    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { ...options, random: () => 0.999_999 })).toBe(400);
  });

  it('takes a random half off an equal-jitter wait', () => {
    const options = { baseDelay: 250, maxDelay: 2_000, jitter: EQUAL_JITTER };

    expect(
      [1, 2, 3].map((failures) => backoffDelay(failures, { ...options, random: () => 0 })),
    ).toEqual([125, 250, 500]);
    expect(
      [1, 2, 3].map((failures) => backoffDelay(failures, { ...options, random: () => 0.999 })),
    ).toEqual([250, 500, 1_000]);
  });

  it('spreads a wait by a fraction of it either way', () => {
    const options = { baseDelay: 100, maxDelay: 1_000, jitter: spreadJitter(0.2) };

    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(80);
    expect(backoffDelay(1, { ...options, random: () => 0.5 })).toBe(100);
    expect(backoffDelay(1, { ...options, random: () => 1 })).toBe(120);
  });

  it('never waits less than nothing, however wide the spread', () => {
    expect(
      backoffDelay(1, { baseDelay: 10, maxDelay: 100, jitter: spreadJitter(3), random: () => 0 }),
    ).toBe(0);
  });

  it('full jitter is the default', () => {
    expect(backoffDelay(1, { baseDelay: 100, maxDelay: 1_000, random: () => 0.25 })).toBe(25);
  });
});
