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
