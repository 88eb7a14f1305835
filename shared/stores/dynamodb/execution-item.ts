import { unstorableValueIssue } from '../../delivery/run-limits';
import { abandonedAttempt } from '../../executor/attempt-claim';
import type { Execution, ExecutionError, Writable } from '../../executor/execution';

/** DynamoDB's item size limit. */
const ITEM_LIMIT_BYTES = 400 * 1024;
/** What a run's input may take of its item; a larger input is dropped, and the item says so. */
export const INPUT_BUDGET_BYTES = 96 * 1024;
/** Keys, indexes and the run's top-level fields. */
const ITEM_OVERHEAD_BYTES = 8 * 1024;

const ATTEMPT_PREFIX = 'attempt_';

export function attemptAttribute(attempt: number): string {
  return `${ATTEMPT_PREFIX}${attempt}`;
}

/**
 * The bytes one attempt may take: the item holds every attempt of a run, so the space left after
 * the input is shared by as many attempts as the run may have.
 */
export function attemptBudgetBytes(maxAttempts: number): number {
  return Math.floor(
    (ITEM_LIMIT_BYTES - INPUT_BUDGET_BYTES - ITEM_OVERHEAD_BYTES) / Math.max(1, maxAttempts),
  );
}

/**
 * The attempt as stored: without the run's input (kept once per run), with what DynamoDB could
 * not store replaced (metadata holding a number the document client cannot marshal, or nested
 * too deep, becomes a note of why; text that is not valid Unicode has its lone surrogates
 * replaced), and shortened to fit its share of the item: the metadata first, then the error's
 * causes, the stack, and last the messages, each cut from the end so that the first lines
 * survive. `truncated` lists what was cut or replaced.
 */
export function storedAttempt(execution: Execution): Writable<Execution> {
  const { input: _input, ...stored } = execution;
  const attempt = storableAttempt(stored);
  const budget = attemptBudgetBytes(execution.maxAttempts);
  if (sizeOf(attempt) <= budget) return attempt;

  const truncated = new Set(attempt.truncated ?? []);
  const fitted: Writable<Execution> = { ...attempt };
  const over = () => sizeOf(fitted) - budget;

  if (fitted.metadata !== undefined && over() > 0) {
    const bytes = sizeOf(fitted.metadata);
    fitted.metadata = { truncated: `metadata of ${bytes} bytes was too large to keep` };
    truncated.add('metadata');
  }
  if (fitted.error?.cause !== undefined && over() > 0) {
    const { cause: _cause, ...error } = fitted.error;
    fitted.error = error;
    truncated.add('error.cause');
  }
  // Each text first gives up what exceeds its share, the stack the largest; whatever is still
  // over then comes out of the stack first, since its first lines say the most.
  const shares = [
    ['error.stack', 0.5],
    ['message', 0.25],
    ['error.message', 0.125],
  ] as const;
  for (const [field, share] of shares) {
    const text = textAt(fitted, field);
    if (text === undefined || over() <= 0) continue;
    const excess = Buffer.byteLength(text, 'utf8') - Math.floor(budget * share);
    if (excess > 0) {
      setTextAt(fitted, field, cutTo(text, excess));
      truncated.add(field);
    }
  }
  for (const [field] of shares) {
    const text = textAt(fitted, field);
    if (text === undefined || over() <= 0) continue;
    setTextAt(fitted, field, cutTo(text, over()));
    truncated.add(field);
  }
  fitted.truncated = [...truncated];
  return fitted;
}

/**
 * `attempt` with what DynamoDB cannot store as it is replaced: the job's metadata by a note of
 * why, and lone surrogates in its text by U+FFFD. Itself when there is nothing to replace.
 */
