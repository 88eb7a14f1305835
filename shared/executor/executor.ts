import middy from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { systemClock } from '../clock/system-clock';
import type { JobsError } from '../errors';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../job/job-definition';
import { silentLogger } from '../logging/silent-logger';
import type { Clock } from '../ports/clock';
import type { Enqueuer } from '../ports/enqueuer';
import type { ExecutionStore } from '../ports/execution-store';
import type { JobStateStore } from '../ports/job-state-store';
import type { Logger } from '../ports/logger';
import type { Execution } from './execution';
import { withHistoryWriteErrors } from './history-writes';
import { JobRegistry } from './job-registry';
import { LingeringBodies } from './lingering-bodies';
import { claimAttempt } from './middleware/claim-attempt';
import { preventOverlap } from './middleware/prevent-overlap';
import { recordRejection } from './middleware/record-rejection';
import { resolveJob } from './middleware/resolve-job';
import { skipWhenPaused } from './middleware/skip-when-paused';
import { validateInput } from './middleware/validate-input';
import { waitForEarlierBody } from './middleware/wait-for-earlier-body';
import { newRunId, runIdForKey } from './run-id';
import { createRunJobBody } from './run-job-body';
import type { RunRequest } from './run-request';
import type { ExecuteOptions, RunState } from './run-state';

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

// Middy wants a Lambda context; the executor's steps take everything from the run state.
const NO_LAMBDA_CONTEXT = {} as LambdaContext;

/**
 * Builds the executor: a middy chain of resolve job, validate input, wait for an earlier
 * attempt's body of the run still running here, claim the attempt (which also records the
 * outcome), skip when paused, prevent overlap, then the job body.
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
  const runJobBody = createRunJobBody({
    clock,
    logger,
    enqueuer: dependencies.enqueuer,
    depsFor: createDepsCache(dependencies.depsOverrides ?? {}),
    recordingReserveMs,
    lingering,
  });

  const chain = middy<RunState, Execution>({ timeoutEarlyInMillis: 0 })
    .use(resolveJob({ jobs, ...shared }))
    .use(validateInput(shared))
    .use(waitForEarlierBody({ lingering, clock, recordingReserveMs }))
    .use(claimAttempt({ ...shared, leaseGraceMs: recordingReserveMs }))
    .use(skipWhenPaused({ jobStateStore, executionStore, clock }))
    .use(preventOverlap({ jobStateStore, executionStore, clock }))
    .handler((state) => runJobBody(state));

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
    execute(request, options = {}) {
      return chain(stateOf(request, options), NO_LAMBDA_CONTEXT);
    },
    reject(request, reason) {
      const state = stateOf(request, {});
      const job = jobs.get(request.jobName);
      if (job) state.job = job;
      return recordRejection(shared, state, reason);
    },
  };
}

/** Schedule ticks are one run per job and scheduled time, however often they are delivered. */
function idempotencyKeyOf(request: RunRequest): string | undefined {
  if (request.idempotencyKey !== undefined) return request.idempotencyKey;
  if (request.trigger === 'schedule' && request.scheduledTime !== undefined) {
    return `schedule:${request.jobName}@${request.scheduledTime}`;
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
