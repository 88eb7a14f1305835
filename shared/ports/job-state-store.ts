/** Runtime state of a job that a deploy must not reset. */
export interface JobState {
  readonly paused: boolean;
  readonly pausedAt?: string;
  readonly pausedBy?: string;
}

/** Who holds a job's overlap lock, and until when a crashed holder keeps it. */
export interface OverlapLock {
  readonly runId: string;
  readonly expiresAt: number;
}

export interface JobStateStore {
  get(jobName: string): Promise<JobState>;
  setPaused(jobName: string, paused: boolean, by?: string): Promise<JobState>;
  /**
   * Takes the job's overlap lock for `lock.runId`, unless another run holds an unexpired one.
   * Returns whether it was taken.
   */
  acquireOverlapLock(jobName: string, lock: OverlapLock, now: number): Promise<boolean>;
  /** Releases the lock if `runId` holds it. */
  releaseOverlapLock(jobName: string, runId: string): Promise<void>;
}
