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

// Errors that a later try can get past: throttling, DynamoDB's internal errors, the network.
const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'LimitExceededException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Whether a failed DynamoDB call may succeed if tried again. */
export function isRetryableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, $retryable, $metadata, code } = error as Error & {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  if (RETRYABLE_NAMES.has(name) || (code !== undefined && RETRYABLE_NAMES.has(code))) return true;
  if ($retryable) return true;
  return ($metadata?.httpStatusCode ?? 0) >= 500;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `write`, trying again with exponential backoff and full jitter while it fails with a
 * retryable error. Beyond the SDK's own few retries, this rides out a longer throttling spell,
 * since losing a run's outcome costs more than waiting for it. A write that can never succeed
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
