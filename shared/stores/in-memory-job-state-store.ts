import type {
  JobState,
  JobStateStore,
  OverlapLock,
  StoredJobState,
} from '../ports/job-state-store';
import type { TickCheckMark, TickCheckMarks, TickCheckState } from '../ports/missed-runs';

const NEVER_WRITTEN: StoredJobState = {};

/** Pause state, overlap locks and missed-run marks in memory, for the test invoker and benchmarks. */
export class InMemoryJobStateStore implements JobStateStore, TickCheckMarks {
  private readonly states = new Map<string, JobState>();
  private readonly locks = new Map<string, OverlapLock>();
  private readonly resumes = new Map<string, string>();
  private readonly marks = new Map<string, TickCheckMark>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(jobName: string): Promise<StoredJobState> {
    return this.states.get(jobName) ?? NEVER_WRITTEN;
  }

  async setPaused(jobName: string, paused: boolean, by?: string): Promise<JobState> {
    const state: JobState = paused
      ? { paused, pausedAt: new Date(this.now()).toISOString(), ...(by ? { pausedBy: by } : {}) }
      : { paused };
    this.states.set(jobName, state);
    if (!paused) this.resumes.set(jobName, new Date(this.now()).toISOString());
    return state;
  }

  async readTickCheck(jobName: string): Promise<TickCheckState> {
    const resumedAt = this.resumes.get(jobName);
    const mark = this.marks.get(jobName);
    return {
      ...(await this.get(jobName)),
      ...(resumedAt ? { resumedAt } : {}),
      ...(mark ? { mark } : {}),
    };
  }

  async markTicksChecked(jobName: string, mark: TickCheckMark): Promise<void> {
    this.marks.set(jobName, mark);
  }

  async setInitialPauseState(jobName: string, paused: boolean, by?: string): Promise<boolean> {
    if (this.states.has(jobName)) return false;
    await this.setPaused(jobName, paused, by);
    return true;
  }

  async acquireOverlapLock(jobName: string, lock: OverlapLock, now: number): Promise<boolean> {
    const held = this.locks.get(jobName);
    if (held && held.runId !== lock.runId && held.expiresAt > now) return false;
    this.locks.set(jobName, lock);
    return true;
  }

  async releaseOverlapLock(jobName: string, runId: string): Promise<void> {
    if (this.locks.get(jobName)?.runId === runId) this.locks.delete(jobName);
  }
}
