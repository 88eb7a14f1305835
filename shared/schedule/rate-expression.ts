import { ScheduleExpressionError } from '../errors';
import type { NextFireTimesOptions, ScheduleExpression } from './schedule-expression';

const UNIT_MS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
} as const;

type RateUnit = keyof typeof UNIT_MS;

/** `rate(value unit)`: every `value` minutes, hours or days, counted from the last run. */
export class RateExpression implements ScheduleExpression {
  readonly kind = 'rate';
  readonly timezone = 'UTC';
  readonly expression: string;
  readonly intervalMs: number;

  private constructor(
    readonly source: string,
    readonly value: number,
    readonly unit: RateUnit,
  ) {
    this.expression = `rate(${value} ${value === 1 ? unit : `${unit}s`})`;
    this.intervalMs = value * UNIT_MS[unit];
  }

  /** Parses `'15 minutes'` or `'rate(15 minutes)'`, with Scheduler's grammar (`1 minute`, `2 minutes`). */
  static parse(source: string): RateExpression {
    const trimmed = source.trim();
    const inner = /^rate\((.*)\)$/i.exec(trimmed)?.[1] ?? trimmed;
    const match = /^(\S+)\s+(\S+)$/.exec(inner.trim());
    if (!match) {
      throw new ScheduleExpressionError(
        source,
        'a rate is a whole number and a unit, such as "15 minutes", "1 hour" or "rate(2 days)"',
      );
    }
    const [, valueText = '', unitText = ''] = match;
    const unit = unitText.toLowerCase();
    const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
    // "ms" is checked as written: dropping its "s" would leave "m".
    if (['second', 'sec', 'millisecond'].includes(singular) || unit === 'ms') {
      throw new ScheduleExpressionError(
        source,
        "Scheduler's shortest rate is 1 minute; write rate(1 minute), or run the work in a loop inside one job",
      );
    }
    if (!isRateUnit(singular)) {
      throw new ScheduleExpressionError(
        source,
        `unknown unit "${unitText}"; a rate takes minute(s), hour(s) or day(s)`,
      );
    }
    if (!/^\d+$/.test(valueText) || Number(valueText) < 1) {
      throw new ScheduleExpressionError(
        source,
        `the value "${valueText}" must be a whole number of at least 1`,
      );
    }
    const value = Number(valueText);
    const expected = value === 1 ? singular : `${singular}s`;
    if (unit !== expected) {
      throw new ScheduleExpressionError(
        source,
        `Scheduler takes "${expected}" with ${value}; write rate(${value} ${expected})`,
      );
    }
    return new RateExpression(source, value, singular);
  }

  nextFireTimes({ count, after = new Date(), anchor = after }: NextFireTimesOptions): Date[] {
    const elapsed = after.getTime() - anchor.getTime();
    const first = elapsed < 0 ? 1 : Math.floor(elapsed / this.intervalMs) + 1;
    return Array.from(
      { length: count },
      (_, index) => new Date(anchor.getTime() + (first + index) * this.intervalMs),
    );
  }

  toString(): string {
    return this.expression;
  }
}

function isRateUnit(unit: string): unit is RateUnit {
  return Object.hasOwn(UNIT_MS, unit);
}