function storableAttempt(attempt: Writable<Execution>): Writable<Execution> {
  const metadataIssue =
    attempt.metadata === undefined ? undefined : unstorableValueIssue(attempt.metadata);
  const message = attempt.message === undefined ? undefined : wellFormed(attempt.message);
  const error = attempt.error === undefined ? undefined : wellFormedError(attempt.error);
  if (metadataIssue === undefined && message === attempt.message && error === attempt.error) {
    return attempt;
  }
  const storable: Writable<Execution> = { ...attempt };
  const replaced = new Set(attempt.truncated ?? []);
  if (metadataIssue !== undefined) {
    const where = ['metadata', ...metadataIssue.path].join('.');
    storable.metadata = {
      truncated: `metadata could not be stored as it was (${where}: ${metadataIssue.message})`,
    };
    replaced.add('metadata');
  }
  if (message !== undefined && message !== attempt.message) {
    storable.message = message;
    replaced.add('message');
  }
  if (error !== undefined && error !== attempt.error) {
    storable.error = error;
    replaced.add('error');
  }
  storable.truncated = [...replaced];
  return storable;
}

// In a `u` pattern a surrogate pair is one code point, so these match lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** `text` with each lone surrogate (which UTF-8 cannot encode) replaced by U+FFFD. */
function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}

function wellFormedError(error: ExecutionError): ExecutionError {
  const name = wellFormed(error.name);
  const message = wellFormed(error.message);
  const stack = error.stack === undefined ? undefined : wellFormed(error.stack);
  const cause = error.cause === undefined ? undefined : wellFormedError(error.cause);
  if (
    name === error.name &&
    message === error.message &&
    stack === error.stack &&
    cause === error.cause
  ) {
    return error;
  }
  return {
    ...error,
    name,
    message,
    ...(stack !== undefined ? { stack } : {}),
    ...(cause !== undefined ? { cause } : {}),
  };
}

type TextField = 'error.stack' | 'error.message' | 'message';

function textAt(execution: Execution, field: TextField): string | undefined {
  if (field === 'message') return execution.message;
  return field === 'error.stack' ? execution.error?.stack : execution.error?.message;
}

function setTextAt(execution: Writable<Execution>, field: TextField, text: string): void {
  if (field === 'message') execution.message = text;
  else if (execution.error && field === 'error.stack')
    execution.error = { ...execution.error, stack: text };
  else if (execution.error) execution.error = { ...execution.error, message: text };
}

/**
 * The run's input as stored, or that it was dropped: over its budget, or not storable as it is
 * (a number the document client cannot marshal, nesting too deep; see `unstorableValueIssue`),
 * which no path that checks run messages lets through, but a write must never fail on.
 */
export function storedInput(input: unknown): {
  readonly input?: unknown;
  readonly dropped: boolean;
} {
  if (input === undefined) return { dropped: false };
  return unstorableValueIssue(input) === undefined && sizeOf(input) <= INPUT_BUDGET_BYTES
    ? { input, dropped: false }
    : { dropped: true };
}

/** Every attempt of a run item, oldest first, as history reports them. */
export function attemptsOfItem(item: Record<string, unknown>): Execution[] {
  const attempts: Execution[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(ATTEMPT_PREFIX)) attempts.push(value as Execution);
  }
  attempts.sort((a, b) => a.attempt - b.attempt);
  const withInput = attempts.map((attempt) => withRunInput(attempt, item));
  // A `running` attempt followed by a later one was abandoned: its worker stopped before
  // recording an outcome, and the later attempt took over once its lease expired.
  return withInput.map((attempt, index) => {
    const next = withInput[index + 1];
    return attempt.status === 'running' && next
      ? abandonedAttempt(attempt, next.startedAt, next.attempt)
      : attempt;
  });
}

/** The latest attempt of a run item: what a list shows for the run. */
export function latestAttemptOfItem(item: Record<string, unknown>): Execution | undefined {
  const latest = item[attemptAttribute(Number(item.latestAttempt))] as Execution | undefined;
  return latest ? withRunInput(latest, item) : undefined;
}

function withRunInput(attempt: Execution, item: Record<string, unknown>): Execution {
  if (item.input !== undefined) return { ...attempt, input: item.input };
  if (item.inputDropped === true) {
    return { ...attempt, truncated: [...new Set([...(attempt.truncated ?? []), 'input'])] };
  }
  return attempt;
}

function sizeOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** `text` shortened by at least `excessBytes`, with a note of how much was cut. */
function cutTo(text: string, excessBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  const keepBytes = Math.max(0, bytes - excessBytes - 64);
  const kept = Buffer.from(text, 'utf8')
    .subarray(0, keepBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${kept}\n… [${bytes - Buffer.byteLength(kept, 'utf8')} bytes truncated to fit the history record]`;
}
