import type { JobsError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { Execution } from '../execution';
import { rejectedExecution } from '../execution-records';
import type { RunState } from '../run-state';

export interface RecordRejectionOptions {
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
  readonly codeVersion?: string;
}

/** Records a request that can never run as rejected, with the reason, and returns the record. */
export async function recordRejection(
  options: RecordRejectionOptions,
  state: RunState,
  reason: JobsError,
): Promise<Execution> {
  const rejected = rejectedExecution(
    state,
    { name: reason.name, message: reason.message },
    options.clock.now(),
    options.codeVersion,
  );
  await options.executionStore.record(rejected);
  return rejected;
}
