/**
 * The fields of an EventBridge Scheduler cron expression and the syntax each accepts:
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export type CronFieldName = 'minutes' | 'hours' | 'day-of-month' | 'month' | 'day-of-week' | 'year';

export interface CronFieldSpec {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  /** Names accepted for values, in value order starting at `min`. */
  readonly names?: readonly string[];
  readonly allowsStep: boolean;
  readonly allowsQuestionMark: boolean;
}

export const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;
export const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

export const AWS_CRON_FIELDS: readonly CronFieldSpec[] = [
  { name: 'minutes', min: 0, max: 59, allowsStep: true, allowsQuestionMark: false },
  { name: 'hours', min: 0, max: 23, allowsStep: true, allowsQuestionMark: false },
  { name: 'day-of-month', min: 1, max: 31, allowsStep: true, allowsQuestionMark: true },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: MONTH_NAMES,
    allowsStep: true,
    allowsQuestionMark: false,
  },
  // Scheduler numbers days 1 (Sunday) to 7 (Saturday) and takes no "/" in this field.
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: WEEKDAY_NAMES,
    allowsStep: false,
    allowsQuestionMark: true,
  },
  { name: 'year', min: 1970, max: 2199, allowsStep: true, allowsQuestionMark: false },
];

/** A field's text, checked, with the set of values it selects where that is a plain set. */
export interface CronField {
  readonly spec: CronFieldSpec;
  /** The field as written, with names in upper case. */
  readonly text: string;
  /** `*` or `?`: every value. */
  readonly isWildcard: boolean;
  readonly isQuestionMark: boolean;
  /**
   * The values selected; absent for the calendar forms (`L`, `W`, `#`), whose days depend on the
   * month, and which the cron library evaluates.
   */
  readonly values?: ReadonlySet<number>;
}

/** A problem with one field, worded to be shown after the expression. */
export class CronFieldProblem extends Error {
  override name = 'CronFieldProblem';
}

/** Parses one field of an AWS cron expression; throws CronFieldProblem with what to write instead. */
export function parseAwsCronField(spec: CronFieldSpec, rawText: string): CronField {
  const text = rawText.toUpperCase();
  if (text === '*' || text === '?') {
    if (text === '?' && !spec.allowsQuestionMark) {
      throw new CronFieldProblem(
        `"?" is only allowed in day-of-month and day-of-week, not in ${spec.name}; use "*"`,
      );
    }
    return {
      spec,
      text,
      isWildcard: true,
      isQuestionMark: text === '?',
      values: range(spec.min, spec.max),
    };
  }
  const calendar = parseCalendarForm(spec, text);
  if (calendar) return calendar;

  const values = new Set<number>();
  for (const element of text.split(',')) {
    for (const value of parseListElement(spec, element, text)) values.add(value);
  }
  return { spec, text, isWildcard: false, isQuestionMark: false, values };
}

