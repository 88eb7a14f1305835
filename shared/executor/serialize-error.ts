import type { ExecutionError } from './execution';

const MAX_CAUSE_DEPTH = 3;

/** An error (or anything thrown) as history keeps it: name, message, stack and causes. */
export function serializeError(thrown: unknown, depth = 0): ExecutionError {
  if (thrown instanceof Error) {
    const cause =
      thrown.cause !== undefined && depth < MAX_CAUSE_DEPTH
        ? serializeError(thrown.cause, depth + 1)
        : undefined;
    return {
      name: thrown.name,
      message: thrown.message,
      ...(thrown.stack ? { stack: thrown.stack } : {}),
      ...(cause ? { cause } : {}),
    };
  }
  return { name: 'NonErrorThrown', message: describeThrown(thrown) };
}

function describeThrown(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  try {
    return `A non-Error value was thrown: ${JSON.stringify(thrown)}`;
  } catch {
    return `A non-Error value was thrown: ${String(thrown)}`;
  }
}
