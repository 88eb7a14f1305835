import type { OneOffRun, OneOffScheduler } from '../shared/delivery/one-off-scheduler';
import { type RunMessage, runMessageFor } from '../shared/delivery/run-message';
import type { Clock, Timer } from '../shared/ports/clock';
import type { Logger } from '../shared/ports/logger';
import type { MessageJournal } from './message-journal';

/** A run waiting for its time, as the runtime keeps it across a restart. */
export interface PendingOneOffRun {
  readonly at: string;
  readonly message: RunMessage;
}

// Node's timers overflow past 24.8 days; a longer wait is taken in steps.
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * Scheduler's one-time schedules on this machine: a run enqueued for more than 15 minutes ahead
 * is sent to its job's queue at its time. With a journal, each wait is written to it when it is
 * scheduled and marked done once its run was sent, so that nothing waiting is lost however the
 * runtime stops: the journal's recovered waits are given to `restore()` at the next start.
 */
export class LocalOneOffScheduler implements OneOffScheduler {
  private readonly waiting = new Map<number, Timer>();
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly send: (message: RunMessage) => Promise<void>,
    private readonly logger: Logger,
    private readonly journal?: MessageJournal,
  ) {}

  async schedule(run: OneOffRun): Promise<{ scheduleName: string }> {
    if (Number.isNaN(run.at.getTime())) {
      throw new RangeError(
        `Cannot schedule a run of job "${run.request.jobName}" at an invalid date`,
      );
    }
    const id = this.add(
      this.journaled({ at: run.at.toISOString(), message: runMessageFor(run.request) }),
    );
    return { scheduleName: `local-${id}` };
  }

  /**
   * Puts back runs that were waiting when the runtime last stopped; past ones go now. Those
   * with a journal id are already in the journal; the others are written to it.
   */
  restore(runs: readonly (PendingOneOffRun & { readonly id?: number })[]): void {
    for (const { id, ...run } of runs) {
      this.add(id === undefined ? this.journaled(run) : { ...run, journalId: id });
    }
  }

  /** Cancels every wait (the journal keeps them for the next start). */
  stop(): void {
    for (const timer of this.waiting.values()) timer.cancel();
  }

  private journaled(run: PendingOneOffRun): PendingOneOffRun & { journalId?: number } {
    return this.journal ? { ...run, journalId: this.journal.scheduled(run) } : run;
  }

  private add({ journalId, ...run }: PendingOneOffRun & { journalId?: number }): number {
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
          this.send(run.message).then(
            // Sent, and so in the journal as a queued message: the wait is over.
            () => {
              if (journalId !== undefined) this.journal?.done(journalId);
            },
            (error: unknown) => {
              this.logger.error('A run scheduled for later could not be sent to its queue', {
                jobName: run.message.job,
                at: run.at,
                error: error instanceof Error ? error.message : String(error),
              });
            },
          );
        },
        Math.min(Math.max(0, due - this.clock.now()), LONGEST_WAIT_MS),
      );
      this.waiting.set(id, timer);
    };
    wait();
    return id;
  }
}