/** `L`, `nW` in day-of-month; `L`, `nL`, `n#k` in day-of-week. Each stands alone in its field. */
function parseCalendarForm(spec: CronFieldSpec, text: string): CronField | undefined {
  const hasCalendarSyntax = /[LW#]/.test(text.replace(/[A-Z]{3}/g, (name) => nameMarker(name)));
  if (!hasCalendarSyntax) return undefined;
  const field = { spec, text, isWildcard: false, isQuestionMark: false };

  if (spec.name === 'day-of-month') {
    if (text === 'L') return field;
    const weekday = /^(\d{1,2})W$/.exec(text);
    if (weekday) {
      const day = Number(weekday[1]);
      if (day < 1 || day > 31) {
        throw new CronFieldProblem(`"${text}" names day ${day}; "W" takes a day from 1 to 31`);
      }
      return field;
    }
    throw new CronFieldProblem(
      `day-of-month "${text}" is not a form Scheduler accepts: use "L" (last day of the month) ` +
        'or "15W" (the weekday nearest the 15th), alone in the field',
    );
  }

  if (spec.name === 'day-of-week') {
    if (text === 'L') return field;
    const last = /^([1-7]|[A-Z]{3})L$/.exec(text);
    if (last?.[1]) {
      parseValue(spec, last[1], text);
      return field;
    }
    const nth = /^([1-7]|[A-Z]{3})#(\d+)$/.exec(text);
    if (nth?.[1] && nth[2]) {
      parseValue(spec, nth[1], text);
      const occurrence = Number(nth[2]);
      if (occurrence < 1 || occurrence > 5) {
        throw new CronFieldProblem(
          `"${text}" asks for occurrence ${occurrence} of a weekday; "#" takes 1 to 5 (e.g. "2#1" for the first Monday)`,
        );
      }
      return field;
    }
    throw new CronFieldProblem(
      `day-of-week "${text}" is not a form Scheduler accepts: use "6L" (the last Friday), ` +
        '"2#1" (the first Monday) or "L" (Saturday), alone in the field',
    );
  }

  const symbol = text.includes('#') ? '#' : text.includes('W') ? 'W' : 'L';
  throw new CronFieldProblem(
    `"${symbol}" is only allowed in ${symbol === '#' ? 'day-of-week' : symbol === 'W' ? 'day-of-month' : 'day-of-month and day-of-week'}, not in ${spec.name}`,
  );
}

// Month and weekday names contain L, W and # look-alikes ("JUL", "WED"); mask them first.
function nameMarker(name: string): string {
  return name.replace(/[LW]/g, 'x');
}

function parseListElement(spec: CronFieldSpec, element: string, fieldText: string): number[] {
  if (element === '') {
    throw new CronFieldProblem(`${spec.name} "${fieldText}" has an empty entry between commas`);
  }
  if (element === '*' || element === '?') {
    throw new CronFieldProblem(
      `${spec.name} "${fieldText}" mixes "${element}" with other values; "${element}" stands alone`,
    );
  }
  const [base = '', step, ...extra] = element.split('/');
  if (step !== undefined) {
    if (!spec.allowsStep) {
      throw new CronFieldProblem(
        `${spec.name} "${fieldText}" uses "/", which Scheduler does not allow in ${spec.name}; ` +
          'list the values instead, e.g. "MON,WED,FRI"',
      );
    }
    if (extra.length > 0) {
      throw new CronFieldProblem(`${spec.name} "${element}" has more than one "/"`);
    }
    const increment = parseInteger(step);
    const span = spec.max - spec.min;
    if (increment === undefined || increment < 1 || increment > span) {
      throw new CronFieldProblem(
        `${spec.name} "${element}" has step "${step}"; a step is a whole number from 1 to ${span}`,
      );
    }
    const [from, to] =
      base === '*' ? [spec.min, spec.max] : parseRangeOrStart(spec, base, element, fieldText);
    const values: number[] = [];
    for (let value = from; value <= to; value += increment) values.push(value);
    return values;
  }
  const [from, to] = parseRange(spec, base, fieldText);
  return [...range(from, to)];
}

// With a step, a single start value means "from here to the end of the field" (Scheduler's "1/10").
function parseRangeOrStart(
  spec: CronFieldSpec,
  base: string,
  element: string,
  fieldText: string,
): [number, number] {
  if (base.includes('-')) return parseRange(spec, base, fieldText);
  if (base === '') {
    throw new CronFieldProblem(
      `${spec.name} "${element}" has no start before "/"; write "*/n" or "${spec.min}/n"`,
    );
  }
  return [parseValue(spec, base, fieldText), spec.max];
}

function parseRange(spec: CronFieldSpec, text: string, fieldText: string): [number, number] {
  const parts = text.split('-');
  if (parts.length === 1) {
    const value = parseValue(spec, text, fieldText);
    return [value, value];
  }
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new CronFieldProblem(
      `${spec.name} "${fieldText}" has a malformed range "${text}"; write it as "first-last"`,
    );
  }
  const from = parseValue(spec, parts[0] ?? '', fieldText);
  const to = parseValue(spec, parts[1] ?? '', fieldText);
  if (from > to) {
    throw new CronFieldProblem(
      `${spec.name} range "${text}" runs backwards; a range goes from low to high, so list its two parts instead, e.g. "${parts[0]}-${valueName(spec, spec.max)},${valueName(spec, spec.min)}-${parts[1]}"`,
    );
  }
  return [from, to];
}

function parseValue(spec: CronFieldSpec, token: string, fieldText: string): number {
  const nameIndex = spec.names?.indexOf(token) ?? -1;
  if (nameIndex >= 0) return spec.min + nameIndex;
  const value = parseInteger(token);
  if (value === undefined) {
    const names = spec.names ? ` or a name from ${spec.names[0]} to ${spec.names.at(-1)}` : '';
    throw new CronFieldProblem(
      `${spec.name} "${fieldText}" contains "${token}", which is not a number${names}`,
    );
  }
  if (value < spec.min || value > spec.max) {
    throw new CronFieldProblem(
      `${spec.name} value ${value} is out of range; ${spec.name} takes ${spec.min}-${spec.max}${rangeNote(spec)}`,
    );
  }
  return value;
}

function rangeNote(spec: CronFieldSpec): string {
  // Unix cron numbers weekdays from 0, Scheduler from 1; the note must match the numbering in use.
  if (spec.name === 'day-of-week') {
    return spec.min === 0
      ? ' (0 and 7 are Sunday) or SUN-SAT'
      : ' (1 is Sunday, 7 is Saturday) or SUN-SAT';
  }
  if (spec.names) return ` or ${spec.names[0]}-${spec.names.at(-1)}`;
  return '';
}

function valueName(spec: CronFieldSpec, value: number): string {
  return spec.names?.[value - spec.min] ?? String(value);
}

function parseInteger(token: string): number | undefined {
  return /^\d+$/.test(token) ? Number(token) : undefined;
}

function range(from: number, to: number): Set<number> {
  const values = new Set<number>();
  for (let value = from; value <= to; value++) values.add(value);
  return values;
}
