import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../shared/executor/execution';
import {
  countOf,
  DURATION_BUCKETS_MS,
  hourOf,
  percentile,
  summarize,
} from '../../../shared/stats/run-stats-math';

const ended = (overrides: Partial<Execution>): Execution => ({
  jobName: 'report',
  runId: 'run-1',
  attempt: 1,
  maxAttempts: 3,
  trigger: 'schedule',
  status: 'succeeded',
  startedAt: '2026-12-06T07:59:58.000Z',
  completedAt: '2026-12-06T08:00:01.500Z',
  durationMs: 3_500,
  willRetry: false,
  ...overrides,
});

describe('what an ended attempt adds to its hour', () => {
  it('counts a run by its outcome in the hour it ended, with its duration bucket', () => {
    expect(countOf(ended({}))).toEqual({
      hour: '2026-12-06T08:00:00.000Z',
      outcome: 'succeeded',
      bucket: DURATION_BUCKETS_MS.indexOf(5_000),
    });
  });

  it('counts a failed attempt that will be retried as a retry, not a failure', () => {
    expect(countOf(ended({ status: 'failed', willRetry: true }))?.outcome).toBe('retried');
  });

  it('counts skipped and rejected runs without a duration, and a running attempt not at all', () => {
    expect(countOf(ended({ status: 'skipped' }))).not.toHaveProperty('bucket');
    expect(countOf(ended({ status: 'running' }))).toBeUndefined();
  });

  it('reads the hour of a time in UTC', () => {
    expect(hourOf('2026-12-06T07:59:59.999Z')).toBe('2026-12-06T07:00:00.000Z');
  });
});

describe('totals and percentiles of some hours', () => {
  it('adds the outcomes, and estimates p50 and p95 as the bounds of the buckets they fall in', () => {
    const buckets = DURATION_BUCKETS_MS.map(() => 0);
    buckets[DURATION_BUCKETS_MS.indexOf(1_000)] = 90;
    buckets[DURATION_BUCKETS_MS.indexOf(30_000)] = 10;

    const summary = summarize([
      { hour: 'a', outcomes: { succeeded: 95 }, retried: 2, durationBuckets: buckets },
      {
        hour: 'b',
        outcomes: { failed: 5 },
        retried: 0,
        durationBuckets: DURATION_BUCKETS_MS.map(() => 0),
      },
    ]);

    expect(summary).toEqual({
      runs: 100,
      outcomes: { succeeded: 95, failed: 5 },
      retried: 2,
      p50Ms: 1_000,
      p95Ms: 30_000,
    });
  });

  it('has no percentile without durations, and names the last bucket by its lower bound', () => {
    const buckets = DURATION_BUCKETS_MS.map(() => 0);
    buckets[buckets.length - 1] = 1;

    expect(
      percentile(
        DURATION_BUCKETS_MS.map(() => 0),
        0.5,
      ),
    ).toBeNull();
    expect(percentile(buckets, 0.95)).toBe(900_000);
  });
});
