import type { JobStateStore } from '../ports/job-state-store';
import type { ScheduleControl } from '../ports/schedule-control';
import {
  applyInitialPauseStates,
  effectiveJobState,
  type PausableJob,
} from './initial-pause-states';

/** A job as the post-deploy step sees it: its name, its `paused` default, whether it ticks. */
export interface ScheduledPausableJob extends PausableJob {
  readonly scheduled: boolean;
}

export interface SchedulePauseStates {
  /** Jobs whose schedule is now off, because the job is paused. */
  readonly paused: readonly string[];
  /** Jobs whose schedule could not be switched, with why; their ticks are still skipped. */
  readonly failed: readonly { readonly jobName: string; readonly error: string }[];
}

// Scheduler's control-plane calls are rate-limited per account; a shard's jobs go a few at a time.
const CONCURRENT_SWITCHES = 5;

/**
 * Makes each schedule's state follow its job's pause state again, after a deploy that may have
 * reset it (CloudFormation writes a schedule's whole definition, state included, whenever it
 * updates one). Writes the initial pause state of jobs declared `paused: true` first. A schedule
 * that cannot be switched is reported, not thrown: the worker skips a paused job's ticks anyway.
 */
export async function applyPauseStatesToSchedules(
  jobs: readonly ScheduledPausableJob[],
  ports: {
    readonly jobStateStore: Pick<JobStateStore, 'get' | 'setInitialPauseState'>;
    readonly scheduleControl: ScheduleControl;
  },
): Promise<SchedulePauseStates> {
  await applyInitialPauseStates(jobs, ports.jobStateStore);
  const scheduled = jobs.filter((job) => job.scheduled);
  const paused: string[] = [];
  const failed: { jobName: string; error: string }[] = [];
  for (let start = 0; start < scheduled.length; start += CONCURRENT_SWITCHES) {
    await Promise.all(
      scheduled.slice(start, start + CONCURRENT_SWITCHES).map(async (job) => {
        try {
          const state = effectiveJobState(job, await ports.jobStateStore.get(job.name));
          await ports.scheduleControl.setEnabled(job.name, !state.paused);
          if (state.paused) paused.push(job.name);
        } catch (error) {
          failed.push({
            jobName: job.name,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
        }
      }),
    );
  }
  return { paused: paused.sort(), failed };
}
