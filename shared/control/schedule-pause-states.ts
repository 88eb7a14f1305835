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
  /** What could not be done, with why; a paused job's ticks are still skipped by the worker. */
  readonly failed: readonly { readonly jobName: string; readonly error: string }[];
}

export interface SchedulePauseStatesOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /**
   * When to stop switching schedules (epoch ms): the rest are reported as failed, so that the
   * step answers CloudFormation in time. @default - no limit
   */
  readonly deadline?: number;
}

// Scheduler's control-plane calls are rate-limited per account; a shard's jobs go a few at a time.
const CONCURRENT_SWITCHES = 5;

/**
 * Makes each schedule's state follow its job's pause state again, after a deploy that may have
 * reset it (CloudFormation writes a schedule's whole definition, state included, whenever it
 * updates one). Writes the initial pause state of jobs declared `paused: true` first. Never
 * throws: what cannot be done is reported, since the worker skips a paused job's ticks anyway.
 */
export async function applyPauseStatesToSchedules(
  jobs: readonly ScheduledPausableJob[],
  ports: {
    readonly jobStateStore: Pick<JobStateStore, 'get' | 'setInitialPauseState'>;
    readonly scheduleControl: ScheduleControl;
  },
  options: SchedulePauseStatesOptions = {},
): Promise<SchedulePauseStates> {
  const now = options.now ?? Date.now;
  const paused: string[] = [];
  const failed: { jobName: string; error: string }[] = [];
  try {
    await applyInitialPauseStates(jobs, ports.jobStateStore);
  } catch (error) {
    for (const job of jobs.filter((each) => each.paused)) {
      failed.push({ jobName: job.name, error: `initial pause not written: ${describe(error)}` });
    }
  }
  const scheduled = jobs.filter((job) => job.scheduled);
  for (let start = 0; start < scheduled.length; start += CONCURRENT_SWITCHES) {
    const batch = scheduled.slice(start, start + CONCURRENT_SWITCHES);
    if (options.deadline !== undefined && now() >= options.deadline) {
      for (const job of scheduled.slice(start)) {
        failed.push({ jobName: job.name, error: 'not switched: out of time' });
      }
      break;
    }
    await Promise.all(
      batch.map(async (job) => {
        try {
          const state = effectiveJobState(job, await ports.jobStateStore.get(job.name));
          await ports.scheduleControl.setEnabled(job.name, !state.paused);
          if (state.paused) paused.push(job.name);
        } catch (error) {
          failed.push({ jobName: job.name, error: describe(error) });
        }
      }),
    );
  }
  return { paused: paused.sort(), failed };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
