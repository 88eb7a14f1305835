import { describe, expect, it } from 'vitest';
import {
  MAX_INPUT_DEPTH,
  messageJson,
  unstorableValueIssue,
} from '../../../shared/delivery/run-limits';

/** `levels` objects, one inside the other, around a scalar: `{ a: { a: ... 1 } }`. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe('unstorableValueIssue', () => {
  it.each([
    ['null', null],
    ['text', 'Ada Lovelace'],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER],
    ['the smallest safe integer', Number.MIN_SAFE_INTEGER],
    ['a fraction', 0.30000000000000004],
    ['1e-130, the smallest magnitude DynamoDB stores', 1e-130],
    ['zero and minus zero', [0, -0]],
    ['emoji (surrogate pairs)', { '👩‍🔬': 'Ada 🧮' }],
    ['U+FFFF, which JSON leaves as it is but the message escapes', '\uffff'],
    ['a date, as its ISO text', new Date('2026-06-01T00:00:00Z')],
    ['what JSON leaves out', { skipped: undefined, fn: () => 1 }],
    [`${MAX_INPUT_DEPTH} levels of nesting`, nested(MAX_INPUT_DEPTH)],
    [
      'the same object twice, side by side',
      (() => {
        const shared = { id: 1 };
        return { first: shared, second: shared };
      })(),
    ],
  ])('accepts %s', (_what, value) => {
    expect(unstorableValueIssue(value)).toBeUndefined();
  });

  it('names a number beyond Number.MAX_SAFE_INTEGER, the limit and what to send instead', () => {
    const issue = unstorableValueIssue({ order: { total: 1e20 } });

    expect(issue?.path).toEqual(['order', 'total']);
    expect(issue?.message).toBe(
      "100000000000000000000 is beyond the numbers history stores exactly: DynamoDB's document client takes -9007199254740991 to 9007199254740991 (Number.MAX_SAFE_INTEGER); send a larger number as a string",
    );
  });

  it('names a negative number beyond the limit, and one in an array by its index', () => {
    expect(unstorableValueIssue([1, 2, -1e17])?.path).toEqual([2]);
  });

  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('refuses %s, which JSON would send as null', (value, shown) => {
    expect(unstorableValueIssue({ n: value })?.message).toMatch(
      new RegExp(`^${shown} can be carried by neither JSON nor DynamoDB`),
    );
  });

  it('refuses a number closer to 0 than DynamoDB stores, saying the limit', () => {
    expect(unstorableValueIssue({ n: 1e-200 })?.message).toMatch(
      /^1e-200 is closer to 0 than the smallest magnitude DynamoDB stores \(1e-130\)/,
    );
  });

  it('refuses nesting one level deeper than the limit, at the level that breaks it', () => {
    const issue = unstorableValueIssue(nested(MAX_INPUT_DEPTH + 1));

    expect(issue?.path).toHaveLength(MAX_INPUT_DEPTH);
    expect(issue?.message).toMatch(
      /more than 30 levels deep .*DynamoDB stores a document at most 32 levels deep/,
    );
  });

  it('counts arrays as levels too', () => {
    let value: unknown = 'x';
    for (let level = 0; level < MAX_INPUT_DEPTH + 1; level++) value = [value];

    expect(unstorableValueIssue(value)).toBeDefined();
  });

  it('refuses a lone surrogate in text or in a key, saying where', () => {
    expect(unstorableValueIssue({ name: 'Ad\udc00a' })).toEqual({
      path: ['name'],
      message:
        'the text is not valid Unicode: it holds a lone surrogate (\\udc00) at character 2, which cannot be stored as UTF-8; send well-formed text',
    });
    expect(unstorableValueIssue({ '\ud800': 1 })?.message).toMatch(/^the key is not valid Unicode/);
  });

  it('refuses a BigInt, a Map and a Set, which JSON cannot carry or would empty', () => {
    expect(unstorableValueIssue({ n: 10n })?.message).toMatch(/BigInt 10n cannot be sent as JSON/);
    expect(unstorableValueIssue({ m: new Map([['a', 1]]) })?.message).toMatch(
      /a Map would be sent as \{\} by JSON/,
    );
    expect(unstorableValueIssue({ s: new Set([1]) })?.message).toMatch(/send an array instead/);
  });

  it('refuses a value that contains itself', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;

    expect(unstorableValueIssue(cyclic)).toEqual({
      path: ['self'],
      message: 'the value contains itself, which JSON cannot carry; send a copy without the cycle',
    });
  });
});

describe('messageJson', () => {
  it('escapes U+FFFE and U+FFFF, which SQS refuses and JSON leaves as they are, and reads back the same', () => {
    const value = { text: 'a\ufffeb\uffffc', key: '\u0000' };

    const json = messageJson(value);

    expect(json).toBe('{"text":"a\\ufffeb\\uffffc","key":"\\u0000"}');
    expect(/[\ufffe\uffff]/.test(json)).toBe(false);
    expect(JSON.parse(json)).toEqual(value);
  });
});
