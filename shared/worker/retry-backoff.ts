import { backoffDelay, spreadJitter } from '../support/backoff';

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
  return backoffDelay(failedAttempt, {
    baseDelay: options.baseSeconds ?? 10,
    maxDelay: Math.min(
      options.maxSeconds ?? DEFAULT_MAX_RETRY_DELAY_SECONDS,
      SQS_MAX_VISIBILITY_SECONDS,
    ),
    jitter: spreadJitter(options.jitter ?? 0.2),
    ...(options.random && { random: options.random }),
  });
}
