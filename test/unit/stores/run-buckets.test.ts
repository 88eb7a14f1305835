import { describe, expect, it } from 'vitest';
import { runIdForKey } from '../../../shared/executor/run-id';
import {
  dayPartitionOf,
  openBucketOf,
  runBucketOf,
} from '../../../shared/stores/dynamodb/run-buckets';
import { RECENT_INDEX_BUCKETS } from '../../../shared/tables/table-definitions';

describe('dayPartitionOf', () => {
  it('gives a run its day and the bucket its run id decides, the same every time', () => {
    // Pinned: a table holds these values for as long as it keeps the runs, so the hash must
    // never change under them.
    expect(dayPartitionOf('2026-12-06', 'run-1')).toBe('2026-12-06#03');
    expect(dayPartitionOf('2026-12-07', 'run-1')).toBe('2026-12-07#03');
    expect(dayPartitionOf('2026-12-06', '01JF3QZ7J8V1X9W2R5T6Y8P0KD')).toBe('2026-12-06#12');
  });

  it('gives the bare day with one bucket, the form of before the buckets', () => {
    expect(dayPartitionOf('2026-12-06', 'run-1', 1)).toBe('2026-12-06');
  });

  it('pads the bucket to the digits of the largest', () => {
    expect(dayPartitionOf('2026-12-06', 'run-1', 4)).toMatch(/^2026-12-06#[0-3]$/);
    expect(dayPartitionOf('2026-12-06', 'run-1', 64)).toMatch(/^2026-12-06#[0-6]\d$/);
  });
});

describe('runBucketOf', () => {
  it('spreads 1,600 run ids over every bucket, none with more than 1.25 times its share', () => {
    const counts = new Array<number>(RECENT_INDEX_BUCKETS).fill(0);
    for (let tick = 0; tick < 1600; tick++) {
      const bucket = runBucketOf(
        runIdForKey('nightly-report', `tick-${tick}`),
        RECENT_INDEX_BUCKETS,
      );
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }

    expect(counts.every((count) => count > 0)).toBe(true);
    expect(Math.max(...counts)).toBeLessThanOrEqual(125);
  });

  it('tells apart run ids whose characters differ only above their low bits', () => {
    // '1' (0x31) and 'Q' (0x51) share their low 4 bits, which alone decide FNV-1a's low 4 bits.
    const pairs = ['0P', '1Q', '2R', '3S', '4T', '6V', '7W', '8X', '9Y'];

    const apart = pairs.filter(
      ([digit, letter]) => runBucketOf(`run-${digit}`, 16) !== runBucketOf(`run-${letter}`, 16),
    );

    expect(apart.length).toBeGreaterThan(pairs.length / 2);
  });

  it('keeps the open-runs index’s buckets as they were', () => {
    expect([openBucketOf('run-1'), openBucketOf('run-a'), openBucketOf('tick-1')]).toEqual([
      4, 4, 6,
    ]);
  });
});
