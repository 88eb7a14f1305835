import { effectiveJobState } from '../../control/initial-pause-states';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { JobStateStore } from '../../ports/job-state-store';
import type { Execution, Trigger } from '../execution';
import { finishedExecution } from '../execution-records';
import type { ClaimedRun } from '../run-state';

// A pause stops what runs by itself; a person's explicit trigger or retry still runs.
const PAUSABLE_TRIGGERS: ReadonlySet<Trigger> = new Set(['schedule', 'enqueue']);

export interface SkipWhenPausedOptions {
  readonly jobStateStore: Pick<JobStateStore, 'get'>;
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
}

/**
 * Records schedule ticks and enqueued runs of a paused job as skipped, without running them. A
 * job is paused when its job-state store says so, or, if no pause state was ever written, when
 * its definition says `paused: true`.
 */
export async function skipWhenPaused(
  options: SkipWhenPausedOptions,
  run: ClaimedRun,
): Promise<Execution | ClaimedRun> {
  if (!PAUSABLE_TRIGGERS.has(run.request.trigger)) return run;
  const stored = await options.jobStateStore.get(run.request.jobName);
  const jobState = effectiveJobState(run.job, stored);
  if (!jobState.paused) return run;
  const skipped = finishedExecution(
    run.running,
    {
      status: 'skipped',
      skipReason: 'paused',
      message: `Job is paused${jobState.pausedBy ? ` (by ${jobState.pausedBy})` : ''}; resume it to run ${run.request.trigger === 'schedule' ? 'its schedule' : 'enqueued runs'} again`,
      retryable: false,
    },
    options.clock.now(),
  );
  await options.executionStore.complete(skipped);
  return skipped;
}
