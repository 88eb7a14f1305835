import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RouteParams } from '../../../shared/api/api-routes';
import {
  pageQuerySchema,
  parseBody,
  parseQuery,
  triggerBodySchema,
} from '../../../shared/api/request-schemas';

const TRIGGER = {
  what: 'a JSON object with optional "input" and "idempotencyKey"',
  optional: true,
};

describe('parseBody', () => {
  it('reads no body as an empty one where a body is optional', () => {
    expect(parseBody(triggerBodySchema, '  ', TRIGGER)).toEqual({});
  });

  it('names every field at fault at once, with what was given', () => {
    const parsing = () =>
      parseBody(triggerBodySchema, JSON.stringify({ idempotencyKey: '', inptu: 1 }), TRIGGER);

    expect(parsing).toThrow(
      'idempotencyKey must be a non-empty string, got "". The request body has unknown field "inptu"; it takes only "input" and "idempotencyKey".',
    );
  });

  it('says what the body must be, and what it was', () => {
    expect(() => parseBody(triggerBodySchema, '42', TRIGGER)).toThrow(
      'The request body must be a JSON object with optional "input" and "idempotencyKey", got a number.',
    );
  });

  it('refuses a missing body where one is required', () => {
    expect(() => parseBody(triggerBodySchema, undefined, { what: 'an object' })).toThrow(
      /^The request body is not valid JSON \(.*\); send an object\.$/,
    );
  });
});

describe('parseQuery', () => {
  it('takes an empty parameter for an absent one', () => {
    expect(parseQuery(pageQuerySchema, { limit: '', cursor: '' })).toEqual({});
  });

  it('reads the page size as a number', () => {
    expect(parseQuery(pageQuerySchema, { limit: '25', cursor: 'abc' })).toEqual({
      limit: 25,
      cursor: 'abc',
    });
  });
});

describe('RouteParams', () => {
  it('names the parameters of a route pattern', () => {
    expectTypeOf<RouteParams<'GET /jobs/{name}/runs/{runId}'>>().toEqualTypeOf<{
      readonly name: string;
      readonly runId: string;
    }>();
    expectTypeOf<keyof RouteParams<'GET /jobs'>>().toEqualTypeOf<never>();
  });
});
