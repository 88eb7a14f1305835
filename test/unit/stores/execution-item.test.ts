import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../shared/executor/execution';
import {
  attemptBudgetBytes,
  attemptsOfItem,
  INPUT_BUDGET_BYTES,
  latestAttemptOfItem,
  storedAttempt,
  storedInput,
} from '../../../shared/stores/dynamodb/execution-item';

const STARTED = '2026-06-01T09:00:00.000Z';

function failedAttempt(overrides: Partial<Execution> = {}): Execution {
  return {
    jobName: 'daily-report',
    runId: 'run-1',
    attempt: 1,
    maxAttempts: 4,
    trigger: 'manual',
    status: 'failed',
    startedAt: STARTED,
    completedAt: '2026-06-01T09:00:02.000Z',
    durationMs: 2000,
    message: 'The report failed',
    error: { name: 'Error', message: 'The report failed', stack: 'Error: The report failed' },
    willRetry: true,
    ...overrides,
  };
}

/** A stack trace of about `bytes` bytes, one numbered frame a line. */
function hugeStack(bytes: number): string {
  const lines = ['Error: The report failed'];
  for (let frame = 1, length = 0; length < bytes; frame++) {
    const line = `    at frame${frame} (/var/task/functions/jobs/daily-report.job.ts:${frame}:7)`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

function sizeOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

describe('storedAttempt', () => {
  it('leaves a small attempt untouched but for its input, which the run keeps once', () => {
    const { input: _input, ...attempt } = failedAttempt({ input: { day: 'monday' } });

    const stored = storedAttempt(failedAttempt({ input: { day: 'monday' } }));

    expect(stored).toEqual(attempt);
    expect(stored).not.toHaveProperty('truncated');
  });

  it('cuts a huge stack from its end, keeping its first lines', () => {
    const stack = hugeStack(200_000);

    const stored = storedAttempt(failedAttempt({ error: { name: 'Error', message: 'x', stack } }));

    expect(stored.error?.stack?.startsWith(stack.slice(0, 1000))).toBe(true);
    expect(stored.error?.stack).toMatch(/… \[\d+ bytes truncated to fit the history record\]$/);
    expect(stored.truncated).toEqual(['error.stack']);
    expect(sizeOf(stored)).toBeLessThanOrEqual(attemptBudgetBytes(4));
  });

  it('cuts both a huge message and a huge stack to fit the attempt within its share', () => {
    const message = 'm'.repeat(150_000);

    const stored = storedAttempt(
      failedAttempt({
        message,
        error: { name: 'Error', message: 'x', stack: hugeStack(200_000) },
      }),
    );

    expect(stored.truncated).toEqual(expect.arrayContaining(['error.stack', 'message']));
    expect(stored.message?.startsWith('mmmm')).toBe(true);
    expect(stored.message?.length).toBeLessThan(message.length);
    expect(sizeOf(stored)).toBeLessThanOrEqual(attemptBudgetBytes(4));
  });

  it('replaces huge metadata with a note of its size', () => {
    const metadata = { rows: 'r'.repeat(200_000) };

    const stored = storedAttempt(failedAttempt({ metadata }));

    expect(stored.metadata).toEqual({
      truncated: `metadata of ${sizeOf(metadata)} bytes was too large to keep`,
    });
    expect(stored.truncated).toEqual(['metadata']);
  });

  it('drops the error cause before cutting the stack', () => {
    const cause = { name: 'Error', message: 'c'.repeat(150_000) };

    const stored = storedAttempt(
      failedAttempt({ error: { name: 'Error', message: 'x', stack: 'short', cause } }),
    );

    expect(stored.error).toEqual({ name: 'Error', message: 'x', stack: 'short' });
    expect(stored.truncated).toEqual(['error.cause']);
  });

  it('keeps what earlier writes had already truncated', () => {
    const stored = storedAttempt(
      failedAttempt({ truncated: ['input'], metadata: { rows: 'r'.repeat(200_000) } }),
    );

    expect(stored.truncated).toEqual(['input', 'metadata']);
  });
});

describe('attemptBudgetBytes', () => {
  it('gives each attempt a smaller share the more attempts a run may have', () => {
    expect(attemptBudgetBytes(1)).toBeGreaterThan(attemptBudgetBytes(4));
    expect(attemptBudgetBytes(4)).toBeGreaterThan(attemptBudgetBytes(11));
    expect(attemptBudgetBytes(4) * 4).toBeLessThanOrEqual(400 * 1024 - INPUT_BUDGET_BYTES);
  });

  it('keeps a stack whole for a run of one attempt that it cuts for a run of eleven', () => {
    const stack = hugeStack(100_000);
    const error = { name: 'Error', message: 'x', stack };

    const single = storedAttempt(failedAttempt({ maxAttempts: 1, error }));
    const eleven = storedAttempt(failedAttempt({ maxAttempts: 11, error }));

    expect(single.error?.stack).toBe(stack);
    expect(eleven.error?.stack?.length).toBeLessThan(stack.length);
    expect(eleven.truncated).toEqual(['error.stack']);
  });
});

describe('storedInput', () => {
  it('keeps an input within its budget', () => {
    expect(storedInput({ day: 'monday' })).toEqual({ input: { day: 'monday' }, dropped: false });
  });

  it('drops an input over 96 KB and says so', () => {
    const input = { blob: 'b'.repeat(INPUT_BUDGET_BYTES) };

    expect(storedInput(input)).toEqual({ dropped: true });
  });

  it('reports no input as nothing dropped', () => {
    expect(storedInput(undefined)).toEqual({ dropped: false });
  });

  it.each([
    ['a number the document client cannot marshal', { n: 1e20 }],
    ['NaN', { n: Number.NaN }],
    ['a number that underflows in DynamoDB', { n: 1e-200 }],
    ['nesting deeper than DynamoDB stores', JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`)],
    ['a lone surrogate', { s: '\udc00' }],
  ])('drops an input holding %s, so that the write never fails on it', (_what, input) => {
    expect(storedInput(input)).toEqual({ dropped: true });
  });
});

describe('storedAttempt: what DynamoDB cannot store', () => {
  it('replaces metadata holding a number the document client cannot marshal with why', () => {
    const stored = storedAttempt(
      failedAttempt({ metadata: { rows: 12, checksum: 1e20 }, truncated: ['error.stack'] }),
    );

    expect(stored.metadata).toEqual({
      truncated: expect.stringMatching(
        /^metadata could not be stored as it was \(metadata\.checksum: 100000000000000000000 is beyond the numbers history stores exactly/,
      ),
    });
    expect(stored.truncated).toEqual(['error.stack', 'metadata']);
  });

  it('replaces lone surrogates in the message and the error with U+FFFD', () => {
    const stored = storedAttempt(
      failedAttempt({
        message: 'bad \ud800 text',
        error: {
          name: 'Error',
          message: 'bad \udfff',
          stack: 'Error: bad',
          cause: { name: 'Error', message: '\ud800' },
        },
      }),
    );

    expect(stored.message).toBe('bad \ufffd text');
    expect(stored.error).toEqual({
      name: 'Error',
      message: 'bad \ufffd',
      stack: 'Error: bad',
      cause: { name: 'Error', message: '\ufffd' },
    });
    expect(stored.truncated).toEqual(['message', 'error']);
  });

  it('keeps surrogate pairs (emoji) and an attempt with nothing to replace as it is', () => {
    const attempt = failedAttempt({ message: 'done 🎉', metadata: { count: 3 } });

    const stored = storedAttempt(attempt);

    expect(stored.message).toBe('done 🎉');
    expect(stored).not.toHaveProperty('truncated');
  });
});

describe('attemptsOfItem', () => {
  it('reports a running attempt followed by a later one as abandoned, with the run input', () => {
    const first: Execution = {
      jobName: 'daily-report',
      runId: 'run-1',
      attempt: 1,
      maxAttempts: 4,
      trigger: 'manual',
      status: 'running',
      startedAt: STARTED,
      leaseExpiresAt: '2026-06-01T09:01:02.000Z',
    };
    const { error: _, ...second } = failedAttempt({
      attempt: 2,
      status: 'succeeded',
      startedAt: '2026-06-01T09:05:00.000Z',
      willRetry: false,
    });
    const item = {
      jobName: 'daily-report',
      runId: 'run-1',
      latestAttempt: 2,
      input: { day: 'monday' },
      attempt_2: second,
      attempt_1: first,
    };

    const [abandoned, latest] = attemptsOfItem(item);

    expect(abandoned).toMatchObject({
      attempt: 1,
      status: 'timed_out',
      completedAt: '2026-06-01T09:05:00.000Z',
      error: { name: 'AttemptAbandoned' },
      willRetry: true,
      input: { day: 'monday' },
    });
    expect(abandoned).not.toHaveProperty('leaseExpiresAt');
    expect(latest).toEqual({ ...second, input: { day: 'monday' } });
  });

  it('orders attempts by number, not by attribute name', () => {
    const item: Record<string, unknown> = { jobName: 'daily-report', runId: 'run-1' };
    for (const attempt of [10, 2, 1]) item[`attempt_${attempt}`] = failedAttempt({ attempt });

    const attempts = attemptsOfItem(item);

    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 10]);
  });

  it('leaves a running attempt that is the latest as running', () => {
    const { error: _, ...running } = failedAttempt({ status: 'running' });

    const [only] = attemptsOfItem({ latestAttempt: 1, attempt_1: running });

    expect(only).toEqual(running);
  });

  it('marks the input as truncated when the run dropped it', () => {
    const [attempt] = attemptsOfItem({ inputDropped: true, attempt_1: failedAttempt() });

    expect(attempt?.truncated).toEqual(['input']);
  });
});

describe('latestAttemptOfItem', () => {
  it('reads the attempt the item names as latest, with the run input', () => {
    const second = failedAttempt({ attempt: 2 });
    const item = {
      latestAttempt: 2,
      input: { day: 'monday' },
      attempt_1: failedAttempt(),
      attempt_2: second,
    };

    expect(latestAttemptOfItem(item)).toEqual({ ...second, input: { day: 'monday' } });
  });

  it('finds nothing in an item without its latest attempt', () => {
    expect(latestAttemptOfItem({ latestAttempt: 3, attempt_1: failedAttempt() })).toBeUndefined();
  });
});
