import * as z from 'zod/mini';
import type { InputIssue } from '../errors';
import '../support/zod-messages';
import { ApiRequestError } from './api-errors';

/** The largest page a list route serves, as the execution stores allow. */
export const MAX_PAGE_SIZE = 100;

const PAGE_SIZE_RULE = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
const NON_EMPTY_STRING = 'must be a non-empty string';

/** `?limit=&cursor=` of every list route. */
export const pageQuerySchema = z.object({
  limit: z.optional(
    z.pipe(
      z
        .string()
        .check(
          z.refine(
            (text) => /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_PAGE_SIZE,
            PAGE_SIZE_RULE,
          ),
        ),
      z.transform(Number),
    ),
  ),
  cursor: z.optional(z.string()),
});

/**
 * The body of `POST /jobs/{name}/runs`. Strict, so that a misspelt field is an error rather
 * than silently dropped.
 */
export const triggerBodySchema = z.strictObject({
  input: z.optional(z.unknown()),
  idempotencyKey: z.optional(
    z.string({ error: NON_EMPTY_STRING }).check(z.minLength(1, NON_EMPTY_STRING)),
  ),
});
export type TriggerBody = z.output<typeof triggerBodySchema>;

/** `?range=` of the stats routes: the last 24 hours (by hour) or the last 7 days. */
export const statsQuerySchema = z.object({
  range: z.optional(z.enum(['24h', '7d'], { error: "must be '24h' or '7d'" })),
});

/** The most dead letters one list or one redrive by ids names. */
export const MAX_DEAD_LETTERS = 100;

/** `?limit=` of `GET /jobs/{name}/dead-letters`. */
export const deadLetterQuerySchema = z.object({ limit: pageQuerySchema.shape.limit });

/** The body of `POST /jobs/{name}/dead-letters/redrive`: no ids sends them all back. */
export const redriveBodySchema = z.strictObject({
  messageIds: z.optional(
    z
      .array(z.string({ error: NON_EMPTY_STRING }).check(z.minLength(1, NON_EMPTY_STRING)))
      .check(
        z.minLength(1, 'must list at least one message id; leave it out to redrive them all'),
        z.maxLength(MAX_DEAD_LETTERS, `must list at most ${MAX_DEAD_LETTERS} ids a request`),
      ),
  ),
});

/** A body of alert config fields, which `validAlertConfig` then checks field by field. */
export const alertConfigBodySchema = z.record(z.string(), z.unknown());

export interface BodyDescription {
  /** What the body must be, for messages: `an alert config as a JSON object`. */
  readonly what: string;
  /** Whether no body (or only white space) stands for `{}`. @default false */
  readonly optional?: boolean;
}

/**
 * The request body `text`, read as JSON and parsed by `schema`. Throws ApiRequestError (400)
 * saying what is wrong: not JSON, not the kind of value `description.what` says, unknown
 * fields (naming the ones it takes), or each field at fault with what was given.
 */
export function parseBody<Schema extends z.ZodMiniType>(
  schema: Schema,
  text: string | undefined,
  description: BodyDescription,
): z.output<Schema> {
  const { what, optional = false } = description;
  if (optional && (text === undefined || text.trim() === '')) return parsed(schema, {}, what);
  let body: unknown;
  try {
    body = JSON.parse(text ?? '');
  } catch (error) {
    throw new ApiRequestError(
      `The request body is not valid JSON (${(error as Error).message}); send ${what}${optional ? ', or no body' : ''}.`,
    );
  }
  return parsed(schema, body, what);
}

/**
 * The query string, parsed by `schema`; an empty parameter counts as absent. Throws
 * ApiRequestError (400) naming each parameter at fault, its rule and what was given.
 */
export function parseQuery<Schema extends z.ZodMiniType>(
  schema: Schema,
  query: Readonly<Record<string, string | undefined>>,
): z.output<Schema> {
  const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
  return parsed(schema, given, 'a query string');
}

function parsed<Schema extends z.ZodMiniType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  // reportInput: each issue carries the value at fault, for the message.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const sentences: string[] = [];
  const details: InputIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const fields = issue.keys.map((key) => `"${key}"`).join(', ');
      sentences.push(
        `The request body has unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${fields}; it takes only ${fieldNames(schema)}.`,
      );
      details.push(...issue.keys.map((key) => ({ path: key, message: 'unknown field' })));
    } else if (issue.path.length === 0) {
      sentences.push(`The request body must be ${what}, got ${kindOf(value)}.`);
    } else {
      const path = issue.path.join('.');
      sentences.push(`${path} ${issue.message}, got ${JSON.stringify(issue.input)}.`);
      details.push({ path, message: issue.message });
    }
  }
  throw new ApiRequestError(sentences.join(' '), details.length > 0 ? details : undefined);
}

/** `"input" and "idempotencyKey"`: the fields an object schema takes. */
function fieldNames(schema: z.ZodMiniType): string {
  const names = 'shape' in schema ? Object.keys(schema.shape as object).map((n) => `"${n}"`) : [];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
