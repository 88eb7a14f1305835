import type { MiddlewareObj } from '@middy/core';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { Execution } from '../execution';
import { duplicateExecution, runningExecution } from '../execution-records';
import { newRunId } from '../run-id';
import type { RunState } from '../run-state';

export interface ClaimAttemptOptions {
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
  /** Time beyond the job's timeout before a silent attempt counts as crashed. */
  readonly leaseGraceMs: number;
  readonly codeVersion?: string;
}

/**
 * Records the attempt as running, claiming it in one conditional write, and records its outcome
 * afterwards. A delivery whose attempt is already claimed or finished is a duplicate: it is
 * recorded as skipped and the job body does not run again.
 */
export function claimAttempt(options: ClaimAttemptOptions): MiddlewareObj<RunState, Execution> {
  return {
    name: 'claimAttempt',
    before: async (request) => {
      const state = request.event;
      const job = state.job;
      if (!job) throw new Error('claimAttempt runs after resolveJob');
      const now = options.clock.now();
      const leaseMs = job.timeoutSeconds * 1000 + options.leaseGraceMs;
      const running = runningExecution(state, job, now, leaseMs, options.codeVersion);
      const claim = await options.executionStore.start(running);
      if (claim.claimed) {
        state.running = running;
        return undefined;
      }
      const duplicate = duplicateExecution(
        state,
        claim.existing,
        newRunId(now),
        now,
        options.codeVersion,
      );
      await options.executionStore.record(duplicate);
      return duplicate;
    },
    after: async (request) => {
      if (request.response) await options.executionStore.complete(request.response);
    },
  };
}
