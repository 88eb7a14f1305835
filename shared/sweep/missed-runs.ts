import { systemClock } from '../clock/system-clock';
import { effectiveJobState } from '../control/initial-pause-states';
import type { Execution } from '../executor/execution';
import { tickIdempotencyKey, tickRunId, tickTimeText } from '../executor/schedule-tick';
import type { AnyNamedJobDefinition } from '../job/job-definition';
import { silentLogger } from '../logging/silent-logger';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { MissedRunRecorder, TickCheckMark, TickCheckMarks } from '../ports/missed-runs';

/**
 * How long after its time a tick may start its run before it is reported missed: Scheduler's
 * delivery (its flexible time window is off, so within about a minute), the queue's wait for a
 * worker, and the sweep's own period, with room to spare. A run that starts later still runs,
 * and replaces the report.
 */
export const MISSED_TOLERANCE_MS = 10 * 60_000;
/** How far back a check looks when it last ran long ago: a day of ticks at most. */
export const MISSED_LOOKBACK_MS = 24 * 60 * 60_000;
/** The most ticks one check writes down for one job (a job due every minute has 1,440 a day). */
export const MAX_TICKS_PER_CHECK = 1_500;

/** The jobs whose ticks can be predicted: cron and `at` schedules. A rate counts from when
 * Scheduler created its schedule, which no one here knows, so its ticks are not checked. */
export function hasPredictableTicks(job: AnyNamedJobDefinition): boolean {
  return job.schedule !== undefined && job.schedule.kind !== 'rate';
}

/**
 * The ticks of the job's schedule after `from` up to `to` (both ISO or ms), as Scheduler fires
 * them in the job's zone (a skipped hour's ticks never come, a repeated hour's come once); at
 * most `limit`, the earliest first.
 */
export function ticksBetween(
  job: AnyNamedJobDefinition,
  from: number,
  to: number,
  limit = MAX_TICKS_PER_CHECK,
): Date[] {
  const schedule = job.schedule;
  if (!schedule || schedule.kind === 'rate') return [];
  const ticks: Date[] = [];
  let after = new Date(from);
  while (ticks.length < limit) {
    const batch = schedule.nextFireTimes({ count: Math.min(100, limit - ticks.length), after });
    for (const tick of batch) {
      if (tick.getTime() > to) return ticks;
      ticks.push(tick);
    }
    const last = batch.at(-1);
    if (!last || batch.length === 0) return ticks;
    after = last;
  }
  return ticks;
}

/** The schedule a mark was made against: a changed schedule starts over. */
export function scheduleKeyOf(job: AnyNamedJobDefinition): string {
  return job.schedule ? `${job.schedule.expression} ${job.schedule.timezone}` : '';
}

/** The record of a tick that started no run by `detectedAt`. */
export function missedRunOf(job: AnyNamedJobDefinition, tick: Date, detectedAt: number): Execution {
  const due = tickTimeText(tick);
  const zone = job.schedule?.timezone ?? 'UTC';
  const onJobClock = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(tick);
  return {
    jobName: job.name,
    runId: tickRunId(job.name, tick),
    attempt: 1,
    maxAttempts: job.retries + 1,
    trigger: 'schedule',
    triggeredBy: 'scheduler',
    scheduledTime: due,
    idempotencyKey: tickIdempotencyKey(job.name, tick),
    status: 'missed',
    startedAt: tick.toISOString(),
    completedAt: new Date(detectedAt).toISOString(),
    message: `No run started for the tick due at ${due} (${onJobClock} ${zone}) by ${new Date(detectedAt).toISOString()}: Scheduler did not deliver it, or its message was lost before a worker took it. Should it still come, it runs and replaces this record.`,
    willRetry: false,
  };
}

export interface MissedRunCheckDependencies {
  readonly jobs: () => Iterable<AnyNamedJobDefinition>;
  readonly recorder: MissedRunRecorder;
  readonly marks: TickCheckMarks;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default - a logger that drops everything */
  readonly logger?: Logger;
  /** Told of each tick recorded missed (the local runtime's alerts; deployed, the stream). */
  readonly onMissed?: (missed: Execution) => Promise<void>;
  /**
   * No tick before this time (ms) is checked: the local runtime's start, since no tick can run
   * while it is stopped, and a laptop's night must not read as missed runs. @default - none
   */
  readonly notBefore?: number;
  /** @default MISSED_TOLERANCE_MS */
  readonly toleranceMs?: number;
}

export interface MissedRunReport {
  /** Jobs whose ticks were compared with their runs. */
  readonly checkedJobs: number;
  /** Ticks compared. */
  readonly ticks: number;
  /** Ticks recorded missed. */
  readonly missed: number;
  /** Jobs whose check failed; the next check takes them up where they were. */
  readonly failed: number;
  /** False when the deadline cut the check short. */
  readonly complete: boolean;
}

export interface MissedRunCheck {
  check(options?: { readonly deadline?: number }): Promise<MissedRunReport>;
}

