/**
 * Turns a job's recurring schedule on and off where it fires (EventBridge Scheduler deployed,
 * the local scheduler at home). The job-state store stays the truth the worker checks; this
 * only stops ticks from being sent while a job is paused.
 */
export interface ScheduleControl {
  /** Resolves to false when the job has no schedule to change. */
  setEnabled(jobName: string, enabled: boolean): Promise<boolean>;
}
