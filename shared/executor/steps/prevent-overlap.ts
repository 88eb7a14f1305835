import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { JobStateStore } from '../../ports/job-state-store';
import type { Execution } from '../execution';
import { finishedExecution } from '../execution-records';
import type { ClaimedRun } from '../run-state';

export interface PreventOverlapOptions {
  readonly jobStateStore: JobStateStore;
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
}

/**
 * For jobs with `overlap: 'skip'`: takes the job's lock for the run, and records a run that
 * starts while another holds it as skipped. The lock lapses with the attempt's lease, so a
 * crashed run does not block the job forever; whoever runs the attempt releases it
 * (`releaseOverlapLock`) once the attempt ends.
 */
export async function preventOverlap(
  options: PreventOverlapOptions,
  run: ClaimedRun,
): Promise<Execution | ClaimedRun> {
  if (run.job.overlap !== 'skip') return run;
  const { running } = run;
  const expiresAt = Date.parse(running.leaseExpiresAt ?? running.startedAt);
  const acquired = await options.jobStateStore.acquireOverlapLock(
    run.request.jobName,
    { runId: run.runId, expiresAt },
    options.clock.now(),
  );
  if (acquired) return run;
  const skipped = finishedExecution(
    running,
    {
      status: 'skipped',
      skipReason: 'overlap',
      message:
        "Another run of this job was still running; skipped because the job's overlap policy is 'skip'",
      retryable: false,
    },
    options.clock.now(),
  );
  await options.executionStore.complete(skipped);
  return skipped;
}

/**
 * Releases the job's overlap lock if `run` may hold it. Safe when it does not: the store
 * releases only a lock held under the run's own id.
 */
export async function releaseOverlapLock(
  options: Pick<PreventOverlapOptions, 'jobStateStore'>,
  run: ClaimedRun,
): Promise<void> {
  if (run.job.overlap === 'skip') {
    await options.jobStateStore.releaseOverlapLock(run.request.jobName, run.runId);
  }
}
