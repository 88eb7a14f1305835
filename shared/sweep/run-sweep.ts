import { systemClock } from '../clock/system-clock';
import type { Execution } from '../executor/execution';
import { silentLogger } from '../logging/silent-logger';
import type { Clock } from '../ports/clock';
import type { OpenRunStore } from '../ports/execution-store';
import type { Logger } from '../ports/logger';
import type { MissedRunCheck, MissedRunReport } from './missed-runs';
import { type SweepFinding, sweepFinding } from './open-runs';

export interface RunSweepDependencies {
  readonly store: OpenRunStore;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default - a logger that drops everything */
  readonly logger?: Logger;
  /**
   * Told of each run the sweep recorded an outcome for (the local runtime's alerts; deployed,
   * the executions table's stream tells the alerts function). Awaited; what it throws is logged.
   */
  readonly onSettled?: (execution: Execution) => Promise<void>;
  /**
   * Run after the open runs, in the time left: the schedules' ticks that started no run
   * (`createMissedRunCheck`). @default - none
   */
  readonly missedRuns?: MissedRunCheck;
}

export interface SweepOptions {
  /**
   * Milliseconds since the epoch after which the sweep takes on no further run (a Lambda's end,
   * less a reserve); what it leaves, the next sweep finds. @default - none
   */
  readonly deadline?: number;
}

/** What one sweep did. */
export interface SweepReport {
  /** Open runs due, as the index listed them. */
  readonly due: number;
  /** Runs ended `timed_out`: their last attempt's worker died. */
  readonly abandoned: number;
  /** Attempts recorded `timed_out` that their message's redelivery retries. */
  readonly abandonedWillRetry: number;
  /** Runs ended because the retry they waited for never came. */
  readonly retryLost: number;
  /** Runs a worker or a delivery moved on meanwhile (or not yet due): left as they are. */
  readonly untouched: number;
  /** Runs whose write failed; the next sweep tries them again. */
  readonly failed: number;
  /** False when the deadline cut the sweep short. */
  readonly complete: boolean;
  /** What the missed-run check found, when the sweep has one and had time for it. */
  readonly missedRuns?: MissedRunReport;
}

export interface RunSweep {
  /** Ends what is due; throws only when the open runs cannot be listed. */
  sweep(options?: SweepOptions): Promise<SweepReport>;
}

/**
 * The sweep: ends the runs that no worker and no delivery will end, so that no run stays
 * `running` past its lease, nor waits forever for a retry whose message was lost (see
 * `sweepFinding` for when it acts). Deployed, a scheduled function runs it every few minutes;
 * locally, the runtime every few seconds. Its writes are conditional on the run as it read it,
 * so it never overwrites what a live worker or a delivery recorded, and two sweeps at once do
 * each run's work once.
 */
export function createRunSweep(dependencies: RunSweepDependencies): RunSweep {
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger ?? silentLogger;
  const { store, onSettled } = dependencies;
  return {
    async sweep(options = {}) {
      const now = clock.now();
      const counts = { due: 0, abandoned: 0, abandonedWillRetry: 0, retryLost: 0, untouched: 0 };
      let failed = 0;
      let complete = true;
      for await (const open of store.openRunsDue(new Date(now).toISOString())) {
        if (options.deadline !== undefined && clock.now() >= options.deadline) {
          complete = false;
          break;
        }
        counts.due++;
        const finding = sweepFinding(open, now);
        if (!finding) {
          counts.untouched++;
          continue;
        }
        try {
          if (!(await store.settle(open, finding.settled))) {
            counts.untouched++;
            continue;
          }
        } catch (error) {
          failed++;
          logger.error('Could not record what the sweep found; the next sweep tries again', {
            ...runOf(open),
            finding: finding.kind,
            error: describe(error),
          });
          continue;
        }
        counts[finding.kind]++;
        logger.warn(SETTLED_MESSAGES[finding.kind], {
          ...runOf(open),
          status: finding.settled.status,
          willRetry: finding.settled.willRetry === true,
          retryBy: finding.settled.retryBy,
        });
        if (onSettled) {
          await onSettled(finding.settled).catch((error: unknown) => {
            logger.error('A listener of the runs the sweep ended failed', {
              ...runOf(open),
              error: describe(error),
            });
          });
        }
      }
      const missedRuns =
        complete && dependencies.missedRuns
          ? await dependencies.missedRuns.check(
              options.deadline !== undefined ? { deadline: options.deadline } : {},
            )
          : undefined;
      const report: SweepReport = {
        ...counts,
        failed: failed + (missedRuns?.failed ?? 0),
        complete: complete && (missedRuns?.complete ?? true),
        ...(missedRuns ? { missedRuns } : {}),
      };
      if (report.due > 0 || (missedRuns?.missed ?? 0) > 0) {
        logger.info('Swept the open runs that were due', { ...report });
      }
      return report;
    },
  };
}

const SETTLED_MESSAGES: Readonly<Record<SweepFinding['kind'], string>> = {
  abandoned: "Ended a run whose last attempt's worker stopped without recording an outcome",
  abandonedWillRetry:
    'Recorded an attempt whose worker stopped without an outcome as timed out; its message retries it',
  retryLost: 'Ended a run whose retry never came: its message was lost',
};

function runOf(execution: Execution) {
  return { jobName: execution.jobName, runId: execution.runId, attempt: execution.attempt };
}

function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}
