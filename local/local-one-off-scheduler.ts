import type { OneOffRun, OneOffScheduler } from '../shared/delivery/one-off-scheduler';
import { type RunMessage, runMessageFor } from '../shared/delivery/run-message';
import type { Clock, Timer } from '../shared/ports/clock';
import type { Logger } from '../shared/ports/logger';

/** A run waiting for its time, as the runtime keeps it across a restart. */
export interface PendingOneOffRun {
  readonly at: string;
  readonly message: RunMessage;
}

// Node's timers overflow past 24.8 days; a longer wait is taken in steps.
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * Scheduler's one-time schedules on this machine: a run enqueued for more than 15 minutes ahead
 * is sent to its job's queue at its time. What is still waiting when the runtime stops is handed
 * back by `pending()` and given again to `restore()` at the next start, so nothing is lost.
 */
export class LocalOneOffScheduler implements OneOffScheduler {
  private readonly waiting = new Map<number, { run: PendingOneOffRun; timer: Timer }>();
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly send: (message: RunMessage) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async schedule(run: OneOffRun): Promise<{ scheduleName: string }> {
    if (Number.isNaN(run.at.getTime())) {
      throw new RangeError(
        `Cannot schedule a run of job "${run.request.jobName}" at an invalid date`,
      );
    }
    const id = this.add({ at: run.at.toISOString(), message: runMessageFor(run.request) });
    return { scheduleName: `local-${id}` };
  }

  /** Puts back runs that were waiting when the runtime last stopped; past ones go now. */
  restore(runs: readonly PendingOneOffRun[]): void {
    for (const run of runs) this.add(run);
  }

  /** The runs still waiting, to keep for the next start. */
  pending(): PendingOneOffRun[] {
    return [...this.waiting.values()].map(({ run }) => run);
  }

  /** Cancels every wait (`pending()` still lists them). */
  stop(): void {
    for (const { timer } of this.waiting.values()) timer.cancel();
  }

  private add(run: PendingOneOffRun): number {
    const id = ++this.sequence;
    const due = Date.parse(run.at);
    const wait = () => {
      const timer = this.clock.setTimeout(
        () => {
          if (this.clock.now() < due) {
            wait();
            return;
          }
          this.waiting.delete(id);
          this.send(run.message).catch((error: unknown) => {
            this.logger.error('A run scheduled for later could not be sent to its queue', {
              jobName: run.message.job,
              at: run.at,
              error: error instanceof Error ? error.message : String(error),
            });
          });
        },
        Math.min(Math.max(0, due - this.clock.now()), LONGEST_WAIT_MS),
      );
      this.waiting.set(id, { run, timer });
    };
    wait();
    return id;
  }
}
