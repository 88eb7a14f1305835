import type { JobState, JobStateStore, StoredJobState } from '../ports/job-state-store';

/** Who paused a job that started paused because its definition says `paused: true`. */
export const PAUSED_BY_DEFINITION = 'definition (paused: true)';

const CONCURRENT_WRITES = 25;

/** What `applyInitialPauseStates` needs of a job. */
export interface PausableJob {
  readonly name: string;
  readonly paused: boolean;
}

/**
 * The pause state a job runs with: what its job-state store holds when a pause state was ever
 * written (a pause, a resume, or an initial state), otherwise its definition's `paused`.
 */
export function effectiveJobState(job: PausableJob, stored: StoredJobState): JobState {
  if (stored.paused !== undefined) return { ...stored, paused: stored.paused };
  return job.paused ? { paused: true, pausedBy: PAUSED_BY_DEFINITION } : { paused: false };
}

/**
 * Writes `paused: true` as the initial pause state of every job whose definition says so and
 * that has no pause state yet; a job paused or resumed since keeps that. The local runtime calls
 * it at each start, and deployment after each deploy. Returns the names of the jobs it paused.
 */
export async function applyInitialPauseStates(
  jobs: Iterable<PausableJob>,
  jobStateStore: Pick<JobStateStore, 'setInitialPauseState'>,
): Promise<string[]> {
  const declared = [...jobs].filter((job) => job.paused);
  const paused: string[] = [];
  // A few at a time: an import of a legacy table can declare hundreds of jobs paused.
  for (let start = 0; start < declared.length; start += CONCURRENT_WRITES) {
    const batch = declared.slice(start, start + CONCURRENT_WRITES);
    const written = await Promise.all(
      batch.map((job) => jobStateStore.setInitialPauseState(job.name, true, PAUSED_BY_DEFINITION)),
    );
    paused.push(...batch.filter((_, index) => written[index]).map((job) => job.name));
  }
  return paused;
}
