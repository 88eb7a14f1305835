import type { Execution } from '../shared/executor/execution';
import type { Clock, Timer } from '../shared/ports/clock';
import type { OpenRunStore } from '../shared/ports/execution-store';
import type { Logger } from '../shared/ports/logger';
import type { MissedRunCheck } from '../shared/sweep/missed-runs';
import { createRunSweep } from '../shared/sweep/run-sweep';

export interface LocalRunSweeperOptions {
  readonly store: OpenRunStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told of each run the sweep ended, for its alerts (deployed, the table's stream does it). */
  readonly onSettled: (execution: Execution) => Promise<void>;
  /** @default 5000 */
  readonly intervalMs?: number;
  /** The schedules' ticks that started no run. @default - not checked */
  readonly missedRuns?: MissedRunCheck;
}

/** Between two sweeps of the local runtime: runs end within seconds of when the sweep may act. */
export const LOCAL_SWEEP_INTERVAL_MS = 5_000;

/**
 * The run sweep, as the local runtime runs it: at start, which ends what a crash of the last
 * session left running (its leases ended meanwhile), then every few seconds. The same sweep as
 * the deployed run sweeper's, with the same rule for when it may act (shared/sweep).
 */
export function startLocalRunSweeper(options: LocalRunSweeperOptions): {
  stop(): Promise<void>;
} {
  const sweep = createRunSweep({
    store: options.store,
    clock: options.clock,
    logger: options.logger,
    onSettled: options.onSettled,
    ...(options.missedRuns ? { missedRuns: options.missedRuns } : {}),
  });
  const intervalMs = options.intervalMs ?? LOCAL_SWEEP_INTERVAL_MS;
  let stopped = false;
  let timer: Timer | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sweep
      .sweep()
      .then(
        () => undefined,
        (error: unknown) => {
          options.logger.error('The run sweep failed; it runs again in a few seconds', {
            error: error instanceof Error ? error.message : String(error),
          });
        },
      )
      .finally(() => {
        if (!stopped) timer = options.clock.setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      timer?.cancel();
      await running;
    },
  };
}
