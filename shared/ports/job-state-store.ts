/** Runtime state of a job that a deploy must not reset. */
export interface JobState {
  readonly paused: boolean;
  readonly pausedAt?: string;
  readonly pausedBy?: string;
}

/**
 * A job's state as a store holds it: `paused` is undefined when no pause state was ever written
 * for the job, which leaves the job's definition (`defineJob({ paused })`) to decide.
 */
export interface StoredJobState extends Omit<JobState, 'paused'> {
  readonly paused?: boolean;
}

/** Who holds a job's overlap lock, and until when a crashed holder keeps it. */
export interface OverlapLock {
  readonly runId: string;
  readonly expiresAt: number;
}

export interface JobStateStore {
  get(jobName: string): Promise<StoredJobState>;
  setPaused(jobName: string, paused: boolean, by?: string): Promise<JobState>;
  /**
   * Writes the job's pause state only if none was ever written, so that a later pause or resume
   * (by anyone, at any time) is never undone. Returns whether it wrote.
   */
  setInitialPauseState(jobName: string, paused: boolean, by?: string): Promise<boolean>;
  /**
   * Takes the job's overlap lock for `lock.runId`, unless another run holds an unexpired one.
   * Returns whether it was taken.
   */
  acquireOverlapLock(jobName: string, lock: OverlapLock, now: number): Promise<boolean>;
  /** Releases the lock if `runId` holds it. */
  releaseOverlapLock(jobName: string, runId: string): Promise<void>;
}
