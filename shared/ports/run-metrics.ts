import type { Execution } from '../executor/execution';

/** Counts what runs do, for alarms and charts; deployed, as CloudWatch metrics. */
export interface RunMetrics {
  /** Told of each attempt once history has its outcome; never throws. */
  attemptEnded(execution: Execution): void;
}
