export interface RetryBackoffOptions {
  /** The wait before the second attempt. @default 10 */
  readonly baseSeconds?: number;
  /** The longest wait; SQS allows at most 12 hours. @default 900 */
  readonly maxSeconds?: number;
  /**
   * Spread, as a fraction of the wait, so that runs that failed together do not retry together.
   * @default 0.2
   */
  readonly jitter?: number;
  /** @default Math.random */
  readonly random?: () => number;
}

const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** The longest wait before a retry, unless `maxSeconds` says otherwise: 15 minutes. */
export const DEFAULT_MAX_RETRY_DELAY_SECONDS = 900;

/**
 * Seconds to wait before the attempt after `failedAttempt`: doubling from `baseSeconds`, capped
 * at `maxSeconds`, with jitter.
 */
export function retryDelaySeconds(
  failedAttempt: number,
  options: RetryBackoffOptions = {},
): number {
  const base = options.baseSeconds ?? 10;
  const max = Math.min(
    options.maxSeconds ?? DEFAULT_MAX_RETRY_DELAY_SECONDS,
    SQS_MAX_VISIBILITY_SECONDS,
  );
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const exponential = Math.min(max, base * 2 ** Math.max(0, failedAttempt - 1));
  const spread = exponential * jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(max, Math.round(exponential + spread)));
}
