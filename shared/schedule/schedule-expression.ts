import { ScheduleExpressionError } from '../errors';
import { AtExpression } from './at-expression';
import { schedulesCheckedAtSynth } from './checked-at-synth';
import { CronExpression } from './cron-expression';
import { RateExpression } from './rate-expression';
import { ZonedClock } from './time-zone';

/** How a job file writes its schedule: one of `cron`, `rate` or `at`. */
export type ScheduleSpec =
  | { readonly cron: string; readonly timezone?: string }
  | { readonly rate: string }
  | { readonly at: string; readonly timezone?: string };

export interface NextFireTimesOptions {
  /** How many fire times to return. */
  readonly count: number;
  /**
   * Only times strictly after this one.
   * @default - now
   */
  readonly after?: Date;
  /**
   * For rate schedules, the time the rate counts from (the last run); ignored by cron and at.
   * @default - `after`
   */
  readonly anchor?: Date;
}

/**
 * A checked schedule, in the form EventBridge Scheduler takes it, that can list its own next
 * fire times the way Scheduler would fire them (daylight-saving gaps skipped, repeated hours once).
 */
export interface ScheduleExpression {
  readonly kind: 'cron' | 'rate' | 'at';
  /** The expression Scheduler takes: `cron(0 2 * * ? *)`, `rate(15 minutes)` or `at(2026-12-31T23:00:00)`. */
  readonly expression: string;
  /** The IANA time zone the expression is evaluated in (`UTC` for rates). */
  readonly timezone: string;
  /** The expression as the job file wrote it. */
  readonly source: string;
  nextFireTimes(options: NextFireTimesOptions): Date[];
}

/** Builds schedule expressions; each factory throws ScheduleExpressionError saying how to fix it. */
export const ScheduleExpression = {
  /** A 5-field Unix cron expression, or Scheduler's own `cron(...)` with 6 fields. */
  cron(expression: string, timezone = 'UTC'): ScheduleExpression {
    return CronExpression.parse(expression, zonedClockFor(timezone));
  },

  /** `'15 minutes'` or `'rate(15 minutes)'`; minutes, hours or days. */
  rate(expression: string): ScheduleExpression {
    return RateExpression.parse(expression);
  },

  /** A local date-time, `'2026-12-31T23:00:00'` or `'at(2026-12-31T23:00:00)'`, in `timezone`. */
  at(dateTime: string, timezone = 'UTC'): ScheduleExpression {
    return AtExpression.parse(dateTime, zonedClockFor(timezone));
  },

  /** The schedule a job file wrote, as `{ cron }`, `{ rate }` or `{ at }`. */
  parse(spec: ScheduleSpec): ScheduleExpression {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new ScheduleExpressionError(
        String(spec),
        "a schedule is an object: { cron: '0 2 * * *', timezone: 'Europe/London' }, { rate: '15 minutes' } or { at: '2026-12-31T23:00:00', timezone }",
      );
    }
    const kinds = (['cron', 'rate', 'at'] as const).filter((kind) => kind in spec);
    const unknown = Object.keys(spec).filter(
      (key) => !['cron', 'rate', 'at', 'timezone'].includes(key),
    );
    if (unknown.length > 0) {
      throw new ScheduleExpressionError(
        JSON.stringify(spec),
        `unknown schedule option ${unknown.map((key) => `"${key}"`).join(', ')}; a schedule takes one of cron, rate or at, plus timezone`,
      );
    }
    if (kinds.length !== 1) {
      throw new ScheduleExpressionError(
        JSON.stringify(spec),
        kinds.length === 0
          ? 'a schedule needs one of cron, rate or at; leave schedule out for an on-demand job'
          : `a schedule takes exactly one of cron, rate or at, got ${kinds.join(' and ')}`,
      );
    }
    const kind = kinds[0];
    const value = (spec as Record<string, unknown>)[kind ?? ''];
    if (typeof value !== 'string') {
      throw new ScheduleExpressionError(String(value), `${kind} must be a string`, kind);
    }
    const timezone = 'timezone' in spec ? spec.timezone : undefined;
    if (kind === 'rate') {
      if (timezone !== undefined) {
        throw new ScheduleExpressionError(
          value,
          'a rate counts from the last run and does not depend on a time zone; remove timezone, or use a cron expression to fire at a local time',
          'timezone',
        );
      }
      return withField('rate', () => RateExpression.parse(value));
    }
    const zone = zonedClockFor(timezone ?? 'UTC');
    return kind === 'cron'
      ? withField('cron', () => CronExpression.parse(value, zone))
      : withField('at', () => AtExpression.parse(value, zone));
  },
};

function zonedClockFor(timezone: unknown): ZonedClock {
  const clock =
    typeof timezone !== 'string'
      ? undefined
      : schedulesCheckedAtSynth
        ? ZonedClock.ofCheckedName(timezone)
        : ZonedClock.of(timezone);
  if (!clock) {
    throw new ScheduleExpressionError(
      String(timezone),
      `unknown time zone "${String(timezone)}"; use an IANA name such as "Europe/London", "America/New_York" or "UTC"`,
      'timezone',
    );
  }
  return clock;
}

function withField(field: string, parse: () => ScheduleExpression): ScheduleExpression {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ScheduleExpressionError && error.field === undefined) {
      throw new ScheduleExpressionError(error.expression, error.reason, field);
    }
    throw error;
  }
}
