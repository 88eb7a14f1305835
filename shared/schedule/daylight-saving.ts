import { CronExpression } from './cron-expression';
import type { ScheduleExpression } from './schedule-expression';
import { ZonedClock } from './time-zone';

/** A change of a zone's clocks, and the wall-clock hour it skips or repeats. */
export interface ClockChange {
  readonly kind: 'skipped' | 'repeated';
  /** When the clocks change, epoch ms. */
  readonly at: number;
  /** The local wall-clock times the change skips or repeats, as naive epoch ms (UTC fields). */
  readonly wallFrom: number;
  readonly wallTo: number;
}

/** What Scheduler does with a cron's times in a skipped or repeated hour. */
export interface DaylightSavingWarning {
  readonly change: ClockChange;
  /** The cron's wall-clock times inside the change's hour, `HH:MM`. */
  readonly times: readonly string[];
  readonly message: string;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = 6 * HOUR_MS;

/**
 * The zone's clock changes from `from` to `days` later: found by reading its offset every six
 * hours, then narrowing each change to the minute.
 */
export function clockChanges(timezone: string, from: Date, days = 366): ClockChange[] {
  const clock = ZonedClock.of(timezone);
  if (!clock) return [];
  const changes: ClockChange[] = [];
  // From a whole minute: the search narrows in whole minutes, and clocks change on one.
  let before = Math.floor(from.getTime() / 60_000) * 60_000;
  const end = before + days * DAY_MS;
  let offsetBefore = clock.offsetAt(before);
  for (let after = before + STEP_MS; after <= end; after += STEP_MS) {
    const offsetAfter = clock.offsetAt(after);
    if (offsetAfter !== offsetBefore) {
      // The first minute at the new offset.
      let low = before;
      let high = after;
      while (high - low > 60_000) {
        const middle = low + Math.floor((high - low) / 2 / 60_000) * 60_000;
        if (clock.offsetAt(middle) === offsetBefore) low = middle;
        else high = middle;
      }
      const forward = offsetAfter > offsetBefore;
      changes.push({
        kind: forward ? 'skipped' : 'repeated',
        at: high,
        wallFrom: high + (forward ? offsetBefore : offsetAfter),
        wallTo: high + (forward ? offsetAfter : offsetBefore),
      });
    }
    before = after;
    offsetBefore = offsetAfter;
  }
  return changes;
}

/**
 * Warnings for a cron schedule whose times fall in an hour its zone's clocks skip or repeat in
 * the coming year: the next change of each kind. Scheduler does not run a time that does not
 * exist, and runs a repeated time once, at its first occurrence (its daylight-saving rules).
 * A schedule that fires in every hour of the day is left alone: it loses or keeps one hour's
 * ticks, as any clock does.
 */
export function daylightSavingWarnings(
  schedule: ScheduleExpression,
  from: Date,
  /** The zone's changes from `from`: pass a cache when checking many schedules. */
  changesOf: (timezone: string, from: Date) => readonly ClockChange[] = clockChanges,
): DaylightSavingWarning[] {
  if (!(schedule instanceof CronExpression) || schedule.timezone === 'UTC') return [];
  const minutes = schedule.fields[0]?.values;
  const hours = schedule.fields[1]?.values;
  if (minutes === undefined || hours === undefined || hours.size === 24) return [];
  // The same fields read in UTC: its times are the cron's wall-clock times, as naive epoch ms.
  let wallClockTimes: CronExpression | undefined;
  const warnings: DaylightSavingWarning[] = [];
  const warned = new Set<ClockChange['kind']>();
  for (const change of changesOf(schedule.timezone, from)) {
    if (warned.has(change.kind)) continue;
    // Most schedules have no minute of the hour in the change's: those need no cron evaluation.
    if (!hasTimeWithin(change, hours, minutes)) continue;
    wallClockTimes ??= CronExpression.parse(schedule.source, ZonedClock.ofCheckedName('UTC'));
    // One time at a time: the next after the hour may be days later.
    const times: string[] = [];
    let cursor = new Date(change.wallFrom - 1);
    for (;;) {
      const [next] = wallClockTimes.nextFireTimes({ count: 1, after: cursor });
      if (next === undefined || next.getTime() >= change.wallTo) break;
      times.push(next.toISOString().slice(11, 16));
      cursor = next;
    }
    if (times.length === 0) continue;
    warned.add(change.kind);
    warnings.push({ change, times, message: describe(schedule, change, times) });
  }
  return warnings;
}

function hasTimeWithin(
  change: ClockChange,
  hours: ReadonlySet<number>,
  minutes: ReadonlySet<number>,
): boolean {
  for (let wall = change.wallFrom; wall < change.wallTo; wall += 60_000) {
    const time = new Date(wall);
    if (hours.has(time.getUTCHours()) && minutes.has(time.getUTCMinutes())) return true;
  }
  return false;
}

function describe(
  schedule: ScheduleExpression,
  change: ClockChange,
  times: readonly string[],
): string {
  const day = new Date(change.wallFrom).toISOString().slice(0, 10);
  const hour = `${new Date(change.wallFrom).toISOString().slice(11, 16)} to ${new Date(change.wallTo).toISOString().slice(11, 16)}`;
  const at = times.join(', ');
  const what =
    change.kind === 'skipped'
      ? `the clocks skip ${hour} on ${day}, so Scheduler does not run it at ${at} that day`
      : `the clocks go through ${hour} twice on ${day}, so Scheduler runs it once at ${at}, the first time, and not again an hour later`;
  return `its schedule "${schedule.source}" (${schedule.timezone}) fires in an hour daylight saving ${change.kind === 'skipped' ? 'skips' : 'repeats'}: ${what}. To run at the same time every day, move it out of ${hour}, or schedule it in UTC`;
}
