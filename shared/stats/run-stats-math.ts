import type { Execution } from '../executor/execution';
import type { EndedStatus, HourlyRunStats } from '../ports/run-stats';

/** Upper bounds of the duration buckets, in milliseconds; the last catches everything longer. */
export const DURATION_BUCKETS_MS = [
  100,
  250,
  500,
  1_000,
  2_500,
  5_000,
  10_000,
  30_000,
  60_000,
  120_000,
  300_000,
  900_000,
  Number.POSITIVE_INFINITY,
] as const;

const HOUR_MS = 60 * 60 * 1000;

/** The start of the UTC hour `time` falls in, ISO. */
export function hourOf(time: string | number): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return new Date(ms - (ms % HOUR_MS)).toISOString();
}

/** The bucket an attempt's duration falls in. */
export function durationBucketOf(durationMs: number): number {
  const index = DURATION_BUCKETS_MS.findIndex((bound) => durationMs <= bound);
  return index < 0 ? DURATION_BUCKETS_MS.length - 1 : index;
}

/** What one ended attempt adds to its hour: an outcome, or a retry, and its duration. */
export function countOf(
  execution: Execution,
):
  | { readonly hour: string; readonly outcome: EndedStatus | 'retried'; readonly bucket?: number }
  | undefined {
  if (execution.status === 'running') return undefined;
  const hour = hourOf(execution.completedAt ?? execution.startedAt);
  const outcome = execution.willRetry === true ? 'retried' : execution.status;
  // Skipped and rejected attempts ran nothing: they count, but take no duration.
  const ran =
    execution.status !== 'skipped' &&
    execution.status !== 'rejected' &&
    execution.status !== 'missed';
  return execution.durationMs !== undefined && ran
    ? { hour, outcome, bucket: durationBucketOf(execution.durationMs) }
    : { hour, outcome };
}

export interface RunStatsSummary {
  readonly runs: number;
  readonly outcomes: Readonly<Partial<Record<EndedStatus, number>>>;
  readonly retried: number;
  /** Estimated from the buckets: the bucket's upper bound, or null with no durations. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** Totals and percentiles of some hours. */
export function summarize(hours: readonly HourlyRunStats[]): RunStatsSummary {
  const outcomes: Partial<Record<EndedStatus, number>> = {};
  let retried = 0;
  const buckets = DURATION_BUCKETS_MS.map(() => 0);
  for (const hour of hours) {
    for (const [status, count] of Object.entries(hour.outcomes) as [EndedStatus, number][]) {
      outcomes[status] = (outcomes[status] ?? 0) + count;
    }
    retried += hour.retried;
    hour.durationBuckets.forEach((count, index) => {
      buckets[index] = (buckets[index] ?? 0) + count;
    });
  }
  const runs = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
  return {
    runs,
    outcomes,
    retried,
    p50Ms: percentile(buckets, 0.5),
    p95Ms: percentile(buckets, 0.95),
  };
}

/** The upper bound of the bucket where `p` of the durations have been counted. */
export function percentile(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [index, count] of buckets.entries()) {
    seen += count;
    if (seen >= p * total) {
      const bound = DURATION_BUCKETS_MS[index] ?? Number.POSITIVE_INFINITY;
      // The open-ended bucket has no bound: say its lower one.
      return Number.isFinite(bound) ? bound : (DURATION_BUCKETS_MS.at(-2) ?? 0);
    }
  }
  return null;
}

/** One hour of a chart: its totals and percentiles, zero when nothing ended in it. */
export interface HourSummary extends RunStatsSummary {
  /** The hour's start, ISO. */
  readonly hour: string;
}

/** Every hour from `fromHour` to `toHour` (both included), each summarized; hours without runs are zero. */
export function hourlySeries(
  hours: readonly HourlyRunStats[],
  fromHour: string,
  toHour: string,
): HourSummary[] {
  const byHour = new Map(hours.map((hour) => [hour.hour, hour]));
  const series: HourSummary[] = [];
  for (let ms = Date.parse(fromHour); ms <= Date.parse(toHour); ms += HOUR_MS) {
    const hour = new Date(ms).toISOString();
    const counted = byHour.get(hour);
    series.push({ hour, ...summarize(counted ? [counted] : []) });
  }
  return series;
}

/** Outcomes that mean the run did not do its work. */
const FAILURES: readonly EndedStatus[] = ['failed', 'timed_out', 'missed'];

/** How many of a summary's runs failed for good: failed, timed out or missed, retries not counted. */
export function failuresOf(summary: Pick<RunStatsSummary, 'outcomes'>): number {
  return FAILURES.reduce((sum, status) => sum + (summary.outcomes[status] ?? 0), 0);
}
