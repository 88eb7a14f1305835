/** A moment as a clock on the wall in some time zone shows it. `month` is 1-12, `weekday` 0 (Sunday) - 6. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

export type WallClockFields = Omit<WallClock, 'weekday'>;

const WEEKDAYS: Readonly<Record<string, number>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};

/** Whether the runtime (and so EventBridge Scheduler, which uses the same IANA names) knows `timezone`. */
export function isValidTimeZone(timezone: string): boolean {
  return ZonedClock.of(timezone) !== undefined;
}

// The runtime's canonical zone names, read once: checking a name against them is cheap, where
// building the first `Intl.DateTimeFormat` loads time zone data at the cold start of every
// function that defines a job in a time zone (figures in bench/lambda-bundle.bench.ts).
let canonicalZones: ReadonlySet<string> | undefined;

function isCanonicalZone(timezone: string): boolean {
  canonicalZones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  return canonicalZones.has(timezone);
}

/**
 * Reads wall clocks in one time zone. One formatter is built per zone, on first use, and
 * reused, because building an `Intl.DateTimeFormat` costs far more than using one.
 */
export class ZonedClock {
  private formatterOfZone: Intl.DateTimeFormat | undefined;

  /** The clock for `timezone`, or undefined when it is not an IANA zone name. */
  static of(timezone: string): ZonedClock | undefined {
    if (timezone.trim() === '' || timezone !== timezone.trim()) return undefined;
    // Node 22+ accepts UTC offsets ("+01:00") as time zones; Scheduler takes only IANA names.
    if (/^[+-]\d/.test(timezone)) return undefined;
    if (isCanonicalZone(timezone)) return new ZonedClock(timezone);
    // An alias ("US/Eastern") or another spelling the runtime may still accept.
    try {
      const clock = new ZonedClock(timezone);
      clock.formatter();
      return clock;
    } catch {
      return undefined;
    }
  }

  /**
   * The clock for a zone name checked before, with no check now: for the Lambda bundles, whose
   * job files discovery checked at synth.
   */
  static ofCheckedName(timezone: string): ZonedClock {
    return new ZonedClock(timezone);
  }

  private constructor(readonly timezone: string) {}

  private formatter(): Intl.DateTimeFormat {
    this.formatterOfZone ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    return this.formatterOfZone;
  }

  /** The wall clock at `epochMs` in this zone. */
  wallClock(epochMs: number): WallClock {
    const fields: Record<string, string> = {};
    for (const part of this.formatter().formatToParts(epochMs)) fields[part.type] = part.value;
    return {
      year: Number(fields.year),
      month: Number(fields.month),
      day: Number(fields.day),
      hour: Number(fields.hour),
      minute: Number(fields.minute),
      second: Number(fields.second),
      weekday: WEEKDAYS[fields.weekday ?? ''] ?? 0,
    };
  }

  /** Milliseconds this zone is ahead of UTC at `epochMs` (negative west of Greenwich). */
  offsetAt(epochMs: number): number {
    const wall = this.wallClock(epochMs);
    const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);
    return asUtc(wall) - wholeSecond;
  }

  /**
   * The instant at which this zone's clocks show `wall`. A time that occurs twice (clocks going
   * back) resolves to the first occurrence; a time that never occurs (clocks going forward)
   * resolves to the same distance past the gap, as the earlier offset would put it.
   */
  toInstant(wall: WallClockFields): number {
    const naive = asUtc(wall);
    const day = 24 * 60 * 60 * 1000;
    const offsetBefore = this.offsetAt(naive - day);
    const offsetAfter = this.offsetAt(naive + day);
    const candidates = [naive - offsetBefore, naive - offsetAfter].filter(
      (candidate) => asUtc(this.wallClock(candidate)) === naive,
    );
    if (candidates.length === 0) return naive - offsetBefore;
    return Math.min(...candidates);
  }
}

function asUtc(wall: WallClockFields): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}
