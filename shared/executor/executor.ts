import { systemClock } from '../clock/system-clock';
import type { JobsError } from '../errors';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../job/job-definition';
import { silentLogger } from '../logging/silent-logger';
import type { Clock } from '../ports/clock';
import type { Enqueuer } from '../ports/enqueuer';
import type { ExecutionStore } from '../ports/execution-store';
import type { JobStateStore } from '../ports/job-state-store';
import type { Logger } from '../ports/logger';
import type { RunCancellations } from '../ports/run-cancellations';
import type { Execution } from './execution';
import { withHistoryWriteErrors } from './history-writes';
import { JobRegistry } from './job-registry';
import { LingeringBodies } from './lingering-bodies';
import { newRunId, runIdForKey } from './run-id';
import { createRunJobBody } from './run-job-body';
import type { RunRequest } from './run-request';
import { type ClaimedRun, type ExecuteOptions, isExecution, type RunState } from './run-state';
import { tickIdempotencyKey } from './schedule-tick';
import { claimAttempt } from './steps/claim-attempt';
import { preventOverlap, releaseOverlapLock } from './steps/prevent-overlap';
import { recordRejection } from './steps/record-rejection';
import { recordingUnstorableWrites } from './steps/record-unstorable';
import { resolveJob } from './steps/resolve-job';
import { skipWhenPaused } from './steps/skip-when-paused';
import { validateInput } from './steps/validate-input';
import { waitForEarlierBody } from './steps/wait-for-earlier-body';

export interface ExecutorDependencies {
  readonly jobs: JobRegistry | Iterable<AnyJobDefinition>;
  readonly executionStore: ExecutionStore;
  readonly jobStateStore: JobStateStore;
  readonly enqueuer: Enqueuer;
  /** @default - the system clock */
  readonly clock?: Clock;
  /** @default - a logger that drops everything */
  readonly logger?: Logger;
  /** Recorded on every execution: the Lambda function version, `local`, `test`. */
  readonly codeVersion?: string;
  /** Replacements for jobs' `deps`, by job name; the job's own factory is then not called. */
  readonly depsOverrides?: Readonly<Record<string, unknown>>;
  /**
   * Time kept back before a hard deadline (Lambda's) to record the outcome.
   * @default 2000
   */
  readonly recordingReserveMs?: number;
  /** Where a running body's cancel request is read. @default - runs cannot be cancelled */
  readonly cancellations?: Pick<RunCancellations, 'cancelRequestOf'>;
  /** How often a running body's cancel request is looked for. @default 2000 */
  readonly cancelPollMs?: number;
}

/** Runs jobs: the one code path every trigger ends in. */
export interface Executor {
  readonly jobs: JobRegistry;
  /**
   * Runs one attempt of `request` and resolves with its execution as recorded: the outcome of
   * the body, or a `skipped`/`rejected` record when the body did not run. Rejects only when
   * history cannot be written (with a `HistoryWriteError` that carries the outcome), so that
   * the caller can log it and leave the message for redelivery.
   */
  execute(request: RunRequest, options?: ExecuteOptions): Promise<Execution>;
  /**
   * Records `request` as rejected for `reason` without trying to run it: for a message that
   * could not even be read as a request.
   */
  reject(request: RunRequest, reason: JobsError): Promise<Execution>;
  /**
   * How many job bodies still run here after their attempt ended (they ignored their signal).
   * A Lambda sandbox that holds one is recycled, so that it cannot resume in a later invocation.
   */
  readonly lingeringBodies: number;
}

/**
 * Builds the executor. Its steps, in order: resolve the job, validate the input, wait for an
 * earlier attempt's body of the run still running here, claim the attempt, skip when paused,
 * prevent overlap, then run the job body and record its outcome. A step that ends the delivery
 * (a rejection, a duplicate, a skip) records what it decided and returns that execution.
 */
