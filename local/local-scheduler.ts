import type { RunMessage } from '../shared/delivery/run-message';
import type { AnyNamedJobDefinition } from '../shared/job/job-definition';
import type { Clock, Timer } from '../shared/ports/clock';
import type { Logger } from '../shared/ports/logger';

export interface LocalSchedulerOptions {
  readonly jobs: readonly AnyNamedJobDefinition[];
  readonly clock: Clock;
  /** Sends a tick to the job's queue, as EventBridge Scheduler's SQS target does. */
  readonly send: (message: RunMessage) => Promise<void>;
  /** Names each job's schedule in the ticks' `scheduleArn`. */
  readonly scheduleArnFor: (jobName: string) => string;
  readonly logger: Logger;
}

// Node's timers overflow past 24.8 days; a longer wait is taken in steps.
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * EventBridge Scheduler on this machine: each recurring job's schedule fires at its next fire
 * time in its time zone (the same expression code as everywhere: a wall-clock time that does not
 * exist is skipped, a repeated hour fires once), and a one-off `at` fires once if it is ahead.
 * Each tick is the message Scheduler would send. Ticks missed while the runtime was stopped are
 * not made up, as Scheduler makes up none after a schedule is disabled.
 */
export class LocalScheduler {
  private readonly options: LocalSchedulerOptions;
  private readonly timers = new Map<string, Timer>();
  private readonly nextTicks = new Map<string, Date>();
  private readonly lastTicks = new Map<string, Date>();
  private running = false;

  constructor(options: LocalSchedulerOptions) {
    this.options = options;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const job of this.options.jobs) this.plan(job);
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.nextTicks.clear();
  }

  /** When the job's schedule fires next; undefined for on-demand jobs and past `at` times. */
  nextFireTime(jobName: string): Date | undefined {
    return this.nextTicks.get(jobName);
  }

  private plan(job: AnyNamedJobDefinition): void {
    if (!this.running || !job.schedule) return;
    const now = new Date(this.options.clock.now());
    const last = this.lastTicks.get(job.name);
    const [next] = job.schedule.nextFireTimes({
      count: 1,
      after: now,
      ...(last ? { anchor: last } : {}),
    });
    if (!next) {
      this.nextTicks.delete(job.name);
      return;
    }
    this.nextTicks.set(job.name, next);
    this.wait(job, next);
  }

  private wait(job: AnyNamedJobDefinition, next: Date): void {
    const delay = next.getTime() - this.options.clock.now();
    const timer = this.options.clock.setTimeout(
      () => {
        if (!this.running) return;
        if (this.options.clock.now() < next.getTime()) this.wait(job, next);
        else this.fire(job, next);
      },
      Math.min(Math.max(0, delay), LONGEST_WAIT_MS),
    );
    this.timers.set(job.name, timer);
  }

  private fire(job: AnyNamedJobDefinition, scheduledTime: Date): void {
    this.lastTicks.set(job.name, scheduledTime);
    const message: RunMessage = {
      job: job.name,
      trigger: 'schedule',
      scheduledTime: scheduledTime.toISOString(),
      scheduleArn: this.options.scheduleArnFor(job.name),
      triggeredBy: 'scheduler',
    };
    this.options.send(message).catch((error: unknown) => {
      this.options.logger.error('A schedule tick could not be sent to its queue', {
        jobName: job.name,
        scheduledTime: message.scheduledTime,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    this.plan(job);
  }
}
