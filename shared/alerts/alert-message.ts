import type { ExecutionError, Trigger } from '../executor/execution';

/** Why an alert is sent: which of the job's alert rules the run met. */
export type AlertReason = 'failure' | 'success' | 'duration' | 'dead_letter' | 'missed';

/** What every notifier says about a run: the facts someone needs to act on it. */
export interface AlertMessage {
  readonly jobName: string;
  readonly displayName: string;
  readonly runId: string;
  /** The attempt that ended, and how many the run may take. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly trigger: Trigger;
  readonly triggeredBy?: string;
  /** For a schedule tick: the time it was due. */
  readonly scheduledTime?: string;
  readonly status: string;
  readonly reasons: readonly AlertReason[];
  /** ISO times. */
  readonly startedAt: string;
  readonly completedAt?: string;
  readonly durationMs?: number;
  /** For a `duration` alert: the job's threshold. */
  readonly durationThresholdMs?: number;
  /** The run's result message. */
  readonly message?: string;
  readonly error?: ExecutionError;
  /** Alerts of this job held back by `maxAlertsPerHour` in the hour before this one. */
  readonly suppressedBefore?: number;
  /** Where to see the run: the dashboard's page for it, when there is a dashboard. */
  readonly runUrl?: string;
  /** The CLI command that shows the run. */
  readonly command: string;
}

/** Who an alert goes to on one channel. */
export type AlertTarget =
  | { readonly channel: 'email'; readonly recipients: readonly string[] }
  | { readonly channel: 'slack'; readonly webhookSecret: string }
  | { readonly channel: 'teams'; readonly webhookSecret: string };

/** The outcome of delivering one alert on one channel, as it is recorded. */
export interface AlertDelivery {
  readonly channel: AlertTarget['channel'];
  readonly delivered: boolean;
  /** Tries made, the first included. */
  readonly tries: number;
  /** Why the last try failed, when it did. */
  readonly error?: string;
}
