import { Cron } from 'croner';
import { ScheduleExpressionError } from '../errors';
import { schedulesCheckedAtSynth } from './checked-at-synth';
import {
  AWS_CRON_FIELDS,
  type CronField,
  CronFieldProblem,
  parseAwsCronField,
} from './cron-fields';
import { type SecondsFirstCron, secondsFirstCron } from './quartz-cron';
import type { NextFireTimesOptions, ScheduleExpression } from './schedule-expression';
import type { ZonedClock } from './time-zone';
import { unixCronToAwsFields } from './unix-cron';

const AWS_FORM = 'cron(minutes hours day-of-month month day-of-week year)';
const UNIX_FORM = 'minute hour day-of-month month day-of-week';

// A schedule whose every time falls in a daylight-saving gap would otherwise never stop looking.
const MAX_DROPPED_CANDIDATES = 10_000;

/** A cron schedule in Scheduler's 6-field form, evaluated in its time zone. */
export class CronExpression implements ScheduleExpression {
  readonly kind = 'cron';
  readonly expression: string;
  readonly timezone: string;
  private evaluatorOnce: Cron | undefined;
  private readonly minutes: ReadonlySet<number>;
  private readonly hours: ReadonlySet<number>;

  private constructor(
    readonly source: string,
    private readonly zonedClock: ZonedClock,
    readonly fields: readonly CronField[],
  ) {
    const texts = fields.map((field) => field.text);
    this.expression = `cron(${texts.join(' ')})`;
    this.timezone = zonedClock.timezone;
    this.minutes = fields[0]?.values ?? new Set();
    this.hours = fields[1]?.values ?? new Set();
    // Built now, so that a pattern the cron library rejects fails here, unless synth checked it.
    if (!schedulesCheckedAtSynth) this.evaluator();
  }

  /** Parses 5-field Unix cron or `cron(...)` with Scheduler's 6 fields. */
  static parse(source: string, zonedClock: ZonedClock): CronExpression {
    const trimmed = source.trim();
    const wrapped = /^cron\((.*)\)$/i.exec(trimmed);
    let awsTexts: string[];
    try {
      if (wrapped) {
        awsTexts = (wrapped[1] ?? '').trim().split(/\s+/);
        if (awsTexts.length !== 6) {
          throw new CronFieldProblem(
            `cron(...) takes 6 fields, ${AWS_FORM}, got ${awsTexts.length}${awsTexts.length === 5 ? '; for 5-field Unix cron leave out "cron(" and ")"' : ''}`,
          );
        }
      } else {
        awsTexts = unixFieldsToAws(trimmed);
      }
    } catch (problem) {
      throw asExpressionError(source, problem);
    }

    const fields: CronField[] = [];
    for (const [index, spec] of AWS_CRON_FIELDS.entries()) {
      try {
        fields.push(parseAwsCronField(spec, awsTexts[index] ?? ''));
      } catch (problem) {
        throw asExpressionError(source, problem);
      }
    }
    assertOneDayFieldIsQuestionMark(source, fields);
    try {
      return new CronExpression(source, zonedClock, fields);
    } catch (problem) {
      throw asExpressionError(source, problem);
    }
  }

  nextFireTimes({ count, after = new Date() }: NextFireTimesOptions): Date[] {
    const times: Date[] = [];
    let cursor = after;
    let dropped = 0;
    while (times.length < count && dropped < MAX_DROPPED_CANDIDATES) {
      const next = this.evaluator().nextRun(cursor);
      if (!next) break;
      cursor = next;
      if (this.firesAt(next.getTime())) times.push(next);
      else dropped++;
    }
    return times;
  }

  toString(): string {
    return this.expression;
  }

  private evaluator(): Cron {
    this.evaluatorOnce ??= new Cron(toCronerPattern(this.fields), {
      timezone: this.timezone,
      mode: '7-part',
      alternativeWeekdays: true,
      domAndDow: true,
    });
    return this.evaluatorOnce;
  }

  /**
   * Scheduler fires on wall-clock times that exist, once each. The cron library moves a time
   * inside a spring-forward gap to the end of the gap, and fires interval schedules in both
   * passes of a repeated hour; keep only times whose wall clock matches and that are its first
   * occurrence.
   */
  private firesAt(epochMs: number): boolean {
    const wall = this.zonedClock.wallClock(epochMs);
    if (!this.minutes.has(wall.minute) || !this.hours.has(wall.hour)) return false;
    return this.zonedClock.toInstant(wall) === epochMs;
  }
}

