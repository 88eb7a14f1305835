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

/** What replaying a logged history write did. */
export interface HistoryReplayResult {
  readonly execution: Execution;
  /** Whether it wrote: a replay never moves a run backwards, so one that would is ignored. */
  readonly applied: boolean;
  /** Why it was ignored, when it was. */
  readonly reason?: string;
}

/**
 * Writes a logged outcome to history after the store has recovered: pass the `replay` attribute
 * of the log line (or the whole JSON line). A replay never moves a run backwards, so it is safe
 * in any order and any number of times: an attempt's outcome is written only while history has
 * that attempt running (or not at all), never over an outcome or a later attempt; a `start`
 * needs no replay (its attempt never ran: the message's redelivery runs it); a rejection or a
 * skipped duplicate is written only under a run id that has nothing yet.
 */
export async function replayHistoryWrite(
  entry: string | HistoryReplay | { readonly replay: HistoryReplay },
  store: ExecutionStore,
): Promise<HistoryReplayResult> {
  const replay = parseReplay(entry);
  const { execution } = replay;
  const ignored = (reason: string): HistoryReplayResult => ({ execution, applied: false, reason });
  if (replay.operation === 'start') {
    return ignored(
      `a start that was not written means attempt ${execution.attempt} never ran; the message's redelivery runs it`,
    );
  }
  const attempts = await store.getRun(execution.jobName, execution.runId);
  if (replay.operation === 'record') {
    if (attempts.length > 0) return ignored(`run ${execution.runId} is already in history`);
    await store.record(execution);
    return { execution, applied: true };
  }
  const latest = attempts.at(-1);
  const same = attempts.find((attempt) => attempt.attempt === execution.attempt);
  if (latest && latest.attempt > execution.attempt && same?.status !== 'running') {
    return ignored(
      `attempt ${latest.attempt} came after attempt ${execution.attempt}, whose outcome history has`,
    );
  }
  if (same && same.status !== 'running') {
    return ignored(`attempt ${execution.attempt} already has its outcome: ${same.status}`);
  }
  if (!latest || latest.attempt < execution.attempt) {
    // Its claim is not in history either (lost with it, or expired): the outcome moves the run
    // forward to this attempt.
    await store.record(execution);
    return { execution, applied: true };
  }
  await store.complete(execution);
  return { execution, applied: true };
}

function parseReplay(
  entry: string | HistoryReplay | { readonly replay: HistoryReplay },
): HistoryReplay {
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
  if (!['start', 'complete', 'record'].includes(replay.operation)) throw notAnEntry();
  return replay;
}
