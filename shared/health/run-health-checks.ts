import pMap from 'p-map';
import type { HealthCheck } from '../ports/health-check';

/** `GET /health`'s answer: each check's `ok`, or what went wrong. */
export interface HealthReport {
  readonly status: 'ok' | 'failing';
  readonly checks: Readonly<Record<string, string>>;
}

export interface HealthCheckRunOptions {
  /** How long a check may take before it counts as failed. @default 3000 */
  readonly timeoutMs?: number;
  /** How many checks run at once: an app of 600 jobs has 603. @default 16 */
  readonly concurrency?: number;
  /**
   * When the whole report is due, whatever has not answered by then counting as failed: within
   * API Gateway's 29 s, so that a slow dependency gets a 503 report rather than a 504.
   * @default 20000
   */
  readonly deadlineMs?: number;
}

/** Runs every check; the app is healthy when all of them answer in time. */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  options: HealthCheckRunOptions = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const deadline = Date.now() + (options.deadlineMs ?? 20_000);
  const results = await pMap(
    checks,
    async (check) => {
      const left = deadline - Date.now();
      if (left <= 0) return [check.name, 'not checked: the health report was due'] as const;
      return [check.name, await outcomeOf(check, Math.min(timeoutMs, left))] as const;
    },
    { concurrency: options.concurrency ?? 16 },
  );
  return {
    status: results.every(([, outcome]) => outcome === 'ok') ? 'ok' : 'failing',
    checks: Object.fromEntries(results),
  };
}

async function outcomeOf(check: HealthCheck, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // A check that ignores its signal is given up on all the same.
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(`did not answer within ${timeoutMs} ms`);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      check.check(controller.signal).then(
        () => 'ok',
        (error: unknown) =>
          error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
