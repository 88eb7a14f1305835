import type { AlertLog, AlertRecord } from '../ports/alert-log';

/** Alerts in memory, for tests and the test invoker. */
export class InMemoryAlertLog implements AlertLog {
  private readonly claimed = new Set<string>();
  private readonly records: AlertRecord[] = [];

  async claim(jobName: string, runId: string, attempt: number): Promise<boolean> {
    const key = `${jobName}\u0000${runId}\u0000${attempt}`;
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }

  async release(jobName: string, runId: string, attempt: number): Promise<void> {
    this.claimed.delete(`${jobName}\u0000${runId}\u0000${attempt}`);
  }

  async record(alert: AlertRecord): Promise<void> {
    this.records.push(alert);
  }

  /** The recorded alerts, oldest first. */
  list(): readonly AlertRecord[] {
    return [...this.records];
  }
}
