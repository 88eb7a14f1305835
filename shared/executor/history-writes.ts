import { HistoryWriteError } from '../errors';
import type { ExecutionStore } from '../ports/execution-store';
import type { Execution } from './execution';

/**
 * The store as the executor uses it: a write that fails (after the store's own retries) becomes
 * a `HistoryWriteError` carrying the execution, so that whoever gave up on it can log the
 * outcome whole instead of losing it.
 */
export function withHistoryWriteErrors(store: ExecutionStore): ExecutionStore {
  // A plain catch handler, not an async wrapper: this is on every run's path.
  const guard = <T>(
    operation: HistoryWriteError['operation'],
    execution: Execution,
    write: Promise<T>,
  ): Promise<T> =>
    write.catch((error: unknown) => {
      throw new HistoryWriteError(operation, execution, { cause: error });
    });
  return {
    start: (execution) => guard('start', execution, store.start(execution)),
    complete: (execution) => guard('complete', execution, store.complete(execution)),
    record: (execution) => guard('record', execution, store.record(execution)),
    getRun: (jobName, runId) => store.getRun(jobName, runId),
  };
}

/** A history write that failed, as one log entry's `replay` attribute holds it. */
export interface HistoryReplay {
  readonly operation: HistoryWriteError['operation'];
  readonly execution: Execution;
}

/** The `replay` attribute that the worker logs for a write it gave up on. */
export function historyReplayOf(error: HistoryWriteError): HistoryReplay {
  return { operation: error.operation, execution: error.execution };
}

/**
 * Writes a logged outcome to history after the store has recovered: pass the `replay` attribute
 * of the log line (or the whole JSON line). Replays are unconditional and idempotent, so
 * replaying one twice, or after the run was retried, does no harm beyond the run's latest state.
 */
export async function replayHistoryWrite(
  entry: string | HistoryReplay | { readonly replay: HistoryReplay },
  store: ExecutionStore,
): Promise<Execution> {
  const notAnEntry = () =>
    new TypeError(
      'Not a history replay entry: pass the JSON log line (or its "replay" attribute) that reads { replay: { operation, execution } }',
    );
  let parsed: unknown = entry;
  if (typeof entry === 'string') {
    try {
      parsed = JSON.parse(entry);
    } catch {
      throw notAnEntry();
    }
  }
  if (typeof parsed !== 'object' || parsed === null) throw notAnEntry();
  const replay = (parsed as { replay?: HistoryReplay }).replay ?? (parsed as HistoryReplay);
  if (!replay?.execution?.jobName || !replay.execution.runId) throw notAnEntry();
  await store.record(replay.execution);
  return replay.execution;
}
