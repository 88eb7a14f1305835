import type { ExecutionError } from '../executor/execution';
import type { AlertMessage, AlertReason } from './alert-message';

/** One labelled fact about a run, such as `Attempt: 3 of 3`. */
export interface AlertFact {
  readonly label: string;
  readonly value: string;
}

/** The part of an error an alert shows: never the whole stack. */
export interface AlertErrorText {
  readonly name: string;
  /** The error's message, cut to {@link ALERT_TEXT_LIMITS.errorMessage} characters. */
  readonly message: string;
  /** The first frames of the stack, trimmed; at most {@link ALERT_TEXT_LIMITS.stackLines}. */
  readonly stack: readonly string[];
  /** How many stack lines were left out. */
  readonly omittedStackLines: number;
  /** `Name: message` of each cause, outermost first. */
  readonly causes: readonly string[];
}

/**
 * The words of one alert, shared by every format (Slack, Teams, email). The formats decide the
 * markup and escaping; the words come from here so that every channel says the same thing.
 */
export interface AlertText {
  /** `daily-report failed (attempt 3 of 3)`: what happened, in one line. */
  readonly title: string;
  /** The title and the error (or result message) in one line, for previews and subjects. */
  readonly summary: string;
  readonly facts: readonly AlertFact[];
  /** The run's result message, cut to {@link ALERT_TEXT_LIMITS.message} characters. */
  readonly message?: string;
  readonly error?: AlertErrorText;
  /** Says how many alerts of this job `maxAlertsPerHour` held back, when any were. */
  readonly suppressedNote?: string;
  /** The dashboard's page for the run, when there is a dashboard. */
  readonly runUrl?: string;
  /** The CLI command that shows the run. */
  readonly command: string;
}

/**
 * How much of a run's text an alert carries. Chat messages have hard size limits (Teams about
 * 28 KB, Slack 3,000 characters per section), and nobody reads a 400-line stack in a chat.
 */
export const ALERT_TEXT_LIMITS = {
  stackLines: 8,
  stackLineLength: 240,
  errorMessage: 1_000,
  message: 1_000,
  causes: 3,
  summary: 200,
} as const;

/** The words of `alert`: title, facts, error, notes and where to see the run. */
export function formatAlert(alert: AlertMessage): AlertText {
  const title = alertTitle(alert);
  const error = alert.error ? formatError(alert.error) : undefined;
  const message = alert.message?.trim()
    ? truncate(alert.message.trim(), ALERT_TEXT_LIMITS.message)
    : undefined;
  const detail = error ? `${error.name}: ${error.message}` : message;
  const summary = truncate(
    oneLine(detail ? `${title}: ${detail}` : title),
    ALERT_TEXT_LIMITS.summary,
  );
  return {
    title,
    summary,
    facts: alertFacts(alert),
    ...(message !== undefined && { message }),
    ...(error && { error }),
    ...(alert.suppressedBefore && alert.suppressedBefore > 0
      ? { suppressedNote: suppressedNote(alert.suppressedBefore) }
      : {}),
    ...(alert.runUrl && { runUrl: alert.runUrl }),
    command: alert.command,
  };
}

/**
 * What happened, in one line, naming every reason the alert was sent:
 * `daily-report failed (attempt 3 of 3)`, `daily-report succeeded`,
 * `daily-report took 2 min 5 s, over its 1 min threshold`,
 * `daily-report was dead-lettered after attempt 4 of 4`,
 * `daily-report missed its run due at 2026-12-06T07:00:00Z`.
 */
export function alertTitle(alert: AlertMessage): string {
  const reasons = new Set<AlertReason>(alert.reasons);
  const attempts = `attempt ${alert.attempt} of ${alert.maxAttempts}`;
  const parts: string[] = [];
  if (reasons.has('missed')) {
    parts.push(`missed its run due at ${alert.scheduledTime ?? 'its scheduled time'}`);
  } else if (reasons.has('dead_letter')) {
    parts.push(`was dead-lettered after ${attempts}`);
  } else if (reasons.has('failure')) {
    parts.push(`${failedVerb(alert.status)} (${attempts})`);
  } else if (reasons.has('success')) {
    parts.push(alert.attempt > 1 ? `succeeded (${attempts})` : 'succeeded');
  }
  if (reasons.has('duration') && alert.durationMs !== undefined) {
    const threshold =
      alert.durationThresholdMs !== undefined
        ? `, over its ${formatDuration(alert.durationThresholdMs)} threshold`
        : '';
    parts.push(`took ${formatDuration(alert.durationMs)}${threshold}`);
  }
  // An alert with no reason it knows of still names the run's status rather than saying nothing.
  if (parts.length === 0) parts.push(alert.status.replaceAll('_', ' '));
  return `${alert.jobName} ${parts.join(' and ')}`;
}

