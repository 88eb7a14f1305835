import { JobControl } from '../control/job-control';
import { RunCancel } from '../control/run-cancel';
import { RunTrigger } from '../control/run-trigger';
import { JobRegistry } from '../executor/job-registry';
import type { AnyJobDefinition } from '../job/job-definition';
import type { AlertConfigStore } from '../ports/alert-config-store';
import type { Clock } from '../ports/clock';
import type { DeadLetters } from '../ports/dead-letters';
import type { Enqueuer } from '../ports/enqueuer';
import type { ExecutionHistory } from '../ports/execution-history';
import type { ExecutionStore } from '../ports/execution-store';
import type { HealthChecksOfJobs } from '../ports/health-check';
import type { JobStateStore } from '../ports/job-state-store';
import type { Logger } from '../ports/logger';
import type { MissedRunHistory } from '../ports/missed-runs';
import type { RunCancellations } from '../ports/run-cancellations';
import type { RunStats } from '../ports/run-stats';
import type { ScheduleControl } from '../ports/schedule-control';
import type { ApiHandler } from './api-request';
import { createApiHandler } from './create-api-handler';

/** The ports the REST API works through: deployed, DynamoDB, SQS and Scheduler. */
export interface ApiOptions {
  readonly jobs: JobRegistry | Iterable<AnyJobDefinition>;
  /** Where runs are listed and read, and a run to retry is found. */
  readonly history: ExecutionHistory &
    MissedRunHistory &
    Pick<ExecutionStore, 'getRun'> &
    Pick<RunCancellations, 'requestCancel'>;
  readonly jobStateStore: JobStateStore;
  readonly alertConfigStore: AlertConfigStore;
  /** Where started and retried runs are sent: each job's queue. */
  readonly enqueuer: Enqueuer;
  /** Each job's dead-letter queue, listed and sent back. */
  readonly deadLetters: DeadLetters;
  /** Each job's hourly run counts, as the alerts' pass over ended attempts keeps them. */
  readonly stats: Pick<RunStats, 'hourly'>;
  /**
   * Where recurring schedules fire, switched off while their job is paused.
   * @default - only the job state changes (the worker skips the paused job's ticks)
   */
  readonly scheduleControl?: ScheduleControl;
  /** What `GET /health` asks of an app of these jobs (`appHealthChecks`). @default - nothing */
  readonly healthChecks?: HealthChecksOfJobs;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default - logs nothing */
  readonly logger?: Logger;
}

/**
 * The REST API's handler: the API function's and the local runtime's, each over its own
 * adapters of the same ports.
 */
export function createApi(options: ApiOptions): ApiHandler {
  const jobs = options.jobs instanceof JobRegistry ? options.jobs : JobRegistry.from(options.jobs);
  const { history, jobStateStore, alertConfigStore, clock, logger } = options;
  return createApiHandler({
    jobs,
    history,
    jobStateStore,
    alertConfigStore,
    jobControl: new JobControl({
      jobs,
      jobStateStore,
      ...(options.scheduleControl ? { scheduleControl: options.scheduleControl } : {}),
      ...(logger ? { logger } : {}),
    }),
    deadLetters: options.deadLetters,
    stats: options.stats,
    missedRuns: history,
    runCancel: new RunCancel({ jobs, cancellations: history, ...(clock ? { clock } : {}) }),
    runTrigger: new RunTrigger({
      jobs,
      history,
      enqueuer: options.enqueuer,
      ...(clock ? { clock } : {}),
    }),
    ...(options.healthChecks ? { healthChecks: options.healthChecks(jobs.names()) } : {}),
    ...(clock ? { clock } : {}),
    ...(logger ? { logger } : {}),
  });
}
