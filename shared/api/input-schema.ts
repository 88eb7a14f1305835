import * as z from 'zod/mini';
import type { AnyNamedJobDefinition } from '../job/job-definition';

/** A JSON Schema, as zod writes one. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * The job's input as JSON Schema, for forms and docs: what zod says its schema accepts (the
 * input side: defaults make fields optional). Absent for a job without input, for a Standard
 * Schema of another library, and for a schema JSON Schema cannot describe.
 */
export function inputJsonSchemaOf(job: AnyNamedJobDefinition): JsonSchema | undefined {
  const schema = job.inputSchema as unknown;
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  try {
    return z.toJSONSchema(schema as z.ZodMiniType, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchema;
  } catch {
    return undefined;
  }
}

const MAX_DEPTH = 6;

/**
 * A value the schema accepts, to start from: each field's default or first example when it has
 * one, else a value of its type and format (`user@example.com` for an email). Optional fields
 * are left out, so the example shows what must be given.
 */
export function exampleOf(schema: JsonSchema, depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if ('default' in schema) return schema.default;
  const examples = schema.examples;
  if (Array.isArray(examples) && examples.length > 0) return examples[0];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const anyOf = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(anyOf) && anyOf[0]) return exampleOf(anyOf[0], depth + 1);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      return Object.fromEntries(
        Object.entries(properties)
          .filter(([name]) => required.has(name))
          .map(([name, property]) => [name, exampleOf(property, depth + 1)]),
      );
    }
    case 'array': {
      const items = schema.items as JsonSchema | undefined;
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return items && minItems > 0 ? [exampleOf(items, depth + 1)] : [];
    }
    case 'string':
      return stringExample(schema);
    case 'integer':
    case 'number':
      if (typeof schema.minimum === 'number') return schema.minimum;
      // z.number().positive(): above the bound, by a whole step.
      if (typeof schema.exclusiveMinimum === 'number') return schema.exclusiveMinimum + 1;
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function stringExample(schema: JsonSchema): string {
  switch (schema.format) {
    case 'email':
      return 'user@example.com';
    case 'date':
      return '2026-01-31';
    case 'date-time':
      return '2026-01-31T09:00:00Z';
    case 'uri':
      return 'https://example.com';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    default: {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      return 'text'.padEnd(minLength, 'x').slice(0, maxLength);
    }
  }
}
