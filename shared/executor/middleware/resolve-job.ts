import type { MiddlewareObj } from '@middy/core';
import { UnknownJobError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { Execution } from '../execution';
import { rejectedExecution } from '../execution-records';
import type { JobRegistry } from '../job-registry';
import type { RunState } from '../run-state';

export interface ResolveJobOptions {
  readonly jobs: JobRegistry;
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
  readonly codeVersion?: string;
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
      const rejected = rejectedExecution(
        state,
        { name: error.name, message: error.message },
        options.clock.now(),
        options.codeVersion,
      );
      await options.executionStore.record(rejected);
      return rejected;
    },
  };
}
