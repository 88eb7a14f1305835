import type { Execution } from '../executor/execution';
import { JobRegistry } from '../executor/job-registry';
import type { AnyJobDefinition } from '../job/job-definition';
import { type AlertEvaluatorDependencies, createAlertEvaluator } from './alert-evaluator';
import { type AlertsHandler, createAlertsStreamHandler } from './alerts-stream-handler';

export interface AlertsOptions extends Omit<AlertEvaluatorDependencies, 'jobs'> {
  readonly jobs: JobRegistry | Iterable<AnyJobDefinition>;
}

/** Alerts on runs' outcomes, told of each ended attempt one way or the other. */
export interface Alerts {
  /** Evaluates one attempt (the local runtime, after each run). */
  handle(execution: Execution): Promise<void>;
  /** Evaluates the ended attempts of a batch of the executions table's stream (deployed). */
  readonly streamHandler: AlertsHandler;
}

/** The alerts function's handler and the local runtime's alerts, over the same ports. */
export function createAlerts(options: AlertsOptions): Alerts {
  const jobs = options.jobs instanceof JobRegistry ? options.jobs : JobRegistry.from(options.jobs);
  const evaluator = createAlertEvaluator({ ...options, jobs });
  return {
    handle: (execution) => evaluator.handle(execution),
    streamHandler: createAlertsStreamHandler({
      evaluator,
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  };
}
