import type { AlertDelivery, AlertReason } from '../alerts/alert-message';

/** One alert as it is recorded: what it was about, and how each channel's delivery went. */
export interface AlertRecord {
  readonly jobName: string;
  readonly runId: string;
  readonly attempt: number;
  readonly reasons: readonly AlertReason[];
  /** ISO time the alert was decided. */
  readonly at: string;
  /** `sent` once delivered (or tried) on every channel; `suppressed` when the throttle held it. */
  readonly outcome: 'sent' | 'suppressed' | 'no_recipients';
  readonly deliveries: readonly AlertDelivery[];
}

/**
 * Where alerts are recorded. Claiming an attempt's alert first also makes evaluation
 * idempotent: the stream that feeds the evaluator delivers a record again after a failure, and
 * an attempt already claimed is not alerted twice.
 */
export interface AlertLog {
  /** Records that the attempt's alert is being handled; `false` if it already was. */
  claim(jobName: string, runId: string, attempt: number): Promise<boolean>;
  /** Gives up a claim, so that a retry of the evaluation can claim the attempt again. */
  release(jobName: string, runId: string, attempt: number): Promise<void>;
  /** Records how the alert ended. */
  record(alert: AlertRecord): Promise<void>;
}
