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
  private jobs: ReadonlyMap<string, AnyNamedJobDefinition>;
  private readonly timers = new Map<string, Timer>();
  private readonly nextTicks = new Map<string, Date>();
  private readonly lastTicks = new Map<string, Date>();
  private running = false;

  constructor(options: LocalSchedulerOptions) {
    this.options = options;
    this.jobs = byName(options.jobs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const job of this.jobs.values()) this.plan(job);
  }

  /**
   * Schedules these jobs from now on, as a deploy of changed job files would: a new job's
   * schedule starts, a removed job's stops, and a changed schedule is planned again. A job whose
   * schedule did not change keeps its next tick, so that reloading other code never moves a
   * rate's next run.
   */
  setJobs(jobs: readonly AnyNamedJobDefinition[]): void {
    const before = this.jobs;
    this.jobs = byName(jobs);
    for (const name of before.keys()) {
      if (!this.jobs.has(name)) {
        this.unplan(name);
        this.lastTicks.delete(name);
      }
    }
    for (const job of this.jobs.values()) {
      const previous = before.get(job.name);
      if (previous && sameSchedule(previous, job)) continue;
      this.unplan(job.name);
      this.plan(job);
    }
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

  private unplan(jobName: string): void {
    this.timers.get(jobName)?.cancel();
    this.timers.delete(jobName);
    this.nextTicks.delete(jobName);
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
    this.wait(job.name, next);
  }

  private wait(jobName: string, next: Date): void {
    const delay = next.getTime() - this.options.clock.now();
    const timer = this.options.clock.setTimeout(
      () => {
        // The job as it is now: its code may have been reloaded since this tick was planned.
        const job = this.jobs.get(jobName);
        if (!this.running || !job) return;
        if (this.options.clock.now() < next.getTime()) this.wait(jobName, next);
        else this.fire(job, next);
      },
      Math.min(Math.max(0, delay), LONGEST_WAIT_MS),
    );
    this.timers.set(jobName, timer);
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

function byName(
  jobs: readonly AnyNamedJobDefinition[],
): ReadonlyMap<string, AnyNamedJobDefinition> {
  return new Map(jobs.map((job) => [job.name, job]));
}

function sameSchedule(a: AnyNamedJobDefinition, b: AnyNamedJobDefinition): boolean {
  if (!a.schedule || !b.schedule) return a.schedule === b.schedule;
  return (
    a.schedule.kind === b.schedule.kind &&
    a.schedule.expression === b.schedule.expression &&
    a.schedule.timezone === b.schedule.timezone
  );
}
