import type { HistoryWriteError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { Execution } from '../execution';
import { rejectedClaim } from '../execution-records';

export interface RecordUnstorableOptions {
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
}

/** What a stripped record keeps of a long text. */
const KEPT_TEXT_CHARS = 1000;

/**
 * Whether `error` is a write that history refused as it is (an `UnstorableRecordError`, bare or
 * as the cause of a `HistoryWriteError`): trying it again, or delivering its message again,
 * cannot store it.
 */
export function isUnstorableWrite(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'UnstorableRecordError') return true;
  return (
    error.name === 'HistoryWriteError' &&
    (error.cause as Error | undefined)?.name === 'UnstorableRecordError'
  );
}

/**
 * `execution` as any history item can hold it: without its input, metadata and error details,
 * its texts cut, and the reason history refused it as it was in its message. `truncated` names
 * what was dropped.
 */
export function strippedRecord(execution: Execution, refusal: string): Execution {
  const { input, metadata, error, message, ...kept } = execution;
  const dropped = [
    ...(input !== undefined ? ['input'] : []),
    ...(metadata !== undefined ? ['metadata'] : []),
    ...(error !== undefined ? ['error'] : []),
  ];
  const note = `History could not store this record as it was (${cut(refusal)})${dropped.length > 0 ? `, so its ${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} dropped` : ''}.`;
  return {
    ...kept,
    message: message === undefined ? note : `${cut(message)} ${note}`,
    ...(error !== undefined
      ? { error: { name: cut(error.name), message: cut(error.message) } }
      : {}),
    ...(dropped.length > 0 || execution.truncated !== undefined
      ? { truncated: [...new Set([...(execution.truncated ?? []), ...dropped])] }
      : {}),
  };
}

/**
 * Runs `attempt`, the executor's steps for one delivery, and keeps the promise that a run reaches
 * a final status under its own run id: when history refuses a write of the run as it is (a
 * permanent error, which a redelivery of the message would only meet again), it records less
 * instead. A refused claim means the attempt never ran: it is recorded as `rejected`, with the
 * reason and without the input. A refused outcome or record is written again stripped
 * (`strippedRecord`). Anything else is left to the executor's caller; so is a stripped write
 * that fails too.
 */
export async function recordingUnstorableWrites(
  options: RecordUnstorableOptions,
  attempt: () => Promise<Execution>,
): Promise<Execution> {
  try {
    return await attempt();
  } catch (error) {
    // The executor's store reports each write it gave up on as a HistoryWriteError.
    if (!isUnstorableWrite(error) || (error as Error).name !== 'HistoryWriteError') throw error;
    return recordStripped(options, error as HistoryWriteError);
  }
}

async function recordStripped(
  options: RecordUnstorableOptions,
  error: HistoryWriteError,
): Promise<Execution> {
  const refusal = refusalOf(error);
  const { executionStore, clock } = options;
  const { operation, execution } = error;
  if (operation === 'start') {
    const rejected = strippedRecord(
      rejectedClaim(
        execution,
        {
          name: 'UnstorableRecordError',
          message: `History refused to record this run as it was sent, so it cannot run; send it again with an input that history can store.`,
        },
        clock.now(),
      ),
      refusal,
    );
    await executionStore.record(rejected);
    return rejected;
  }
  const stripped = strippedRecord(execution, refusal);
  await (operation === 'complete'
    ? executionStore.complete(stripped)
    : executionStore.record(stripped));
  return stripped;
}

/** Why history refused the write: the store's own error, under the wrappers. */
export function refusalOf(error: Error): string {
  const refused = error.name === 'HistoryWriteError' ? (error.cause as Error) : error;
  const cause = refused.cause instanceof Error ? refused.cause : refused;
  return `${cause.name}: ${cause.message}`;
}

function cut(text: string): string {
  if (text.length <= KEPT_TEXT_CHARS) return text;
  // Never between the two halves of a surrogate pair, which would leave one alone.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(KEPT_TEXT_CHARS - 1))
    ? KEPT_TEXT_CHARS - 1
    : KEPT_TEXT_CHARS;
  return `${text.slice(0, end)}…`;
}
