import cronstrue from 'cronstrue';
import type { ScheduleExpression } from '../schedule/schedule-expression';

// Scheduler's weekdays run 1 (Sunday) to 7 (Saturday); a leading seconds field of "0" makes the
// 6 AWS fields an unambiguous 7-part expression (cronstrue would otherwise guess whether the
// sixth field is a year). 24-hour times match the way `at` and the dashboard write times.
const CRONSTRUE_OPTIONS = {
  dayOfWeekStartIndexZero: false,
  use24HourTimeFormat: true,
  throwExceptionOnParseError: true,
} as const;

/**
 * A schedule in words, for people: `At 07:00, Monday through Friday (Europe/London)`,
 * `Every 15 minutes`, `Once, at 2026-12-31 23:00 (Europe/London)`.
 *
 * Only the API imports this (it pulls in `cronstrue`); workers never describe schedules.
 */
export function describeSchedule(
  schedule: Pick<ScheduleExpression, 'kind' | 'expression' | 'timezone'>,
): string {
  switch (schedule.kind) {
    case 'cron':
      return `${describeCron(schedule.expression)} (${schedule.timezone})`;
    case 'rate':
      return describeRate(schedule.expression);
    case 'at':
      return `Once, at ${describeAt(schedule.expression)} (${schedule.timezone})`;
  }
}

function describeCron(expression: string): string {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1]?.trim();
  if (!fields) return expression;
  try {
    return cronstrue.toString(`0 ${fields}`, CRONSTRUE_OPTIONS);
  } catch {
    // The expression was checked when the job was defined; a form cronstrue cannot put into
    // words is still a valid schedule, and is shown as written rather than failing the listing.
    return expression;
  }
}

function describeRate(expression: string): string {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!match) return expression;
  const [, value = '', unit = ''] = match;
  return value === '1' ? `Every ${unit}` : `Every ${value} ${unit}s`;
}

/** `at(2026-12-31T23:00:00)` as `2026-12-31 23:00`, with seconds only when they are not zero. */
function describeAt(expression: string): string {
  const match = /^at\((\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?\)$/.exec(expression);
  if (!match) return expression;
  const [, date, time, seconds] = match;
  return `${date} ${time}${seconds !== undefined && seconds !== '00' ? `:${seconds}` : ''}`;
}
