import { functionTimeoutSeconds } from '../../delivery/queue-class-settings';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import { abandonedAttempt, nextAttemptAfter } from '../attempt-claim';
import type { Execution } from '../execution';
import { duplicateExecution, runningExecution } from '../execution-records';
import { newRunId } from '../run-id';
import type { ClaimedRun, ValidatedRun } from '../run-state';

export interface ClaimAttemptOptions {
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
  /** Time beyond the worker function's timeout before a silent attempt counts as crashed. */
  readonly leaseGraceMs: number;
  readonly codeVersion?: string;
}

// Each refused claim means another delivery moved the run on meanwhile; past a few, this
// delivery is a duplicate of whichever one is now running it.
const MAX_CLAIM_TRIES = 3;

/**
 * Records the attempt as running, claiming it in one conditional write; whoever runs the claimed
 * attempt records its outcome. Attempts are numbered from the run's history, never from how
 * often a message was received: a delivery claims attempt 1 of a new run, or the attempt after
 * the latest when that one failed and said it would retry, or its worker died. A delivery of a
 * run that needs nothing more is a duplicate: recorded as skipped, and the job body does not run
 * again. A delivery of a run that failed for good returns that outcome, so that the worker
 * dead-letters it again; a delivery of a run whose attempt is in flight elsewhere returns that
 * running attempt.
 */
export async function claimAttempt(
  options: ClaimAttemptOptions,
  run: ValidatedRun,
): Promise<Execution | ClaimedRun> {
  const { job } = run;
  const now = options.clock.now();
  // No worker outlives its function's timeout, so once this lease is over the attempt's
  // worker is gone, and a takeover can never race a worker still recording an outcome.
  const leaseMs = functionTimeoutSeconds(job.timeoutSeconds) * 1000 + options.leaseGraceMs;
  let attempt = run.attempt;
  let latest: Execution | undefined;
  for (let tries = 0; tries < MAX_CLAIM_TRIES; tries++) {
    const running = runningExecution({ ...run, attempt }, now, leaseMs, options.codeVersion);
    const claim = await options.executionStore.start(running);
    if (claim.claimed) return { ...run, attempt, running };
    if (!claim.existing) {
      // No run to continue (it expired from history): this delivery starts it anew.
      attempt = 1;
      continue;
    }
    latest = claim.existing;
    const next = nextAttemptAfter(latest, now, job.retries + 1);
    if (next.kind === 'start') {
      attempt = next.attempt;
      continue;
    }
    if (next.kind === 'spent') {
      if (latest.willRetry !== true) return latest;
      // It promised a retry that a deploy has since taken away (fewer retries): it ended.
      const { retryBy: _retryBy, ...promised } = latest;
      const ended: Execution = { ...promised, willRetry: false };
      await options.executionStore.complete(ended);
      return ended;
    }
    if (next.kind === 'abandoned') {
      const outcome = abandonedAttempt(latest, new Date(now).toISOString());
      await options.executionStore.complete(outcome);
      return outcome;
    }
    // In flight elsewhere: answered as it stands, recorded nowhere, so that this delivery's
    // message is left on the queue until the attempt's lease ends rather than deleted
    // (which would lose the retry the running attempt may yet ask for).
    if (latest.status === 'running') return latest;
    break;
  }
  if (!latest) {
    throw new Error(`Run ${run.runId} of job "${job.name}" could be neither claimed nor read`);
  }
  const duplicate = duplicateExecution(
    { ...run, attempt },
    latest,
    newRunId(now),
    now,
    options.codeVersion,
  );
  await options.executionStore.record(duplicate);
  return duplicate;
}