function unixFieldsToAws(text: string): string[] {
  const other = /^(rate|at)\(/i.exec(text)?.[1]?.toLowerCase();
  if (other) {
    throw new CronFieldProblem(
      `this is ${other === 'at' ? 'an' : 'a'} ${other} expression, not cron; write it as { ${other}: '${text}' }`,
    );
  }
  if (text.startsWith('@')) return unixCronToAwsFields(text);
  const count = text === '' ? 0 : text.split(/\s+/).length;
  const secondsFirst = secondsFirstCron(text);
  if (secondsFirst) throw new CronFieldProblem(secondsFirstAdvice(secondsFirst));
  if (count === 6 || count === 7) {
    throw new CronFieldProblem(
      `${count} fields without "cron(...)": write Scheduler's 6-field form as ${AWS_FORM}, e.g. "cron(0 12 * * ? *)", or use 5-field Unix cron (${UNIX_FORM})`,
    );
  }
  if (count !== 5) {
    throw new CronFieldProblem(
      `Unix cron takes 5 fields (${UNIX_FORM}), got ${count}; or write ${AWS_FORM}`,
    );
  }
  return unixCronToAwsFields(text);
}

// Scheduler's own advice for 6 fields, wrapping them in cron(...), would turn these seconds into
// minutes: a daily 02:00:00 would fire at 00:00 on the 2nd of each month, or not at all.
function secondsFirstAdvice(cron: SecondsFirstCron): string {
  const dropped =
    cron.fieldCount === 7 && cron.withYear === undefined ? 'seconds and the year' : 'seconds';
  const advice = [
    `${cron.fieldCount} fields starting with seconds (Quartz style); Scheduler has no seconds, and in cron(...) would read them as minutes. Drop the ${dropped}: "${cron.unixCron}" (5-field Unix cron: ${UNIX_FORM})`,
  ];
  if (cron.withYear) advice.push(`or, to keep the year, Scheduler's form "${cron.withYear}"`);
  if (cron.subMinute) {
    advice.push(
      `Scheduler fires at most once a minute, so seconds "${cron.seconds}" cannot be kept`,
    );
  }
  return advice.join('; ');
}

function assertOneDayFieldIsQuestionMark(source: string, fields: readonly CronField[]): void {
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields.map((field) => field.text);
  const domIsQuestion = fields[2]?.isQuestionMark ?? false;
  const dowIsQuestion = fields[4]?.isQuestionMark ?? false;
  if (domIsQuestion !== dowIsQuestion) return;
  const reason = domIsQuestion
    ? `day-of-month and day-of-week are both "?"; set one of them, e.g. cron(${minutes} ${hours} * ${month} ? ${year}) for every day`
    : dayOfWeek === '*'
      ? `Scheduler needs "?" in day-of-month or day-of-week; write cron(${minutes} ${hours} ${dayOfMonth} ${month} ? ${year})`
      : dayOfMonth === '*'
        ? `Scheduler needs "?" in day-of-month or day-of-week; write cron(${minutes} ${hours} ? ${month} ${dayOfWeek} ${year})`
        : `day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}") cannot both be set; keep one and put "?" in the other, e.g. cron(${minutes} ${hours} ${dayOfMonth} ${month} ? ${year})`;
  throw new ScheduleExpressionError(source, reason);
}

/**
 * The same schedule in croner's syntax: a leading seconds field, Quartz weekday numbering,
 * explicit ranges before steps ("0-59/15" for Scheduler's "0/15"), and "#L" for "last weekday".
 */
function toCronerPattern(fields: readonly CronField[]): string {
  const parts = fields.map((field) => {
    if (field.isWildcard) return '*';
    if (field.spec.name === 'day-of-week') {
      if (field.text === 'L') return '7';
      const last = /^(.+)L$/.exec(field.text);
      if (last) return `${last[1]}#L`;
      return field.text;
    }
    return field.text
      .split(',')
      .map((element) => {
        const [base, step] = element.split('/');
        if (step === undefined || base === undefined || base.includes('-')) return element;
        return `${base === '*' ? field.spec.min : base}-${field.spec.max}/${step}`;
      })
      .join(',');
  });
  return `0 ${parts.join(' ')}`;
}

function asExpressionError(source: string, problem: unknown): unknown {
  if (problem instanceof CronFieldProblem) {
    return new ScheduleExpressionError(source, problem.message);
  }
  if (problem instanceof ScheduleExpressionError) return problem;
  if (problem instanceof Error) {
    return new ScheduleExpressionError(source, `the cron library rejected it: ${problem.message}`);
  }
  return problem;
}
