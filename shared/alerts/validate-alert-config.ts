import type * as z from 'zod/mini';
import { AlertConfigError, type AlertConfigIssue, JobsError } from '../errors';
import { closestName } from '../support/closest-name';
import { type AlertConfig, alertConfigSchema } from './alert-config';

const FIELDS = Object.keys(alertConfigSchema.shape);

/**
 * `config` as a store keeps it, defaults filled in; throws `AlertConfigError` listing every
 * field at fault, so that a caller (the API, a test) can show them all at once.
 */
export function validAlertConfig(jobName: string, config: unknown): AlertConfig {
  const parsed = alertConfigSchema.safeParse(config);
  if (!parsed.success) throw new AlertConfigError(jobName, alertConfigIssues(parsed.error, config));
  return parsed.data;
}

/**
 * An alert config read back from a store. A stored entry that no longer fits the schema was
 * written around the store (or by an older release), so the error says how to replace it.
 */
export function storedAlertConfig(jobName: string, stored: unknown): AlertConfig {
  const parsed = alertConfigSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const problems = alertConfigIssues(parsed.error, stored).map(
    (issue) => `${issue.field}: ${issue.message}`,
  );
  throw new JobsError(
    `The stored alert config for "${jobName}" is invalid (${problems.join('; ')}); ` +
      `put a valid config for "${jobName}" to replace it.`,
  );
}

function alertConfigIssues(error: z.core.$ZodError, config: unknown): AlertConfigIssue[] {
  return error.issues.flatMap((issue): AlertConfigIssue[] => {
    const parent = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: parent === '' ? key : `${parent}.${key}`,
        message: unknownField(key),
      }));
    }
    const value = valueAt(config, issue.path);
    const got = value === undefined ? '' : `, got ${preview(value)}`;
    return [{ field: parent === '' ? '(config)' : parent, message: `${issue.message}${got}` }];
  });
}

function unknownField(key: string): string {
  const hint = closestName(key, FIELDS);
  return hint
    ? `is not an alert config field; did you mean "${hint}"?`
    : `is not an alert config field; the fields are ${FIELDS.join(', ')}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined,
    root,
  );
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