/**
 * Compares each predictable schedule's ticks with the runs they started: a tick with no run
 * `MISSED_TOLERANCE_MS` after its time is recorded `missed` (the tick's own run id, written only
 * if the tick has none, so a tick that starts meanwhile keeps its run, and a late one replaces
 * the record). Each job's mark, beside its pause state, says up to when its ticks were checked,
 * so each tick is checked once. Not reported:
 * - ticks before the check first saw the job or its current schedule (a deploy that adds or
 *   changes a schedule starts a new mark);
 * - ticks while the job is paused (its schedule is off), and all ticks of the window in which it
 *   was resumed that came before the resume (when it was paused is not kept);
 * - rate schedules' ticks (see `hasPredictableTicks`).
 *
 * Deployed, the run sweeper checks every 5 minutes; locally, the runtime every few seconds.
 * Between checks a process keeps each job's mark, so that a job with no tick due costs no read.
 */
export function createMissedRunCheck(dependencies: MissedRunCheckDependencies): MissedRunCheck {
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger ?? silentLogger;
  const { recorder, marks, onMissed } = dependencies;
  const toleranceMs = dependencies.toleranceMs ?? MISSED_TOLERANCE_MS;
  const notBefore = dependencies.notBefore ?? Number.NEGATIVE_INFINITY;
  const known = new Map<string, TickCheckMark>();

  const nothingDue = (job: AnyNamedJobDefinition, until: number): boolean => {
    const mark = known.get(job.name);
    if (!mark || mark.schedule !== scheduleKeyOf(job)) return false;
    return ticksBetween(job, Date.parse(mark.checkedUntil), until, 1).length === 0;
  };

  const checkJob = async (job: AnyNamedJobDefinition, now: number, deadline?: number) => {
    const until = now - toleranceMs;
    const schedule = scheduleKeyOf(job);
    const stored = await marks.readTickCheck(job.name);
    const mark = stored.mark;
    if (!mark || mark.schedule !== schedule) {
      // Ticks before the check first saw this schedule may have been before it was deployed.
      const first = { checkedUntil: new Date(now).toISOString(), schedule };
      await marks.markTicksChecked(job.name, first);
      known.set(job.name, first);
      return { ticks: 0, missed: 0, complete: true };
    }
    const from = Math.max(Date.parse(mark.checkedUntil), until - MISSED_LOOKBACK_MS, notBefore);
    if (from >= until) {
      known.set(job.name, mark);
      return { ticks: 0, missed: 0, complete: true };
    }
    const state = effectiveJobState(job, stored);
    const resumedAt = Date.parse(stored.resumedAt ?? '');
    const pausedAt = Date.parse(state.pausedAt ?? '');
    const due = ticksBetween(job, from, until).filter((tick) => {
      const at = tick.getTime();
      if (state.paused && (!Number.isFinite(pausedAt) || at >= pausedAt)) return false;
      return !(Number.isFinite(resumedAt) && resumedAt > from && at <= resumedAt);
    });
    let checkedUntil = until;
    let missed = 0;
    let ticks = 0;
    let complete = true;
    for (const tick of due) {
      if (deadline !== undefined && clock.now() >= deadline) {
        checkedUntil = tick.getTime() - 1;
        complete = false;
        break;
      }
      ticks++;
      const record = missedRunOf(job, tick, now);
      if (!(await recorder.recordMissed(record))) continue;
      missed++;
      logger.warn('A schedule tick started no run: recorded it missed', {
        jobName: job.name,
        runId: record.runId,
        scheduledTime: record.scheduledTime,
      });
      await onMissed?.(record).catch((error: unknown) =>
        logger.error('Could not report a missed run', {
          jobName: job.name,
          runId: record.runId,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
    // A check cut short before its first tick leaves the mark where it was.
    if (checkedUntil > Date.parse(mark.checkedUntil)) {
      const moved = { checkedUntil: new Date(checkedUntil).toISOString(), schedule };
      await marks.markTicksChecked(job.name, moved);
      known.set(job.name, moved);
    }
    return { ticks, missed, complete };
  };

  return {
    async check(options = {}) {
      const now = clock.now();
      const report = { checkedJobs: 0, ticks: 0, missed: 0, failed: 0, complete: true };
      for (const job of dependencies.jobs()) {
        if (!hasPredictableTicks(job) || nothingDue(job, now - toleranceMs)) continue;
        if (options.deadline !== undefined && clock.now() >= options.deadline) {
          report.complete = false;
          break;
        }
        try {
          const checked = await checkJob(job, now, options.deadline);
          report.checkedJobs++;
          report.ticks += checked.ticks;
          report.missed += checked.missed;
          if (!checked.complete) {
            report.complete = false;
            break;
          }
        } catch (error) {
          report.failed++;
          logger.error("Could not check a job's schedule for missed runs", {
            jobName: job.name,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return report;
    },
  };
}