/** The facts of the run, in the order people look for them. */
export function alertFacts(alert: AlertMessage): AlertFact[] {
  const facts: AlertFact[] = [
    {
      label: 'Job',
      value:
        alert.displayName && alert.displayName !== alert.jobName
          ? `${alert.displayName} (${alert.jobName})`
          : alert.jobName,
    },
    { label: 'Run', value: alert.runId },
    { label: 'Status', value: alert.status.replaceAll('_', ' ') },
    {
      label: 'Trigger',
      value: alert.triggeredBy ? `${alert.trigger}, by ${alert.triggeredBy}` : alert.trigger,
    },
    { label: 'Attempt', value: `${alert.attempt} of ${alert.maxAttempts}` },
  ];
  if (alert.durationMs !== undefined) {
    const threshold =
      alert.durationThresholdMs !== undefined
        ? ` (threshold ${formatDuration(alert.durationThresholdMs)})`
        : '';
    facts.push({ label: 'Duration', value: `${formatDuration(alert.durationMs)}${threshold}` });
  }
  facts.push({ label: 'Started', value: formatTime(alert.startedAt) });
  if (alert.completedAt) facts.push({ label: 'Completed', value: formatTime(alert.completedAt) });
  return facts;
}

/** Name, message, the first lines of the stack and the causes of `error`. */
export function formatError(error: ExecutionError): AlertErrorText {
  const { lines, omitted } = stackLines(error);
  return {
    name: error.name || 'Error',
    // History is read back from storage, where a field may be missing whatever the type says.
    message: truncate(String(error.message ?? '').trim(), ALERT_TEXT_LIMITS.errorMessage),
    stack: lines,
    omittedStackLines: omitted,
    causes: causesOf(error),
  };
}

/** `12 more alerts of this job were held back in the previous hour (limit: maxAlertsPerHour)`. */
export function suppressedNote(count: number): string {
  const alerts =
    count === 1 ? '1 more alert of this job was' : `${count} more alerts of this job were`;
  return `${alerts} held back in the previous hour (limit: maxAlertsPerHour)`;
}

/**
 * The whole alert as plain text: the body of an email, and what the local outbox shows.
 * Lines, not markup, so it reads the same in any mail client.
 */
export function alertPlainText(alert: AlertMessage): string {
  const text = formatAlert(alert);
  const width = Math.max(...text.facts.map((fact) => fact.label.length));
  const sections: string[] = [text.title];
  sections.push(
    text.facts.map((fact) => `${`${fact.label}:`.padEnd(width + 2)}${fact.value}`).join('\n'),
  );
  if (text.message) sections.push(`Message:\n${indent(text.message)}`);
  if (text.error) sections.push(errorPlainText(text.error));
  if (text.suppressedNote) sections.push(`Note: ${text.suppressedNote}.`);
  const where: string[] = [];
  if (text.runUrl) where.push(`Open the run: ${text.runUrl}`);
  where.push(`From a terminal: ${text.command}`);
  sections.push(where.join('\n'));
  return `${sections.join('\n\n')}\n`;
}

function errorPlainText(error: AlertErrorText): string {
  const lines = [`Error: ${error.name}: ${error.message}`];
  for (const line of error.stack) lines.push(`    ${line}`);
  if (error.omittedStackLines > 0) lines.push(`    ${omittedLinesNote(error.omittedStackLines)}`);
  for (const cause of error.causes) lines.push(`Caused by: ${cause}`);
  return lines.join('\n');
}

/** `… 23 more lines (see the run for the whole stack)`. */
export function omittedLinesNote(count: number): string {
  return `… ${count} more ${count === 1 ? 'line' : 'lines'} (see the run for the whole stack)`;
}

/** `850 ms`, `12.3 s`, `2 min 5 s`, `1 h 2 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) {
    const seconds = ms / 1000;
    return Number.isInteger(seconds) ? `${seconds} s` : `${seconds.toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    const rest = seconds % 60;
    return rest === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
  }
  const minutes = Math.floor((seconds % 3600) / 60);
  const hours = `${Math.floor(seconds / 3600)} h`;
  return minutes === 0 ? hours : `${hours} ${minutes} min`;
}

/** `2026-06-01 02:00:03 UTC` from an ISO time; what it was given when it does not parse. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * `text` cut to `max` characters (whole code points, so no emoji is split in two), ending in an
 * ellipsis when it was cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

function failedVerb(status: string): string {
  switch (status) {
    case 'timed_out':
      return 'timed out';
    case 'cancelled':
      return 'was cancelled';
    case 'rejected':
      return 'was rejected';
    default:
      return 'failed';
  }
}

function stackLines(error: ExecutionError): { lines: string[]; omitted: number } {
  if (!error.stack) return { lines: [], omitted: 0 };
  const all = error.stack
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  // V8 stacks open with `Name: message`, which the alert already shows; the frames follow.
  const firstFrame = all.findIndex((line) => line.startsWith('at '));
  const frames = firstFrame > 0 ? all.slice(firstFrame) : all;
  const lines = frames
    .slice(0, ALERT_TEXT_LIMITS.stackLines)
    .map((line) => truncate(line, ALERT_TEXT_LIMITS.stackLineLength));
  return { lines, omitted: frames.length - lines.length };
}

function causesOf(error: ExecutionError): string[] {
  const causes: string[] = [];
  for (
    let cause = error.cause;
    cause && causes.length < ALERT_TEXT_LIMITS.causes;
    cause = cause.cause
  ) {
    causes.push(truncate(oneLine(`${cause.name}: ${cause.message}`), 300));
  }
  return causes;
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

function indent(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `  ${line}`)
    .join('\n');
}
