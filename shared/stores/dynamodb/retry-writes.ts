import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { UnstorableRecordError } from '../../errors';
import type { Logger } from '../../ports/logger';
import { backoffDelay } from '../../support/backoff';
import { isPermanentWriteError } from './store-errors';

export interface WriteRetryPolicy {
  /** Tries in all, the first included. @default 5 */
  readonly attempts?: number;
  /**
   * The longest wait after the first failed try; each later one may be twice as long. The wait is
   * drawn at random up to it ("full jitter"). @default 100
   */
  readonly baseDelayMs?: number;
  /** @default 2000 */
  readonly maxDelayMs?: number;
  /** Waits between tries; replaced in tests. @default - a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Logger;
}

/**
 * Whether a failed DynamoDB write may succeed if tried again later: what the SDK itself retries
 * (its own classification, so the two cannot disagree), and TransactionConflictException, which
 * it does not: a write that met a transaction on the same item goes through once the
 * transaction is done.
 */
export function isRetryableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `write`, trying again with exponential backoff and full jitter while it fails with a
 * retryable error. This is on top of the SDK's retries (SDK_RETRY_SETTINGS, shared/support), not instead of
 * them: a write still throttled when the SDK gives up (its attempts spent, or its retry quota
 * for the container empty) is tried again here, since losing a run's outcome costs more than
 * waiting for it; and a transaction conflict, which the SDK does not retry, is too. A write that can never succeed
 * as it is (DynamoDB's ValidationException, a value the document client cannot marshal) is not
 * tried again: it throws an UnstorableRecordError, so that its caller can store less instead.
 */
export async function retryWrite<T>(
  description: string,
  write: () => Promise<T>,
  policy: WriteRetryPolicy = {},
): Promise<T> {
  const attempts = policy.attempts ?? 5;
  const backoff = { baseDelay: policy.baseDelayMs ?? 100, maxDelay: policy.maxDelayMs ?? 2000 };
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (isPermanentWriteError(error))
        throw new UnstorableRecordError(description, { cause: error });
      if (attempt >= attempts || !isRetryableError(error)) throw error;
      const delayMs = backoffDelay(attempt, backoff);
      policy.logger?.warn('History write failed; trying again', {
        write: description,
        attempt,
        delayMs,
        error: (error as Error).name,
      });
      await sleep(delayMs);
    }
  }
}
