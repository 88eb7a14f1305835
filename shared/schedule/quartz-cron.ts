import { AWS_CRON_FIELDS, type CronFieldSpec, parseAwsCronField } from './cron-fields';
import { unixCronToAwsFields } from './unix-cron';

/** A seconds-first (Quartz, Spring, Hangfire-with-seconds) cron, as Scheduler could run it. */
export interface SecondsFirstCron {
  /** How many fields it has: 6, or 7 with a year. */
  readonly fieldCount: 6 | 7;
  /** Its seconds field, as written. */
  readonly seconds: string;
  /** The same schedule as 5-field Unix cron, seconds (and a `*` year) dropped. */
  readonly unixCron: string;
  /** Scheduler's 6-field form, when a year other than `*` must be kept. */
  readonly withYear?: string;
  /** True when the seconds field fires more than once a minute, which Scheduler cannot. */
  readonly subMinute: boolean;
}

// Seconds take the same syntax and range as minutes; only the field's name differs.
const SECONDS_FIELD: CronFieldSpec = {
  name: 'minutes',
  min: 0,
  max: 59,
  allowsStep: true,
  allowsQuestionMark: false,
};

/**
 * Reads `text` as a seconds-first cron (`0 0 2 * * *`, `0 0/5 * * * ?`, `0 0 4 * * ? 2024`), or
 * answers undefined when it is not one: not 6 or 7 fields, a valid Scheduler 6-field expression
 * that only lacks `cron(...)`, or fields that do not make a schedule once the seconds are gone.
 * Wrapping a seconds-first cron in `cron(...)` would read its seconds as minutes, so the advice
 * for it must differ.
 */
export function secondsFirstCron(text: string): SecondsFirstCron | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) return undefined;
  if (fields.length === 6 && isSchedulerCron(fields)) return undefined;
  const [seconds = '', minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = '', year] =
    fields;
  if (!parses(SECONDS_FIELD, seconds)) return undefined;
  const weekdays = quartzWeekdaysToUnix(dayOfWeek === '?' ? '*' : dayOfWeek);
  if (weekdays === undefined) return undefined;
  const unixCron = [minute, hour, dayOfMonth === '?' ? '*' : dayOfMonth, month, weekdays].join(' ');
  let awsFields: string[];
  try {
    awsFields = unixCronToAwsFields(unixCron);
  } catch {
    return undefined;
  }
  const keepsYear = year !== undefined && year !== '*';
  if (keepsYear && !parses(yearField(), year)) return undefined;
  return {
    fieldCount: fields.length as 6 | 7,
    seconds,
    unixCron,
    ...(keepsYear ? { withYear: `cron(${[...awsFields.slice(0, 5), year].join(' ')})` } : {}),
    subMinute: !/^\d+$/.test(seconds),
  };
}

function isSchedulerCron(fields: readonly string[]): boolean {
  if (!AWS_CRON_FIELDS.every((spec, index) => parses(spec, fields[index] ?? ''))) return false;
  // Scheduler takes "?" in exactly one of the day fields.
  return (fields[2] === '?') !== (fields[4] === '?');
}

function parses(spec: CronFieldSpec, text: string): boolean {
  try {
    parseAwsCronField(spec, text);
    return true;
  } catch {
    return false;
  }
}

function yearField(): CronFieldSpec {
  const spec = AWS_CRON_FIELDS[5];
  if (!spec) throw new Error('AWS_CRON_FIELDS lost its year field');
  return spec;
}

/**
 * Quartz numbers weekdays 1 (Sunday) to 7, Unix cron 0 to 6: each weekday number moves down
 * by one, leaving steps (`/2`) and occurrences (`#3`) as they are. Undefined for a number
 * Quartz does not take.
 */
function quartzWeekdaysToUnix(text: string): string | undefined {
  let valid = true;
  const converted = text.replace(/(^|[,-])(\d+)/g, (_match, lead: string, digits: string) => {
    const day = Number(digits);
    if (day < 1 || day > 7) valid = false;
    return `${lead}${day - 1}`;
  });
  return valid ? converted : undefined;
}
