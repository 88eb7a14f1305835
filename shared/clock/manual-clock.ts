import type { Clock, Timer } from '../ports/clock';

interface PendingTimer {
  readonly dueAt: number;
  readonly sequence: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to. Timers fire, in order, as `advance` or `set` passes
 * their due time, so a test can drive a timeout or a schedule without waiting.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly pending = new Set<PendingTimer>();
  private sequence = 0;

  constructor(start: Date | string | number = 0) {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) {
      throw new RangeError(`ManualClock needs a valid start time, got ${String(start)}`);
    }
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const timer = {
      dueAt: this.current + Math.max(0, delayMs),
      sequence: this.sequence++,
      callback,
    };
    this.pending.add(timer);
    return { cancel: () => this.pending.delete(timer) };
  }

  /** Moves the clock forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`A clock only moves forward; advance(${ms}) would go back`);
    this.moveTo(this.current + ms);
  }

  /** Moves the clock to `time`, which must not be in its past. */
  set(time: Date | string | number): void {
    const target = new Date(time).getTime();
    if (target < this.current) {
      throw new RangeError(
        `A clock only moves forward; it is at ${new Date(this.current).toISOString()}`,
      );
    }
    this.moveTo(target);
  }

  private moveTo(target: number): void {
    for (;;) {
      const next = [...this.pending]
        .filter((timer) => timer.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence)[0];
      if (!next) break;
      this.pending.delete(next);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
  }
}
