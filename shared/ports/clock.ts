/** A pending callback from `Clock.setTimeout`. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as the runtime sees it. Production uses the system clock; tests pass a manual clock so
 * that schedules, timeouts and recorded times are exact.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once `delayMs` has passed on this clock. */
  setTimeout(callback: () => void, delayMs: number): Timer;
}
