import type { JobSummary } from '../shared/api/api-resources';
import type { Execution, ExecutionError } from '../shared/executor/execution';
import type { ScheduleExpression } from '../shared/schedule/schedule-expression';

/**
 * Rows under a header, each column as wide as its widest cell, two spaces apart; the last
 * column is not padded, so lines carry no trailing spaces.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Label/value lines with the labels padded to one width. */
export function fields(entries: readonly (readonly [string, string | undefined])[]): string[] {
  const present = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  const width = Math.max(0, ...present.map(([label]) => label.length));
  return present.flatMap(([label, value]) => {
    const [first = '', ...rest] = value.split('\n');
    return [
      `${label.padEnd(width)}  ${first}`.trimEnd(),
      ...rest.map((line) => `${' '.repeat(width)}  ${line}`.trimEnd()),
    ];
  });
}

const relativeTimeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "3 minutes ago", "in 2 hours", "just now": from `now`, rounded down to the largest unit. */
export function relativeTime(time: string | Date, now: number): string {
  const ms = new Date(time).getTime() - now;
  if (Number.isNaN(ms)) return String(time);
  const size = Math.abs(ms);
  if (size < 5000) return 'just now';
  for (const [unit, unitMs] of UNITS) {
    if (size >= unitMs) {
      const count = Math.floor(size / unitMs);
      return relativeTimeFormat.format(ms < 0 ? -count : count, unit);
    }
  }
  return 'just now';
}

/** "850 ms", "4.2 s", "2 min 5 s", "1 h 3 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** A seconds count as people say it: "60 s", "5 min", "1 h 30 min". */
export function seconds(value: number): string {
  if (value < 60 || value % 60 !== 0) return `${value} s`;
  return duration(value * 1000)
    .replace(/ 0 s$/, '')
    .replace(/ 0 min$/, '');
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `time` in `timeZone`, with its UTC offset such as `+01:00`. */
export function zonedParts(time: Date, timeZone: string) {
  let format = zonedFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    zonedFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(time).map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    weekday: parts.weekday ?? '',
    offset,
  };
}

/** `Tue 2026-11-24 02:00:00 +00:00`: a time as people in `timeZone` see it. */
export function zonedTime(time: string | Date, timeZone: string): string {
  const parts = zonedParts(new Date(time), timeZone);
  return `${parts.weekday} ${parts.date} ${parts.time} ${parts.offset}`;
}

/** `2026-11-24T02:00:00+00:00`: ISO 8601 with the zone's offset, for JSON. */
export function zonedIso(time: string | Date, timeZone: string): string {
  const parts = zonedParts(new Date(time), timeZone);
  return `${parts.date}T${parts.time}${parts.offset}`;
}

/** "0 2 * * * (Europe/London)", "every 15 minutes", "once at 2026-12-31T23:00:00 (UTC)", "on demand". */
export function describeSchedule(
  schedule: Pick<ScheduleExpression, 'kind' | 'expression' | 'timezone' | 'source'> | undefined,
): string {
  if (!schedule) return 'on demand';
  switch (schedule.kind) {
    case 'cron':
      return `${schedule.source} (${schedule.timezone})`;
    case 'rate':
      return `every ${schedule.source.replace(/^rate\((.*)\)$/, '$1')}`;
    case 'at':
      return `once at ${schedule.source.replace(/^at\((.*)\)$/, '$1')} (${schedule.timezone})`;
    default:
      return schedule.expression;
  }
}

/** "active", or "paused" with who paused it and when. */
export function describeState(job: JobSummary, now: number): string {
  if (!job.paused) return 'active';
  const by = job.pausedBy ? ` by ${job.pausedBy}` : '';
  const at = job.pausedAt ? ` ${relativeTime(job.pausedAt, now)}` : '';
  return `paused${by}${at}`;
}

/** One line for an execution: its status, why, and how long it took. */
export function describeExecution(execution: Execution): string {
  const parts: string[] = [execution.status.replace('_', ' ')];
  if (execution.skipReason) parts.push(`(${execution.skipReason})`);
  if (execution.durationMs !== undefined) parts.push(`in ${duration(execution.durationMs)}`);
  const reason = execution.message ?? execution.error?.message;
  return reason ? `${parts.join(' ')}: ${singleLine(reason)}` : parts.join(' ');
}

/** The first line of `text`, cut to `max` characters with an ellipsis. */
export function singleLine(text: string, max = 120): string {
  const [first = ''] = text.split('\n');
  const more = first.length < text.trimEnd().length;
  if (first.length > max) return `${first.slice(0, max - 1)}…`;
  return more ? `${first} …` : first;
}

/**
 * The error as Node prints one: `Name: message`, its stack (the first `frames` lines of it, or
 * all), and its causes.
 */
export function describeError(
  error: ExecutionError,
  frames = Number.POSITIVE_INFINITY,
  depth = 0,
): string[] {
  const stack = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, frames)
    .map((line) => `    ${line.trim()}`);
  const lines = [`${depth === 0 ? '' : 'Caused by: '}${error.name}: ${error.message}`, ...stack];
  return error.cause && depth < 5
    ? [...lines, ...describeError(error.cause, frames, depth + 1)]
    : lines;
}
