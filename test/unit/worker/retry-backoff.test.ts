import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../../shared/worker/retry-backoff';

describe('retryDelaySeconds', () => {
  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
    [4, 80],
  ])('waits twice as long after each failure: attempt %i waits %i s', (attempt, seconds) => {
    expect(retryDelaySeconds(attempt, { baseSeconds: 10, jitter: 0 })).toBe(seconds);
  });

  it('treats an attempt number below 1 as the first', () => {
    expect(retryDelaySeconds(0, { baseSeconds: 10, jitter: 0 })).toBe(10);
  });

  it('waits no longer than maxSeconds', () => {
    expect(retryDelaySeconds(10, { baseSeconds: 10, maxSeconds: 60, jitter: 0 })).toBe(60);
  });

  it('waits 15 minutes at most by default', () => {
    expect(retryDelaySeconds(20, { jitter: 0 })).toBe(900);
  });

  it('shortens the wait by the jitter fraction at the lowest random draw', () => {
    const seconds = retryDelaySeconds(1, { baseSeconds: 100, jitter: 0.2, random: () => 0 });

    expect(seconds).toBe(80);
  });

  it('lengthens the wait by the jitter fraction at the highest random draw', () => {
    const seconds = retryDelaySeconds(1, { baseSeconds: 100, jitter: 0.2, random: () => 1 });

    expect(seconds).toBe(120);
  });

  it('keeps the wait unchanged at the middle random draw', () => {
    expect(retryDelaySeconds(1, { baseSeconds: 100, jitter: 0.2, random: () => 0.5 })).toBe(100);
  });

  it('does not let jitter push the wait past maxSeconds', () => {
    const seconds = retryDelaySeconds(1, {
      baseSeconds: 60,
      maxSeconds: 60,
      jitter: 0.5,
      random: () => 1,
    });

    expect(seconds).toBe(60);
  });

  it('never waits longer than SQS allows, 12 hours, whatever maxSeconds says', () => {
    const seconds = retryDelaySeconds(1, {
      baseSeconds: 100_000,
      maxSeconds: 100_000,
      jitter: 0.2,
      random: () => 1,
    });

    expect(seconds).toBe(43_200);
  });

  it('never waits less than nothing, however large the jitter', () => {
    expect(retryDelaySeconds(1, { baseSeconds: 10, jitter: 3, random: () => 0 })).toBe(0);
  });

  it('waits whole seconds', () => {
    const seconds = retryDelaySeconds(1, { baseSeconds: 10, jitter: 0.2, random: () => 0.123 });

    expect(Number.isInteger(seconds)).toBe(true);
  });
});
