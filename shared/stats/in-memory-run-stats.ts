import type { Execution } from '../executor/execution';
import type { EndedStatus, HourlyRunStats, RunStats } from '../ports/run-stats';
import { countOf, DURATION_BUCKETS_MS } from './run-stats-math';

/** Run statistics in memory, for tests and the test invoker. */
export class InMemoryRunStats implements RunStats {
  private readonly hours = new Map<string, Map<string, HourlyRunStats>>();

  async record(execution: Execution): Promise<void> {
    const count = countOf(execution);
    if (!count) return;
    let byHour = this.hours.get(execution.jobName);
    if (!byHour) {
      byHour = new Map();
      this.hours.set(execution.jobName, byHour);
    }
    const current = byHour.get(count.hour) ?? {
      hour: count.hour,
      outcomes: {},
      retried: 0,
      durationBuckets: DURATION_BUCKETS_MS.map(() => 0),
    };
    const outcomes: Partial<Record<EndedStatus, number>> = { ...current.outcomes };
    if (count.outcome !== 'retried') outcomes[count.outcome] = (outcomes[count.outcome] ?? 0) + 1;
    byHour.set(count.hour, {
      hour: count.hour,
      outcomes,
      retried: current.retried + (count.outcome === 'retried' ? 1 : 0),
      durationBuckets: current.durationBuckets.map((value, index) =>
        index === count.bucket ? value + 1 : value,
      ),
    });
  }

  async hourly(jobName: string, fromHour: string, toHour: string): Promise<HourlyRunStats[]> {
    return [...(this.hours.get(jobName)?.values() ?? [])]
      .filter((hour) => hour.hour >= fromHour && hour.hour <= toHour)
      .sort((a, b) => a.hour.localeCompare(b.hour));
  }
}