export function createExecutor(dependencies: ExecutorDependencies): Executor {
  const jobs =
    dependencies.jobs instanceof JobRegistry
      ? dependencies.jobs
      : JobRegistry.from(dependencies.jobs);
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger ?? silentLogger;
  const recordingReserveMs = dependencies.recordingReserveMs ?? 2000;
  const { jobStateStore, codeVersion } = dependencies;
  const executionStore = withHistoryWriteErrors(dependencies.executionStore);
  const shared = { executionStore, clock, ...(codeVersion !== undefined ? { codeVersion } : {}) };
  const lingering = new LingeringBodies();
  const resolving = { jobs, ...shared };
  const waiting = { lingering, clock, recordingReserveMs };
  const claiming = { ...shared, leaseGraceMs: recordingReserveMs };
  const jobState = { jobStateStore, executionStore, clock };

  const runJobBody = createRunJobBody({
    clock,
    logger,
    enqueuer: dependencies.enqueuer,
    depsFor: createDepsCache(dependencies.depsOverrides ?? {}),
    recordingReserveMs,
    lingering,
    ...(dependencies.cancellations ? { cancellations: dependencies.cancellations } : {}),
    ...(dependencies.cancelPollMs !== undefined ? { cancelPollMs: dependencies.cancelPollMs } : {}),
  });

  const runClaimed = async (claimed: ClaimedRun): Promise<Execution> => {
    try {
      const unpaused = await skipWhenPaused(jobState, claimed);
      if (isExecution(unpaused)) return unpaused;
      const unopposed = await preventOverlap(jobState, unpaused);
      if (isExecution(unopposed)) return unopposed;
      const outcome = await runJobBody(unopposed);
      await releaseOverlapLock(jobState, unopposed);
      await executionStore.complete(outcome);
      return outcome;
    } catch (error) {
      // Also when the lock was never taken, or already released before recording the outcome
      // failed: the store releases only a lock this run holds.
      await releaseOverlapLock(jobState, claimed);
      throw error;
    }
  };

  const runSteps = async (run: RunState): Promise<Execution> => {
    const resolved = await resolveJob(resolving, run);
    if (isExecution(resolved)) return resolved;
    const validated = await validateInput(shared, resolved);
    if (isExecution(validated)) return validated;
    await waitForEarlierBody(waiting, validated);
    const claimed = await claimAttempt(claiming, validated);
    if (isExecution(claimed)) return claimed;
    return runClaimed(claimed);
  };

  const stateOf = (request: RunRequest, options: ExecuteOptions): RunState => {
    const idempotencyKey = idempotencyKeyOf(request);
    return {
      request,
      options,
      runId:
        request.runId ??
        (idempotencyKey === undefined
          ? newRunId(clock.now())
          : runIdForKey(request.jobName, idempotencyKey)),
      attempt: 1,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    };
  };

  return {
    jobs,
    get lingeringBodies() {
      return lingering.count;
    },
    async execute(request, options = {}) {
      const run = stateOf(request, options);
      return recordingUnstorableWrites(shared, () => runSteps(run));
    },
    reject(request, reason) {
      const run = stateOf(request, {});
      const job = jobs.get(request.jobName);
      return recordRejection(shared, job ? { ...run, job } : run, reason);
    },
  };
}

/** Schedule ticks are one run per job and scheduled time, however often they are delivered. */
function idempotencyKeyOf(request: RunRequest): string | undefined {
  if (request.idempotencyKey !== undefined) return request.idempotencyKey;
  if (request.trigger === 'schedule' && request.scheduledTime !== undefined) {
    return tickIdempotencyKey(request.jobName, request.scheduledTime);
  }
  return undefined;
}

/** Each job's dependencies, built once per executor (per container); a failed build is retried. */
function createDepsCache(overrides: Readonly<Record<string, unknown>>) {
  const built = new Map<string, Promise<unknown>>();
  return (job: AnyNamedJobDefinition): Promise<unknown> => {
    if (Object.hasOwn(overrides, job.name)) return Promise.resolve(overrides[job.name]);
    if (!job.deps) return Promise.resolve(undefined);
    let deps = built.get(job.name);
    if (!deps) {
      const factory = job.deps;
      deps = Promise.resolve().then(() => factory());
      built.set(job.name, deps);
      deps.catch(() => built.delete(job.name));
    }
    return deps;
  };
}
