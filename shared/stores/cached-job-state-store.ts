import { systemClock } from '../clock/system-clock';
import type { Clock } from '../ports/clock';
import type {
  JobState,
  JobStateStore,
  OverlapLock,
  StoredJobState,
} from '../ports/job-state-store';

export interface CachedJobStateStoreOptions {
  /** How long a job's state is reused before it is read again. @default 5000 */
  readonly ttlMs?: number;
  /** @default systemClock */
  readonly clock?: Clock;
}

interface CacheEntry {
  readonly state: Promise<StoredJobState>;
  readonly expiresAt: number;
}

/**
 * A `JobStateStore` that remembers each job's pause state for a few seconds. A worker checks the
 * pause state on every tick; the brief cache keeps a run at two DynamoDB round trips (the lock
 * and its release), at the cost of a pause taking up to `ttlMs` to reach other workers. Pauses
 * made through this store apply at once, and overlap locks are never cached.
 */
export class CachedJobStateStore implements JobStateStore {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly store: JobStateStore,
    options: CachedJobStateStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5000;
    this.clock = options.clock ?? systemClock;
    if (!Number.isFinite(this.ttlMs) || this.ttlMs < 0) {
      throw new RangeError(`ttlMs must be a number of milliseconds, 0 or more, got ${this.ttlMs}`);
    }
  }

  /** The job's state, read at most once per `ttlMs`; concurrent reads share one call. */
  get(jobName: string): Promise<StoredJobState> {
    const cached = this.cache.get(jobName);
    if (cached && this.clock.now() < cached.expiresAt) return cached.state;
    const entry: CacheEntry = {
      state: this.store.get(jobName),
      // From when the read started, so that no answer is reused for longer than ttlMs after it.
      expiresAt: this.clock.now() + this.ttlMs,
    };
    this.cache.set(jobName, entry);
    entry.state.catch(() => {
      // A failed read is the caller's to handle; the next one tries again.
      if (this.cache.get(jobName) === entry) this.cache.delete(jobName);
    });
    return entry.state;
  }

  /** Writes through, then serves the new state from the cache. */
  async setPaused(jobName: string, paused: boolean, by?: string): Promise<JobState> {
    let state: JobState;
    try {
      state = await this.store.setPaused(jobName, paused, by);
    } catch (error) {
      // The write may have landed before it failed, so what the cache holds may now be wrong.
      this.cache.delete(jobName);
      throw error;
    }
    this.cache.set(jobName, {
      state: Promise.resolve(state),
      expiresAt: this.clock.now() + this.ttlMs,
    });
    return state;
  }

  /** Writes through; the next read asks the store, since only it knows whether this wrote. */
  async setInitialPauseState(jobName: string, paused: boolean, by?: string): Promise<boolean> {
    try {
      return await this.store.setInitialPauseState(jobName, paused, by);
    } finally {
      this.cache.delete(jobName);
    }
  }

  acquireOverlapLock(jobName: string, lock: OverlapLock, now: number): Promise<boolean> {
    return this.store.acquireOverlapLock(jobName, lock, now);
  }

  releaseOverlapLock(jobName: string, runId: string): Promise<void> {
    return this.store.releaseOverlapLock(jobName, runId);
  }
}
