/**
 * What one run may carry, whoever starts it: what its queue takes in one message and what the
 * history table stores in one item. The run message's schema (`run-message.ts`) enforces these
 * limits on every path (the API, the CLI, `ctx.enqueue`, a console test event, the worker), so
 * that the API refuses at once what the worker could neither run nor record.
 */

/**
 * The largest run message, in UTF-8 bytes of the JSON that is sent: 256,000. SQS takes 1 MiB
 * per message since August 2025 (the default of new queues; fauxqs and moto take 1 MiB too),
 * but a queue created before then keeps its 256 KiB (262,144 bytes), and EventBridge Scheduler
 * takes at most 256 KB of input for the one-time schedule of an `enqueue({ at })`. 256,000
 * fits all of them, and leaves 6,144 bytes of SQS's 256 KiB for the attributes the worker adds
 * when it dead-letters a message (its reason, at most 1,000 characters, and its run id).
 */
export const MAX_RUN_MESSAGE_BYTES = 256_000;

/**
 * Bytes of a run id: 950. DynamoDB holds a sort key to 1,024 bytes, in a table as in an index.
 * The run id is the executions table's sort key, and part of two index sort keys: `startedKey`
 * (`<ISO time>#<run id>`, 25 bytes more) and the failure index's `failedKey` (`<ISO time>#<job
 * name>#<run id>`, up to 74 bytes more with a 48-character job name). dynalite and moto check
 * neither index key; DynamoDB refuses the write.
 */
export const MAX_RUN_ID_BYTES = 1024 - 74;

/** Why a run id is held to `MAX_RUN_ID_BYTES`, as messages say it. */
export const RUN_ID_LIMIT_REASON =
  "a run id may take (DynamoDB's 1,024-byte limit for a key, less what history's indexes add to it)";

/** Characters of an idempotency key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 512;

/** Characters of who triggered a run (an IAM ARN is at most 2,048) and of a schedule's ARN. */
export const MAX_LABEL_LENGTH = 2048;

/**
 * Levels of objects and arrays in a run's input: 30. DynamoDB stores a document at most 32
 * levels deep, counting the item's attribute that holds it: that attribute and 30 more maps or
 * lists, then a scalar. History keeps the input as an attribute of its own (31 levels would
 * fit); 30 leaves a level for an item that holds the input one level down, such as an attempt.
 */
export const MAX_INPUT_DEPTH = 30;

/**
 * The largest number the DynamoDB document client marshals: Number.MAX_SAFE_INTEGER. Beyond it
 * (1e20, say) it refuses to store a number it could not read back exactly.
 */
export const MAX_STORABLE_NUMBER = Number.MAX_SAFE_INTEGER;

/** The smallest magnitude DynamoDB stores: a number closer to 0 (but 0) underflows. */
export const MIN_STORABLE_MAGNITUDE = 1e-130;

/** Something in a value that history cannot store, at `path` within it. */
export interface ValueIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The first thing in `value` (as JSON would send it) that the queue or the history table cannot
 * carry: a number the document client cannot marshal (NaN, Infinity, beyond ±2^53 - 1, closer
 * to 0 than 1e-130), a BigInt, a Map or a Set (JSON sends them as `{}`), text that is not valid
 * Unicode (a lone surrogate), nesting deeper than `MAX_INPUT_DEPTH`, or a value that contains
 * itself. Undefined when there is none. What JSON leaves out (undefined, functions) is fine.
 */
export function unstorableValueIssue(value: unknown): ValueIssue | undefined {
  const path: (string | number)[] = [];
  const ancestors = new Set<object>();

  const visit = (current: unknown, level: number, converted = false): string | undefined => {
    if (current === null) return undefined;
    switch (typeof current) {
      case 'boolean':
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
      case 'string':
        return unicodeProblem(current, 'text');
      case 'number':
        return numberProblem(current);
      case 'bigint':
        return `the BigInt ${current}n cannot be sent as JSON; send it as a string`;
    }
    const object = current as { toJSON?: unknown };
    // As JSON.stringify does: a Date goes as its toJSON() text.
    if (!converted && typeof object.toJSON === 'function') {
      const json: unknown = (object.toJSON as () => unknown)();
      if (json !== current) return visit(json, level, true);
    }
    if (current instanceof Map || current instanceof Set) {
      const kind = current instanceof Map ? 'a Map' : 'a Set';
      return `${kind} would be sent as {} by JSON, losing its entries; send an ${current instanceof Map ? 'object' : 'array'} instead`;
    }
    if (level > MAX_INPUT_DEPTH) {
      return `objects and arrays are nested more than ${MAX_INPUT_DEPTH} levels deep here, the most history stores (DynamoDB stores a document at most 32 levels deep, counting the attribute that holds it); flatten the input, or send the deepest part as a JSON string`;
    }
    if (ancestors.has(current)) {
      return 'the value contains itself, which JSON cannot carry; send a copy without the cycle';
    }
    ancestors.add(current);
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++) {
        path.push(index);
        const problem = visit(current[index], level + 1);
        if (problem !== undefined) return problem;
        path.pop();
      }
    } else {
      for (const key of Object.keys(current)) {
        path.push(key);
        const problem =
          unicodeProblem(key, 'key') ?? visit((current as Record<string, unknown>)[key], level + 1);
        if (problem !== undefined) return problem;
        path.pop();
      }
    }
    ancestors.delete(current);
    return undefined;
  };

  const message = visit(value, 1);
  return message === undefined ? undefined : { path, message };
}

/** Why `value` is not a number history can store, if it is not. */
function numberProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) {
    return `${value} can be carried by neither JSON nor DynamoDB; send a finite number from ${-MAX_STORABLE_NUMBER} to ${MAX_STORABLE_NUMBER}`;
  }
  const magnitude = Math.abs(value);
  if (magnitude > MAX_STORABLE_NUMBER) {
    return `${value} is beyond the numbers history stores exactly: DynamoDB's document client takes ${-MAX_STORABLE_NUMBER} to ${MAX_STORABLE_NUMBER} (Number.MAX_SAFE_INTEGER); send a larger number as a string`;
  }
  if (magnitude !== 0 && magnitude < MIN_STORABLE_MAGNITUDE) {
    return `${value} is closer to 0 than the smallest magnitude DynamoDB stores (1e-130); round it to 0, or send it as a string`;
  }
  return undefined;
}

// In a `u` pattern a surrogate pair is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` is not valid Unicode (which DynamoDB stores as UTF-8), if it is not. */
export function unicodeProblem(text: string, what: 'text' | 'key'): string | undefined {
  const match = LONE_SURROGATE.exec(text);
  if (!match) return undefined;
  const unit = match[0].charCodeAt(0).toString(16).padStart(4, '0');
  const subject = what === 'key' ? 'the key' : 'the text';
  return `${subject} is not valid Unicode: it holds a lone surrogate (\\u${unit}) at character ${match.index}, which cannot be stored as UTF-8; send well-formed text`;
}

/** Characters that SQS refuses in a message body, though JSON.stringify leaves them as they are. */
const SQS_REFUSED_CHARACTERS = /[\uFFFE\uFFFF]/g;

/**
 * `value` as the JSON text of a message body. SQS takes only the characters XML allows; JSON
 * escapes the control characters and lone surrogates, and this escapes the two it leaves
 * (U+FFFE, U+FFFF, which can occur only inside strings), so that any valid value can be sent.
 */
export function messageJson(value: unknown): string {
  return JSON.stringify(value).replace(
    SQS_REFUSED_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16)}`,
  );
}

/** UTF-8 bytes of `text`. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** `bytes` as people read it: `300,123 bytes`. */
export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
