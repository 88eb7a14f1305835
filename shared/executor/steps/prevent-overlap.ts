import type { MiddlewareObj } from '@middy/core';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { JobStateStore } from '../../ports/job-state-store';
import type { Execution } from '../execution';
import { finishedExecution } from '../execution-records';
import type { RunState } from '../run-state';

export interface PreventOverlapOptions {
  readonly jobStateStore: JobStateStore;
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
}

/**
 * For jobs with `overlap: 'skip'`: holds the job's lock while a run is under way, and records
 * a run that starts meanwhile as skipped. The lock lapses with the attempt's lease, so a crashed
 * run does not block the job forever.
 */
export function preventOverlap(options: PreventOverlapOptions): MiddlewareObj<RunState, Execution> {
  const release = async (state: RunState, holdsLock: boolean): Promise<void> => {
    if (holdsLock && state.running) {
      await options.jobStateStore.releaseOverlapLock(state.request.jobName, state.runId);
    }
  };
  const holdsLock = (state: RunState): boolean => state.job?.overlap === 'skip';

  return {
    name: 'preventOverlap',
    before: async (request) => {
      const state = request.event;
      const running = state.running;
      if (!holdsLock(state) || !running) return undefined;
      const expiresAt = Date.parse(running.leaseExpiresAt ?? running.startedAt);
      const acquired = await options.jobStateStore.acquireOverlapLock(
        state.request.jobName,
        { runId: state.runId, expiresAt },
        options.clock.now(),
      );
      if (acquired) return undefined;
      const skipped = finishedExecution(
        running,
        {
          status: 'skipped',
          skipReason: 'overlap',
          message:
            "Another run of this job was still running; skipped because the job's overlap policy is 'skip'",
          retryable: false,
        },
        options.clock.now(),
      );
      await options.executionStore.complete(skipped);
      return skipped;
    },
    after: async (request) => release(request.event, holdsLock(request.event)),
    onError: async (request) => release(request.event, holdsLock(request.event)),
  };
}
