import { RunBusyError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { LingeringBodies } from '../lingering-bodies';
import type { ResolvedRun } from '../run-state';

export interface WaitForEarlierBodyOptions {
  readonly lingering: LingeringBodies;
  readonly clock: Clock;
  /** Kept back before a hard deadline (Lambda's), for the rest of the attempt. */
  readonly recordingReserveMs: number;
}

/**
 * Waits until no earlier attempt's body of the run still runs in this process (one that ignored
 * its signal), so that two bodies of one run never run at once: for as long as the job's timeout,
 * or until shortly before a hard deadline, and then gives up with RunBusyError, which leaves the
 * delivery for later.
 */
export async function waitForEarlierBody(
  options: WaitForEarlierBodyOptions,
  run: ResolvedRun,
): Promise<void> {
  const { job } = run;
  if (options.lingering.count === 0) return;
  const deadline = run.options.deadline;
  const waitMs = Math.min(
    job.timeoutSeconds * 1000,
    deadline === undefined
      ? Number.POSITIVE_INFINITY
      : deadline - options.recordingReserveMs - options.clock.now(),
  );
  if (await options.lingering.settled(job.name, run.runId, waitMs)) return;
  throw new RunBusyError(
    `An earlier attempt's body of run ${run.runId} of job "${job.name}" still runs here (it ignored its stop signal); this delivery waits for a later one`,
  );
}
