import { UnknownJobError } from '../../errors';
import type { Execution } from '../execution';
import type { JobRegistry } from '../job-registry';
import type { ResolvedRun, RunState } from '../run-state';
import { type RecordRejectionOptions, recordRejection } from './record-rejection';

export interface ResolveJobOptions extends RecordRejectionOptions {
  readonly jobs: JobRegistry;
}

/** Finds the requested job; a request for an unknown job is recorded as rejected. */
export async function resolveJob(
  options: ResolveJobOptions,
  run: RunState,
): Promise<Execution | ResolvedRun> {
  const job = options.jobs.get(run.request.jobName);
  if (job) return { ...run, job };
  const error = new UnknownJobError(run.request.jobName, options.jobs.names());
  return recordRejection(options, run, error);
}
