import type { JobsError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { Execution } from '../execution';
import { rejectedExecution } from '../execution-records';
import type { RejectableRun } from '../run-state';
import { isUnstorableWrite, refusalOf, strippedRecord } from './record-unstorable';

export interface RecordRejectionOptions {
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
  readonly codeVersion?: string;
}

/**
 * Records a request that can never run as rejected, with the reason, and returns the record.
 * Should history refuse the record as it is, it is recorded again without what it could not
 * store (the input first), the reason kept: a rejection is never left unrecorded for a write
 * that no retry could make.
 */
export async function recordRejection(
  options: RecordRejectionOptions,
  run: RejectableRun,
  reason: JobsError,
): Promise<Execution> {
  const rejected = rejectedExecution(
    run,
    { name: reason.name, message: reason.message },
    options.clock.now(),
    options.codeVersion,
  );
  try {
    await options.executionStore.record(rejected);
    return rejected;
  } catch (error) {
    if (!isUnstorableWrite(error)) throw error;
    const stripped = strippedRecord(rejected, refusalOf(error as Error));
    await options.executionStore.record(stripped);
    return stripped;
  }
}
