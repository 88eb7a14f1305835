import { type InputIssue, InputValidationError } from '../errors';
import type { AnyNamedJobDefinition } from './job-definition';
import type { StandardSchemaV1 } from './standard-schema';

export type ParsedInput =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: InputValidationError };

/**
 * `input` as the job's schema parses it (defaults filled in), or the schema's messages with the
 * path of each field. A job without a schema takes its input as it is.
 */
export async function parseJobInput(
  job: AnyNamedJobDefinition,
  input: unknown,
): Promise<ParsedInput> {
  const schema = job.inputSchema;
  if (!schema) return { ok: true, value: input };
  const result = await schema['~standard'].validate(input);
  if (!result.issues) return { ok: true, value: result.value };
  return { ok: false, error: new InputValidationError(job.name, result.issues.map(toInputIssue)) };
}

function toInputIssue(issue: StandardSchemaV1.Issue): InputIssue {
  let path = 'input';
  for (const segment of issue.path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    path += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return { path, message: issue.message };
}
