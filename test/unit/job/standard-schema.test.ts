import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { isStandardSchema } from '../../../shared/job/standard-schema';

describe('isStandardSchema', () => {
  test.each([
    ['a zod object', z.object({ id: z.string() })],
    ['a zod string', z.string()],
    ['a zod schema with a default', z.object({}).default({})],
    [
      'a hand-written Standard Schema',
      { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) } },
    ],
  ])('recognises %s', (_case, value) => {
    expect(isStandardSchema(value)).toBe(true);
  });

  test.each([
    ['a JSON schema', { type: 'object', properties: {} }],
    ['a ~standard without validate', { '~standard': { version: 1, vendor: 'test' } }],
    ['a ~standard whose validate is not a function', { '~standard': { validate: true } }],
    ['a function', () => ({})],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'z.object({})'],
  ])('does not take %s for a schema', (_case, value) => {
    expect(isStandardSchema(value)).toBe(false);
  });
});
