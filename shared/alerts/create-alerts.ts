import type { Execution } from '../executor/execution';
import { JobRegistry } from '../executor/job-registry';
import type { AnyJobDefinition } from '../job/job-definition';
import { silentLogger } from '../logging/silent-logger';
import type { RunStats } from '../ports/run-stats';
import {
  type AlertEvaluator,
  type AlertEvaluatorDependencies,
  createAlertEvaluator,
} from './alert-evaluator';
import { type AlertsHandler, createAlertsStreamHandler } from './alerts-stream-handler';

export interface AlertsOptions extends Omit<AlertEvaluatorDependencies, 'jobs'> {
  readonly jobs: JobRegistry | Iterable<AnyJobDefinition>;
  /**
   * Where each ended attempt is counted, for charts: the same pass over ended attempts, off the
   * runs' hot path. A count that fails is logged; the alerts go on. @default - nothing counted
   */
  readonly stats?: Pick<RunStats, 'record'>;
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
  const logger = options.logger ?? silentLogger;
  const alertEvaluator = createAlertEvaluator({ ...options, jobs });
  const { stats } = options;
  const evaluator: AlertEvaluator = stats
    ? {
        handle: async (execution) => {
          await stats.record(execution).catch((error: unknown) =>
            logger.warn('Could not count the run in its hour; its alerts go on', {
              jobName: execution.jobName,
              runId: execution.runId,
              error: error instanceof Error ? error.message : String(error),
            }),
          );
          return alertEvaluator.handle(execution);
        },
      }
    : alertEvaluator;
  return {
    handle: (execution) => evaluator.handle(execution),
    streamHandler: createAlertsStreamHandler({
      evaluator,
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  };
}
