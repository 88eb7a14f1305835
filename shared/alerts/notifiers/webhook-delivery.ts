import { backoffDelay, EQUAL_JITTER } from '../../support/backoff';
import type { AlertDelivery, AlertTarget } from '../alert-message';

export interface WebhookDeliveryOptions {
  /** Tries in all, the first included. @default 3 */
  readonly maxTries?: number;
  /** How long one try may wait for the answer. @default 2500 */
  readonly timeoutMs?: number;
  /**
   * How long the whole delivery may take, waits included: no try starts that could not end
   * within it. Keeps an alert from holding the alerts function when an endpoint hangs.
   * @default 6000
   */
  readonly totalTimeoutMs?: number;
  /**
   * The wait after the first failed try; it doubles after each, and a random half of it is taken
   * off ("equal jitter"), so that alerts that failed together do not retry together. @default 250
   */
  readonly baseDelayMs?: number;
  /**
   * The longest wait between tries. A `Retry-After` longer than this is not waited for: the
   * delivery gives up and says so, since trying earlier than asked would be refused again.
   * @default 2000
   */
  readonly maxDelayMs?: number;
  /**
   * Says whether a successful answer's body means the endpoint throttled the request: Teams'
   * legacy connectors answer 200 with "Microsoft Teams endpoint returned HTTP error 429".
   * @default - no body counts as throttled
   */
  readonly isThrottledBody?: (body: string) => boolean;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default a `setTimeout` promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the jitter. @default Math.random */
  readonly random?: () => number;
  /** Milliseconds since the epoch, for the time budget. @default Date.now */
  readonly now?: () => number;
}

export const WEBHOOK_DELIVERY_DEFAULTS = {
  maxTries: 3,
  timeoutMs: 2_500,
  totalTimeoutMs: 6_000,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
} as const;

/** How much of an endpoint's answer is kept in the recorded error. */
const BODY_EXCERPT_LENGTH = 200;
/** A try is not started with less time than this left; it could only time out. */
const MIN_TRY_MS = 100;

/** A webhook delivery as recorded, with the last answer's HTTP status when there was one. */
export interface WebhookDeliveryResult extends AlertDelivery {
  readonly status?: number;
}

type TryOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly error: string;
      /** From `Retry-After`, when the endpoint sent one. */
      readonly retryAfterMs?: number;
      readonly status?: number;
    };

/**
 * POSTs `payload` as JSON to `url`, retrying what may succeed later (network errors, timeouts,
 * 429 and 5xx answers) with exponential backoff and jitter, and giving up at once on any other
 * answer, which a retry would only repeat. Never throws: the outcome, with the tries made and
 * the last try's error (status and the start of the answer), is the return value.
 */
export async function deliverWebhook(
  channel: AlertTarget['channel'],
  url: string,
  payload: unknown,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDeliveryResult> {
  const settings = { ...WEBHOOK_DELIVERY_DEFAULTS, ...definedOnly(options) };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const deadline = now() + settings.totalTimeoutMs;
  const body = JSON.stringify(payload);

  let tries = 0;
  for (;;) {
    const timeoutMs = Math.min(settings.timeoutMs, deadline - now());
    tries += 1;
    const outcome = await tryOnce(url, body, timeoutMs, options);
    if (outcome.ok) return { channel, delivered: true, tries };

    const failed = (error: string): WebhookDeliveryResult => ({
      channel,
      delivered: false,
      tries,
      error,
      ...(outcome.status !== undefined && { status: outcome.status }),
    });
    if (!outcome.retry) return failed(outcome.error);
    if (tries >= settings.maxTries) return failed(`${outcome.error} (after ${triesText(tries)})`);

    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > settings.maxDelayMs) {
      return failed(
        `${outcome.error}; asked to wait ${seconds(outcome.retryAfterMs)} before trying again, longer than this delivery may wait (${seconds(settings.maxDelayMs)})`,
      );
    }
    const delay =
      outcome.retryAfterMs ??
      backoffDelay(tries, {
        baseDelay: settings.baseDelayMs,
        maxDelay: settings.maxDelayMs,
        jitter: EQUAL_JITTER,
        random,
      });
    if (now() + delay + MIN_TRY_MS > deadline) {
      return failed(
        `${outcome.error} (after ${triesText(tries)}; the delivery's ${seconds(settings.totalTimeoutMs)} limit leaves no time for another)`,
      );
    }
    await sleep(delay);
  }
}

async function tryOnce(
  url: string,
  body: string,
  timeoutMs: number,
  options: WebhookDeliveryOptions,
): Promise<TryOutcome> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      // A webhook that moved is a configuration to fix, and the payload should not follow a
      // redirect to wherever it points.
      redirect: 'manual',
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
    text = await response.text();
  } catch (error) {
    return { ok: false, retry: true, error: describeFetchError(error, timeoutMs) };
  }

  const excerpt = bodyExcerpt(text);
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const withBody = excerpt ? `${status}: ${excerpt}` : status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now);

  if (response.status >= 200 && response.status < 300) {
    if (options.isThrottledBody?.(text)) {
      return { ok: false, retry: true, error: `throttled (${withBody})`, status: response.status };
    }
    return { ok: true };
  }
  if (response.status === 429 || response.status >= 500) {
    return {
      ok: false,
      retry: true,
      error: withBody,
      status: response.status,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  }
  if (response.status >= 300 && response.status < 400) {
    const target = originOf(response.headers.get('location'), url);
    return {
      ok: false,
      retry: false,
      error: `${status}: the webhook redirects${target ? ` to ${target}` : ''}; redirects are not followed, so update the webhook URL in its secret`,
      status: response.status,
    };
  }
  return { ok: false, retry: false, error: withBody, status: response.status };
}

/**
 * Milliseconds asked for by a `Retry-After` header: delay-seconds or an HTTP date. Undefined
 * when there is none or it does not parse.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${seconds(timeoutMs)}`;
  }
  // undici's fetch fails with "fetch failed" and puts the reason (ECONNREFUSED, a DNS error...)
  // in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const reason =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return `network error: ${reason}`;
}

/** Only the origin of a redirect's target: its path may hold another webhook's token. */
function originOf(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}

function bodyExcerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > BODY_EXCERPT_LENGTH
    ? `${oneLine.slice(0, BODY_EXCERPT_LENGTH)}…`
    : oneLine;
}

function triesText(tries: number): string {
  return tries === 1 ? '1 try' : `${tries} tries`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
