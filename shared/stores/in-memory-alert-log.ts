import type { AlertLog, AlertRecord } from '../ports/alert-log';

/** Alerts in memory, for tests and the test invoker. */
export class InMemoryAlertLog implements AlertLog {
  private readonly claimed = new Set<string>();
  private readonly recorded = new Set<string>();
  private readonly records: AlertRecord[] = [];

  async claim(jobName: string, runId: string, attempt: number): Promise<boolean> {
    const key = alertKey(jobName, runId, attempt);
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }

  async release(jobName: string, runId: string, attempt: number): Promise<void> {
    const key = alertKey(jobName, runId, attempt);
    // Only a claim still pending, as DynamoDbAlertLog does: a recorded alert stays claimed.
    if (!this.recorded.has(key)) this.claimed.delete(key);
  }

  async record(alert: AlertRecord): Promise<void> {
    const key = alertKey(alert.jobName, alert.runId, alert.attempt);
    this.claimed.add(key);
    this.recorded.add(key);
    this.records.push(alert);
  }

  /** The recorded alerts, oldest first. */
  list(): readonly AlertRecord[] {
    return [...this.records];
  }
}

function alertKey(jobName: string, runId: string, attempt: number): string {
  return `${jobName}\u0000${runId}\u0000${attempt}`;
}
