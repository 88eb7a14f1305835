import type { MiddlewareObj } from '@middy/core';
import { UnknownJobError } from '../../errors';
import type { Execution } from '../execution';
import type { JobRegistry } from '../job-registry';
import type { RunState } from '../run-state';
import { type RecordRejectionOptions, recordRejection } from './record-rejection';

export interface ResolveJobOptions extends RecordRejectionOptions {
  readonly jobs: JobRegistry;
}

/** Finds the requested job; a request for an unknown job is recorded as rejected. */
export function resolveJob(options: ResolveJobOptions): MiddlewareObj<RunState, Execution> {
  return {
    name: 'resolveJob',
    before: async (request) => {
      const state = request.event;
      const job = options.jobs.get(state.request.jobName);
      if (job) {
        state.job = job;
        return undefined;
      }
      const error = new UnknownJobError(state.request.jobName, options.jobs.names());
      return recordRejection(options, state, error);
    },
  };
}
