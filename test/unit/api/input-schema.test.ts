import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { exampleOf, inputJsonSchemaOf } from '../../../shared/api/input-schema';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyNamedJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';

const named = (definition: unknown) => definition as AnyNamedJobDefinition;

describe("a job's input as JSON Schema, and an example of it", () => {
  it('describes a zod object by its fields, defaults making them optional, and fills in the required ones', () => {
    const job = named(
      defineJob({
        name: 'send-invoice',
        input: z.object({
          to: z.email(),
          day: z.iso.date(),
          amount: z.number().min(1),
          kind: z.enum(['final', 'draft']),
          copies: z.number().int().default(1),
          note: z.string().optional(),
        }),
        run: async () => JobResult.success(),
      }),
    );

    const schema = inputJsonSchemaOf(job);

    expect(schema).toMatchObject({
      type: 'object',
      required: ['to', 'day', 'amount', 'kind'],
      properties: {
        to: { type: 'string', format: 'email' },
        copies: { type: 'integer', default: 1 },
      },
    });
    expect(exampleOf(schema ?? {})).toEqual({
      to: 'user@example.com',
      day: '2026-01-31',
      amount: 1,
      kind: 'final',
    });
  });

  it('reads zod/mini schemas too', () => {
    const job = named(
      defineJob({
        name: 'ping',
        input: zm.object({ host: zm.string().check(zm.minLength(6)) }),
        run: async () => JobResult.success(),
      }),
    );

    expect(exampleOf(inputJsonSchemaOf(job) ?? {})).toEqual({ host: 'textxx' });
  });

  it('keeps the example within exclusive bounds and short maximum lengths', () => {
    const job = named(
      defineJob({
        name: 'resize',
        input: z.object({ width: z.number().positive(), code: z.string().max(2) }),
        run: async () => JobResult.success(),
      }),
    );

    expect(exampleOf(inputJsonSchemaOf(job) ?? {})).toEqual({ width: 1, code: 'te' });
  });

  it('has nothing to say of a job without input', () => {
    const job = named(defineJob({ name: 'tick', run: async () => JobResult.success() }));

    expect(inputJsonSchemaOf(job)).toBeUndefined();
  });
});
