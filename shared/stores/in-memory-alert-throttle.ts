import { systemClock } from '../clock/system-clock';
import type { AlertPermit, AlertThrottle } from '../ports/alert-throttle';
import type { Clock } from '../ports/clock';

const HOUR_MS = 60 * 60 * 1000;

/** The throttle in memory (one process is atomic by itself), for tests. */
export class InMemoryAlertThrottle implements AlertThrottle {
  private readonly hours = new Map<string, { sent: number; suppressed: number }>();
  private readonly unreported = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async acquire(jobName: string, maxPerHour: number): Promise<AlertPermit> {
    const now = this.clock.now();
    const key = `${jobName}\u0000${now - (now % HOUR_MS)}`;
    const hour = this.hours.get(key) ?? { sent: 0, suppressed: 0 };
    this.hours.set(key, hour);
    if (hour.sent >= maxPerHour) {
      hour.suppressed += 1;
      this.unreported.set(jobName, (this.unreported.get(jobName) ?? 0) + 1);
      return { allowed: false, suppressedBefore: 0 };
    }
    hour.sent += 1;
    if (hour.sent > 1) return { allowed: true, suppressedBefore: 0 };
    const suppressedBefore = this.unreported.get(jobName) ?? 0;
    this.unreported.delete(jobName);
    return { allowed: true, suppressedBefore };
  }
}
