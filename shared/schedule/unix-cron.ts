import {
  AWS_CRON_FIELDS,
  CronFieldProblem,
  type CronFieldSpec,
  parseAwsCronField,
  WEEKDAY_NAMES,
} from './cron-fields';

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

// Unix cron numbers weekdays 0 (Sunday) to 6, with 7 as Sunday again; "/" is allowed.
const UNIX_WEEKDAY: CronFieldSpec = {
  name: 'day-of-week',
  min: 0,
  max: 7,
  names: WEEKDAY_NAMES,
  allowsStep: true,
  allowsQuestionMark: true,
};

/**
 * Converts a 5-field Unix cron expression (minute hour day-of-month month day-of-week) to the six
 * fields EventBridge Scheduler takes. Throws CronFieldProblem when Scheduler cannot express it.
 */
export function unixCronToAwsFields(source: string): string[] {
  const expanded = NICKNAMES[source.toLowerCase()] ?? source;
  if (expanded.startsWith('@')) {
    throw new CronFieldProblem(
      `"${source}" is not a schedule Scheduler can run; use one of ${Object.keys(NICKNAMES).join(', ')} or five fields`,
    );
  }
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = expanded
    .trim()
    .split(/\s+/);
  const [minutesSpec, hoursSpec, domSpec, monthSpec] = AWS_CRON_FIELDS as [
    CronFieldSpec,
    CronFieldSpec,
    CronFieldSpec,
    CronFieldSpec,
  ];

  const dom = dayOfMonth === '?' ? '*' : dayOfMonth.toUpperCase();
  const dow = dayOfWeek === '?' ? '*' : dayOfWeek.toUpperCase();
  if (dom !== '*' && dow !== '*') {
    throw new CronFieldProblem(
      `both day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}") are set; Unix cron runs ` +
        'when either matches, which Scheduler cannot express. Keep one and set the other to "*", ' +
        'or define two jobs',
    );
  }

  const awsDayOfMonth = dow === '*' ? startStepsAt(domSpec, dom) : '?';
  const awsDayOfWeek = dow === '*' ? '?' : convertWeekdays(dow);
  return [
    startStepsAt(minutesSpec, minute),
    startStepsAt(hoursSpec, hour),
    awsDayOfMonth,
    startStepsAt(monthSpec, month.toUpperCase()),
    awsDayOfWeek,
    '*',
  ];
}

// Scheduler documents "0/15" rather than "*/15"; write the start explicitly. The text is checked
// as written, so that a problem is reported in the user's words ("*/0", not "0/0").
function startStepsAt(spec: CronFieldSpec, text: string): string {
  parseAwsCronField(spec, text);
  return text
    .split(',')
    .map((element) => (element.startsWith('*/') ? `${spec.min}${element.slice(1)}` : element))
    .join(',');
}

/** Unix weekdays to Scheduler's: numbers shift by one, "/" expands to a list, 7 becomes Sunday. */
function convertWeekdays(text: string): string {
  const calendar = /^(\d|[A-Z]{3})(L|#\d+)$/.exec(text);
  if (calendar?.[1] && calendar[2]) {
    assertOccurrence(text, calendar[2]);
    return `${toAwsWeekday(calendar[1], text)}${calendar[2]}`;
  }
  if (text === 'L') return 'L';
  const field = parseAwsCronField(UNIX_WEEKDAY, text);
  const days = new Set([...(field.values ?? [])].map((day) => day % 7));
  return compactWeekdays(days);
}

// Checked here, before renumbering, so the message quotes the Unix text the user wrote.
function assertOccurrence(text: string, suffix: string): void {
  if (!suffix.startsWith('#')) return;
  const occurrence = Number(suffix.slice(1));
  if (occurrence < 1 || occurrence > 5) {
    throw new CronFieldProblem(
      `day-of-week "${text}" asks for occurrence ${occurrence} of a weekday; "#" takes 1 to 5 (e.g. "1#1" for the first Monday)`,
    );
  }
}

function toAwsWeekday(token: string, text: string): string {
  if (/^\d$/.test(token)) {
    const day = Number(token);
    if (day > 7) {
      throw new CronFieldProblem(`day-of-week "${text}" names day ${day}; Unix cron takes 0-7`);
    }
    return String((day % 7) + 1);
  }
  if (!(WEEKDAY_NAMES as readonly string[]).includes(token)) {
    throw new CronFieldProblem(`day-of-week "${text}" contains "${token}", which is not SUN-SAT`);
  }
  return token;
}

/** Days (0 = Sunday) as Scheduler text, runs of three or more written as ranges: "MON-FRI". */
function compactWeekdays(days: ReadonlySet<number>): string {
  const sorted = [...days].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let index = 0; index < sorted.length; ) {
    let end = index;
    while (end + 1 < sorted.length && sorted[end + 1] === (sorted[end] ?? 0) + 1) end++;
    const first = WEEKDAY_NAMES[sorted[index] ?? 0];
    const last = WEEKDAY_NAMES[sorted[end] ?? 0];
    if (end - index >= 2) parts.push(`${first}-${last}`);
    else for (let day = index; day <= end; day++) parts.push(WEEKDAY_NAMES[sorted[day] ?? 0] ?? '');
    index = end + 1;
  }
  return parts.join(',');
}
