import pMap from 'p-map';
import type { JobRegistry } from '../executor/job-registry';
import { silentLogger } from '../logging/silent-logger';
import type { JobState, JobStateStore } from '../ports/job-state-store';
import type { Logger } from '../ports/logger';
import type { ScheduleControl } from '../ports/schedule-control';

export interface JobControlOptions {
  readonly jobs: JobRegistry;
  readonly jobStateStore: JobStateStore;
  /** Where recurring schedules fire; absent when nothing but the worker needs telling. */
  readonly scheduleControl?: ScheduleControl;
  readonly logger?: Logger;
}

/** Jobs paused or resumed at once, and their schedules switched, a few at a time. */
const ALL_JOBS_CONCURRENCY = 8;

/** What pausing or resuming every job did. */
export interface AllPausedResult {
  readonly paused: boolean;
  /** Each job paused or resumed, by name. */
  readonly jobs: readonly PauseResult[];
  /** The jobs whose state could not be written, and why: try again. */
  readonly failed: readonly { readonly jobName: string; readonly message: string }[];
}

/** A job's state after a pause or resume, and whether its schedule could be switched too. */
export interface PauseResult extends JobState {
  readonly jobName: string;
  /**
   * `updated`: the schedule was switched; `none`: the job has no schedule; `failed`: it could
   * not be switched, which is harmless because the worker skips a paused job's ticks anyway.
   */
  readonly schedule: 'updated' | 'none' | 'failed';
}

/**
 * Pause and resume, for the API and the CLI. The job-state store is the truth the worker
 * checks, so a pause holds even if the schedule is switched back on by a later deploy; the
 * schedule is switched too, so that a paused job's ticks stop being sent at all.
 */
export class JobControl {
  private readonly options: JobControlOptions;
  private readonly logger: Logger;

  constructor(options: JobControlOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  pause(jobName: string, by?: string): Promise<PauseResult> {
    return this.setPaused(jobName, true, by);
  }

  resume(jobName: string, by?: string): Promise<PauseResult> {
    return this.setPaused(jobName, false, by);
  }

  /**
   * Pauses or resumes every job: the emergency brake while a bad deploy is rolled back. Each job
   * is tried, whatever happens to the others; those that could not be paused are listed with why.
   */
  async setAllPaused(paused: boolean, by?: string): Promise<AllPausedResult> {
    const names = this.options.jobs.names().sort();
    const outcomes = await pMap(
      names,
      async (jobName) => {
        try {
          return { done: await this.setPaused(jobName, paused, by) };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.logger.error(`Could not ${paused ? 'pause' : 'resume'} a job of all`, {
            jobName,
            error: message,
          });
          return { failed: { jobName, message } };
        }
      },
      { concurrency: ALL_JOBS_CONCURRENCY },
    );
    return {
      paused,
      jobs: outcomes.flatMap((outcome) => ('done' in outcome ? [outcome.done] : [])),
      failed: outcomes.flatMap((outcome) => ('failed' in outcome ? [outcome.failed] : [])),
    };
  }

  private async setPaused(jobName: string, paused: boolean, by?: string): Promise<PauseResult> {
    const job = this.options.jobs.require(jobName);
    const state = await this.options.jobStateStore.setPaused(job.name, paused, by);
    const schedule = job.schedule ? await this.switchSchedule(job.name, !paused) : 'none';
    return { jobName: job.name, ...state, schedule };
  }

  private async switchSchedule(
    jobName: string,
    enabled: boolean,
  ): Promise<PauseResult['schedule']> {
    const control = this.options.scheduleControl;
    if (!control) return 'none';
    try {
      return (await control.setEnabled(jobName, enabled)) ? 'updated' : 'none';
    } catch (error) {
      this.logger.warn('Could not switch the job’s schedule; the worker still honours the pause', {
        jobName,
        enabled,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return 'failed';
    }
  }
}
