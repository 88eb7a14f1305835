import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Execution } from '../executor/execution';
import type { RunMetrics } from '../ports/run-metrics';

/**
 * The metrics of a job's runs, by name. A run is counted once, by the attempt that ends it: a
 * failed attempt that is retried counts as a retry, and its run as failed only if the last
 * attempt fails too.
 */
export const RUN_METRICS = {
  succeeded: 'RunsSucceeded',
  failed: 'RunsFailed',
  retried: 'Retries',
  skipped: 'RunsSkipped',
  rejected: 'RunsRejected',
  missed: 'RunsMissed',
  duration: 'AttemptDuration',
} as const;

/**
 * Run metrics as Powertools Metrics: each is added to the invocation's EMF document, which the
 * function's middy handler writes to its log when the invocation ends (no PutMetricData call).
 */
export function powertoolsRunMetrics(metrics: Metrics): RunMetrics {
  return {
    attemptEnded(execution) {
      const name = metricOf(execution);
      if (name) metrics.addMetric(name, MetricUnit.Count, 1);
      if (execution.durationMs !== undefined && execution.status !== 'skipped') {
        metrics.addMetric(RUN_METRICS.duration, MetricUnit.Milliseconds, execution.durationMs);
      }
    },
  };
}

function metricOf(execution: Execution): string | undefined {
  switch (execution.status) {
    case 'succeeded':
      return RUN_METRICS.succeeded;
    case 'failed':
    case 'timed_out':
    case 'cancelled':
      return execution.willRetry ? RUN_METRICS.retried : RUN_METRICS.failed;
    case 'skipped':
      return RUN_METRICS.skipped;
    case 'rejected':
      return RUN_METRICS.rejected;
    case 'missed':
      return RUN_METRICS.missed;
    case 'running':
      return undefined;
  }
}
