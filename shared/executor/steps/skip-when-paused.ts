import type { MiddlewareObj } from '@middy/core';
import { effectiveJobState } from '../../control/initial-pause-states';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { JobStateStore } from '../../ports/job-state-store';
import type { Execution, Trigger } from '../execution';
import { finishedExecution } from '../execution-records';
import type { RunState } from '../run-state';

// A pause stops what runs by itself; a person's explicit trigger or retry still runs.
const PAUSABLE_TRIGGERS: ReadonlySet<Trigger> = new Set(['schedule', 'enqueue']);

export interface SkipWhenPausedOptions {
  readonly jobStateStore: Pick<JobStateStore, 'get'>;
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
}

/**
 * Records schedule ticks and enqueued runs of a paused job as skipped, without running them. A
 * job is paused when its job-state store says so, or, if no pause state was ever written, when
 * its definition says `paused: true`.
 */
export function skipWhenPaused(options: SkipWhenPausedOptions): MiddlewareObj<RunState, Execution> {
  return {
    name: 'skipWhenPaused',
    before: async (request) => {
      const state = request.event;
      if (!PAUSABLE_TRIGGERS.has(state.request.trigger) || !state.running) return undefined;
      const stored = await options.jobStateStore.get(state.request.jobName);
      // resolveJob, earlier in the chain, has set state.job: its definition may start it paused.
      const jobState = state.job ? effectiveJobState(state.job, stored) : stored;
      if (!jobState.paused) return undefined;
      const skipped = finishedExecution(
        state.running,
        {
          status: 'skipped',
          skipReason: 'paused',
          message: `Job is paused${jobState.pausedBy ? ` (by ${jobState.pausedBy})` : ''}; resume it to run ${state.request.trigger === 'schedule' ? 'its schedule' : 'enqueued runs'} again`,
          retryable: false,
        },
        options.clock.now(),
      );
      await options.executionStore.complete(skipped);
      return skipped;
    },
  };
}
