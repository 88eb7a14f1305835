import { ScheduleExpressionError } from '../errors';
import type { NextFireTimesOptions, ScheduleExpression } from './schedule-expression';
import type { ZonedClock } from './time-zone';

/** `at(yyyy-mm-ddThh:mm:ss)`: one run at a local time in the schedule's time zone. */
export class AtExpression implements ScheduleExpression {
  readonly kind = 'at';
  readonly expression: string;

  private constructor(
    readonly source: string,
    readonly timezone: string,
    readonly localDateTime: string,
    /** The instant the run fires. */
    readonly fireTime: Date,
  ) {
    this.expression = `at(${localDateTime})`;
  }

  /** Parses `'2026-12-31T23:00:00'` (seconds optional) or `'at(2026-12-31T23:00:00)'`. */
  static parse(source: string, zonedClock: ZonedClock): AtExpression {
    const trimmed = source.trim();
    const inner = /^at\((.*)\)$/i.exec(trimmed)?.[1] ?? trimmed;
    if (/(Z|[+-]\d{2}:?\d{2})$/i.test(inner) && inner.includes('T')) {
      throw new ScheduleExpressionError(
        source,
        `at takes the local time without an offset; write "${inner.slice(0, 19)}" and set timezone to the zone it is in`,
      );
    }
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(inner);
    if (!match) {
      throw new ScheduleExpressionError(
        source,
        'at takes a local date and time as yyyy-mm-ddThh:mm:ss, such as "2026-12-31T23:00:00"',
      );
    }
    const [year, month, day, hour, minute, second] = match
      .slice(1)
      .map((part) => Number(part ?? 0));
    const wall = {
      year: year ?? 0,
      month: month ?? 0,
      day: day ?? 0,
      hour: hour ?? 0,
      minute: minute ?? 0,
      second: second ?? 0,
    };
    const daysInMonth = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
    if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > daysInMonth) {
      throw new ScheduleExpressionError(
        source,
        `${inner.slice(0, 10)} is not a date in the calendar`,
      );
    }
    if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
      throw new ScheduleExpressionError(source, `${inner.slice(11)} is not a time of day`);
    }
    const local = `${inner.slice(0, 16)}:${String(wall.second).padStart(2, '0')}`;
    const fireTime = new Date(zonedClock.toInstant(wall));
    return new AtExpression(source, zonedClock.timezone, local, fireTime);
  }

  nextFireTimes({ count, after = new Date() }: NextFireTimesOptions): Date[] {
    return count > 0 && this.fireTime > after ? [new Date(this.fireTime)] : [];
  }

  toString(): string {
    return this.expression;
  }
}
