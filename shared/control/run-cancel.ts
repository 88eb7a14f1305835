import { systemClock } from '../clock/system-clock';
import { RunNotFoundError, RunStateConflictError } from '../errors';
import type { JobRegistry } from '../executor/job-registry';
import type { Clock } from '../ports/clock';
import type { RunCancellations } from '../ports/run-cancellations';

export interface RunCancelOptions {
  readonly jobs: JobRegistry;
  readonly cancellations: Pick<RunCancellations, 'requestCancel'>;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** What a cancel request answers: the run, and who asked it to stop. */
export interface CancelAccepted {
  readonly jobName: string;
  readonly runId: string;
  readonly cancelledBy: string;
}

/**
 * "Cancel", for the API and the CLI: records who asks a run to stop; the worker running it sees
 * the request within seconds, aborts the body's `ctx.signal` with that reason, and records the
 * attempt `cancelled`, not to be retried. A run waiting for its retry ends when the retry comes.
 */
export class RunCancel {
  private readonly clock: Clock;

  constructor(private readonly options: RunCancelOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async cancel(jobName: string, runId: string, by: string): Promise<CancelAccepted> {
    const job = this.options.jobs.require(jobName);
    const at = new Date(this.clock.now()).toISOString();
    const result = await this.options.cancellations.requestCancel(job.name, runId, { by, at });
    if (result.requested) return { jobName: job.name, runId, cancelledBy: by };
    if (!result.latest) throw new RunNotFoundError(job.name, runId);
    const status = result.latest.status.replace('_', ' ');
    throw new RunStateConflictError(
      `Run "${runId}" of job "${job.name}" has ended (${status}); only a running run, or one waiting for its retry, can be cancelled.`,
    );
  }
}
