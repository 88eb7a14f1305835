import { describe, expect, it, vi } from 'vitest';
import {
  deliverWebhook,
  parseRetryAfter,
  type WebhookDeliveryOptions,
} from '../../../../shared/alerts/notifiers/webhook-delivery';

const URL = 'https://hooks.slack.com/services/T000/B000/XXXX';
const PAYLOAD = { text: 'daily-report failed' };

type Answer = Response | Error;

/** A fetch that gives `answers` in turn, and the sleeps the delivery asked for. */
function endpoint(...answers: Answer[]) {
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => {
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const sleeps: number[] = [];
  const options: WebhookDeliveryOptions = {
    fetch: fetch as unknown as typeof globalThis.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  };
  return { fetch, sleeps, options };
}

function status(code: number, body = '', headers: Record<string, string> = {}): Response {
  return new Response(body, { status: code, headers });
}

function networkError(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

function timeout(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

describe('deliverWebhook', () => {
  it('posts the payload as JSON and counts one try when the first succeeds', async () => {
    const { fetch, options } = endpoint(status(200, 'ok'));

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toEqual({ channel: 'slack', delivered: true, tries: 1 });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(URL);
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(PAYLOAD),
      redirect: 'manual',
    });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('retries a 5xx answer and records the tries', async () => {
    const { options } = endpoint(status(500), status(503), status(200));

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toEqual({ channel: 'slack', delivered: true, tries: 3 });
  });

  it('waits longer after each failed try', async () => {
    const { sleeps, options } = endpoint(status(500), status(500), status(200));

    await deliverWebhook('slack', URL, PAYLOAD, { ...options, baseDelayMs: 200 });

    expect(sleeps).toEqual([150, 300]);
  });

  it('retries a network error and a timeout', async () => {
    const { options } = endpoint(networkError('connect ECONNREFUSED'), timeout(), status(200));

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toMatchObject({ delivered: true, tries: 3 });
  });

  it('gives up after the last try with the last error', async () => {
    const { fetch, options } = endpoint(
      status(500),
      status(500),
      status(502, '<html>Bad gateway</html>'),
    );

    const delivery = await deliverWebhook('teams', URL, PAYLOAD, options);

    expect(delivery).toEqual({
      channel: 'teams',
      delivered: false,
      tries: 3,
      error: 'HTTP 502: <html>Bad gateway</html> (after 3 tries)',
      status: 502,
    });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('does not retry a 4xx other than 429, and says the status and the answer', async () => {
    const { fetch, options } = endpoint(status(400, 'invalid_blocks'));

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toMatchObject({
      delivered: false,
      tries: 1,
      error: 'HTTP 400: invalid_blocks',
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps only the start of a long answer in the error', async () => {
    const { options } = endpoint(status(400, `${'e'.repeat(1_000)}\n\nmore`));

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery.error).toBe(`HTTP 400: ${'e'.repeat(200)}…`);
  });

  it('waits as long as a 429 asks with Retry-After', async () => {
    const { sleeps, options } = endpoint(
      status(429, 'rate_limited', { 'retry-after': '1' }),
      status(200),
    );

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toMatchObject({ delivered: true, tries: 2 });
    expect(sleeps).toEqual([1_000]);
  });

  it('gives up rather than retry early when Retry-After asks for more than it may wait', async () => {
    const { fetch, sleeps, options } = endpoint(
      status(429, 'rate_limited', { 'retry-after': '30' }),
      status(200),
    );

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toMatchObject({
      delivered: false,
      tries: 1,
      error:
        'HTTP 429: rate_limited; asked to wait 30 s before trying again, longer than this delivery may wait (2 s)',
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a 200 whose body says it was throttled, when told how to see it', async () => {
    const { options } = endpoint(status(200, 'HTTP error 429'), status(200, '1'));

    const delivery = await deliverWebhook('teams', URL, PAYLOAD, {
      ...options,
      isThrottledBody: (body) => body.includes('HTTP error 429'),
    });

    expect(delivery).toMatchObject({ delivered: true, tries: 2 });
  });

  it('does not follow a redirect, and says to update the URL', async () => {
    const { options } = endpoint(
      status(301, '', { location: 'https://elsewhere.example.com/hook' }),
    );

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, options);

    expect(delivery).toMatchObject({ delivered: false, tries: 1 });
    expect(delivery.error).toMatch(
      /^HTTP 301: the webhook redirects to https:\/\/elsewhere\.example\.com; redirects are not followed/,
    );
  });

  it('says a timeout is one', async () => {
    const { options } = endpoint(timeout());

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, { ...options, maxTries: 1 });

    expect(delivery.error).toBe('no answer within 2.5 s (after 1 try)');
  });

  it('says what a network error was', async () => {
    const { options } = endpoint(networkError('getaddrinfo ENOTFOUND hooks.slack.com'));

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, { ...options, maxTries: 1 });

    expect(delivery.error).toBe(
      'network error: getaddrinfo ENOTFOUND hooks.slack.com (after 1 try)',
    );
  });

  it('starts no try that the time budget has no room for', async () => {
    let now = 0;
    const { fetch, options } = endpoint(status(500), status(500), status(200));
    const slowFetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      now += 2_500;
      return fetch(url, init);
    });

    const delivery = await deliverWebhook('slack', URL, PAYLOAD, {
      ...options,
      fetch: slowFetch as unknown as typeof globalThis.fetch,
      now: () => now,
      totalTimeoutMs: 5_000,
    });

    expect(delivery).toMatchObject({ delivered: false, tries: 2 });
    expect(delivery.error).toBe(
      "HTTP 500 (after 2 tries; the delivery's 5 s limit leaves no time for another)",
    );
  });

  it('gives each try no more time than the budget has left', async () => {
    let now = 0;
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const fetch = vi.fn(async () => {
      now += 2_000;
      return status(500);
    });

    await deliverWebhook('slack', URL, PAYLOAD, {
      fetch: fetch as unknown as typeof globalThis.fetch,
      sleep: async (ms) => {
        now += ms;
      },
      random: () => 0,
      now: () => now,
      totalTimeoutMs: 4_500,
    });

    // 2,000 ms per try and 125 then 250 ms of backoff leave 2,375 ms, then 125 ms.
    expect(timeout.mock.calls.map(([ms]) => ms)).toEqual([2_500, 2_375, 125]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
  });

  it('reads an HTTP date as the time until then', () => {
    const now = () => Date.parse('2026-06-01T02:00:00Z');

    expect(parseRetryAfter('Mon, 01 Jun 2026 02:00:05 GMT', now)).toBe(5_000);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
