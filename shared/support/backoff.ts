/**
 * How a wait is drawn around its exponential value: a random fraction of it between `from` and
 * `to`, so that callers that failed together do not try again together.
 */
export interface BackoffJitter {
  readonly from: number;
  readonly to: number;
}

/** Any wait from nothing up to the exponential one ("full jitter"). */
export const FULL_JITTER: BackoffJitter = { from: 0, to: 1 };

/** The exponential wait with a random half of it taken off ("equal jitter"). */
export const EQUAL_JITTER: BackoffJitter = { from: 0.5, to: 1 };

/** The exponential wait, longer or shorter by up to `fraction` of it. */
export function spreadJitter(fraction: number): BackoffJitter {
  return { from: 1 - fraction, to: 1 + fraction };
}

export interface BackoffOptions {
  /** The wait after the first failure, before jitter, in the caller's unit. */
  readonly baseDelay: number;
  /** The longest wait, jitter included. */
  readonly maxDelay: number;
  /** @default FULL_JITTER */
  readonly jitter?: BackoffJitter;
  /** In [0, 1). @default Math.random */
  readonly random?: () => number;
}

/**
 * The wait after `failures` failures in a row (1 for the first; less counts as 1): `baseDelay`
 * doubled for each failure after the first, capped at `maxDelay`, then jittered. A whole number
 * of the caller's unit, never below 0 nor above `maxDelay`.
 */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const { baseDelay, maxDelay, jitter = FULL_JITTER, random = Math.random } = options;
  const exponential = Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1));
  const jittered = exponential * (jitter.from + random() * (jitter.to - jitter.from));
  return Math.max(0, Math.min(maxDelay, Math.round(jittered)));
}
