import { EnqueueError, JobTimeoutError, NonRetriableError, RunCancelledError } from '../errors';
import { parseDurationSeconds } from '../job/duration';
import type { AnyNamedJobDefinition, EnqueueOptions, JobContext } from '../job/job-definition';
import { JobResult } from '../job/job-result';
import { scopedLogger } from '../logging/scoped-logger';
import type { Clock } from '../ports/clock';
import type { Enqueuer } from '../ports/enqueuer';
import type { Logger } from '../ports/logger';
import type { RunCancellations } from '../ports/run-cancellations';
import type { Execution } from './execution';
import { finishedExecution, type Outcome } from './execution-records';
import type { LingeringBodies } from './lingering-bodies';
import { runIdForKey } from './run-id';
import type { ClaimedRun } from './run-state';
import { serializeError } from './serialize-error';

export interface RunJobBodyOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly enqueuer: Enqueuer;
  /** Builds (once) and returns a job's dependencies. */
  readonly depsFor: (job: AnyNamedJobDefinition) => Promise<unknown>;
  /** Time kept back before a hard deadline (Lambda's) to record the outcome. */
  readonly recordingReserveMs: number;
  /** Where a body that outlives its attempt is kept track of. */
  readonly lingering: LingeringBodies;
  /** Where cancel requests are read while a body runs. @default - runs cannot be cancelled */
  readonly cancellations?: Pick<RunCancellations, 'cancelRequestOf'>;
  /** How often a running body's cancel request is looked for. @default 2000 */
  readonly cancelPollMs?: number;
}

/**
 * The executor's last step: runs the job body with its context, stops waiting when the signal
 * fires (timeout or cancellation), and turns whatever happened into the attempt's outcome.
 */
export function createRunJobBody(options: RunJobBodyOptions) {
  return async (state: ClaimedRun): Promise<Execution> => {
    const { job, running } = state;
    const { clock } = options;
    const startedAt = Date.parse(running.startedAt);
    const timeoutMs = job.timeoutSeconds * 1000;
    const hardStop =
      state.options.deadline === undefined
        ? Number.POSITIVE_INFINITY
        : state.options.deadline - options.recordingReserveMs;
    const stopAt = Math.min(startedAt + timeoutMs, hardStop);

    const controller = new AbortController();
    const timer = clock.setTimeout(
      () => controller.abort(new JobTimeoutError(job.name, stopAt - startedAt)),
      stopAt - clock.now(),
    );
    const external = state.options.signal;
    const cancel = () =>
      controller.abort(new RunCancelledError('The run was cancelled before it finished'));
    if (external?.aborted) cancel();
    else external?.addEventListener('abort', cancel, { once: true });
    const watch = watchForCancelRequest(state, controller, options);

    let outcome: Outcome;
    let body: Promise<unknown> | undefined;
    let bodySettled = false;
    try {
      // A retry of a run cancelled while it waited ends before its body starts.
      if (running.attempt > 1) await watch.checkNow(true);
      if (controller.signal.aborted) throw controller.signal.reason;
      const deps = await options.depsFor(job);
      const context = buildContext(state, deps, controller.signal, options);
      body = Promise.resolve()
        .then(() => job.run(context))
        .finally(() => {
          bodySettled = true;
        });
      const started = body;
      const returned = await untilAborted(() => started, controller.signal);
      outcome = outcomeOfReturn(returned, context.logger);
    } catch (thrown) {
      outcome = outcomeOfThrow(thrown, controller.signal);
    } finally {
      timer.cancel();
      watch.stop();
      external?.removeEventListener('abort', cancel);
    }
    if (body && !bodySettled) {
      // It ignored its signal: the attempt has ended, but the body runs on.
      options.lingering.track(running.jobName, running.runId, body);
      options.logger.warn(
        "The job's body ignored its stop signal and still runs after its attempt ended: check ctx.signal in long work",
        { jobName: running.jobName, runId: running.runId, attempt: running.attempt },
      );
    }
    const finished = finishedExecution(running, outcome, clock.now());
    logOutcome(options.logger, finished);
    return finished;
  };
}

/**
 * Looks for the run's cancel request every `cancelPollMs` while its body runs, and aborts the
 * body's signal with who cancelled it. A read that fails is logged and tried again next time:
 * a cancel must never fail a run.
 */
function watchForCancelRequest(
  state: ClaimedRun,
  controller: AbortController,
  options: RunJobBodyOptions,
): { checkNow(consistent?: boolean): Promise<void>; stop(): void } {
  const { cancellations, clock, logger } = options;
  if (!cancellations) return { checkNow: async () => {}, stop: () => {} };
  const { jobName, runId, attempt } = state.running;
  const pollMs = options.cancelPollMs ?? 2000;
  let timer: { cancel(): void } | undefined;
  let stopped = false;
  const checkNow = async (consistent = false) => {
    try {
      const request = await cancellations.cancelRequestOf(jobName, runId, { consistent });
      if (request && !controller.signal.aborted) {
        controller.abort(
          new RunCancelledError(`The run was cancelled by ${request.by}`, request.by),
        );
      }
    } catch (error) {
      logger.warn('Could not read whether the run was cancelled; trying again', {
        jobName,
        runId,
        attempt,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const schedule = () => {
    timer = clock.setTimeout(async () => {
      await checkNow(false);
      if (!stopped && !controller.signal.aborted) schedule();
    }, pollMs);
  };
  schedule();
  return {
    checkNow,
    stop: () => {
      stopped = true;
      timer?.cancel();
    },
  };
}

function buildContext(
  state: ClaimedRun,
  deps: unknown,
  signal: AbortSignal,
  options: RunJobBodyOptions,
): JobContext<unknown, unknown> {
  const { job, running } = state;
  const enqueueCounts = new Map<string, number>();
  return {
    jobName: job.name,
    runId: running.runId,
    attempt: running.attempt,
    maxAttempts: running.maxAttempts,
    trigger: running.trigger,
    ...(running.triggeredBy !== undefined ? { triggeredBy: running.triggeredBy } : {}),
    ...(running.scheduledTime !== undefined
      ? { scheduledTime: new Date(running.scheduledTime) }
      : {}),
    input: state.input,
    signal,
    logger: scopedLogger(options.logger, {
      jobName: job.name,
      runId: running.runId,
      attempt: running.attempt,
    }),
    deps,
    enqueue: async (target, input, enqueueOptions = {}) => {
      const targetName = targetJobName(target);
      if (!job.enqueues.includes(targetName)) {
        // No retry can fix the code: deployed, its role may not send to that queue at all.
        throw new NonRetriableError(
          `Job "${job.name}" enqueues "${targetName}" without declaring it: add it to the job's enqueues option (enqueues: ['${targetName}'], or the imported definition), so that its role may send to that job's queue`,
        );
      }
      // The n-th enqueue of a job from this run keeps one run id across this run's retries,
      // so a retried parent does not start its children twice.
      const sequence = (enqueueCounts.get(targetName) ?? 0) + 1;
      enqueueCounts.set(targetName, sequence);
      const idempotencyKey =
        enqueueOptions.idempotencyKey ?? `enqueue:${running.runId}:${targetName}:${sequence}`;
      const runId = runIdForKey(targetName, idempotencyKey);
      await options.enqueuer.enqueue({
        request: {
          jobName: targetName,
          ...(input !== undefined ? { input } : {}),
          trigger: 'enqueue',
          runId,
          idempotencyKey,
          triggeredBy: `job:${job.name}`,
          parent: { jobName: job.name, runId: running.runId },
        },
        ...enqueueTiming(enqueueOptions, options.clock.now()),
      });
      return { runId };
    },
  };
}

function targetJobName(target: string | { readonly name: string | undefined }): string {
  const name = typeof target === 'string' ? target : target?.name;
  if (typeof name !== 'string' || name === '') {
    throw new EnqueueError(
      'enqueue needs the target job: its name, or its definition imported from its job file',
    );
  }
  return name;
}

function enqueueTiming(options: EnqueueOptions, now: number): { delaySeconds?: number; at?: Date } {
  if (options.delay !== undefined && options.at !== undefined) {
    throw new EnqueueError('enqueue takes either delay or at, not both');
  }
  if (options.delay !== undefined) {
    const seconds = parseDurationSeconds(options.delay);
    if (seconds === undefined || seconds < 0) {
      throw new EnqueueError(
        `enqueue delay must be a number of seconds of at least 0 or text such as '10 minutes', got ${JSON.stringify(options.delay)}`,
      );
    }
    return { delaySeconds: Math.ceil(seconds) };
  }
  if (options.at !== undefined) {
    const at = new Date(options.at);
    if (Number.isNaN(at.getTime())) {
      throw new EnqueueError(
        `enqueue at must be a Date or an ISO date-time with an offset, got ${JSON.stringify(options.at)}`,
      );
    }
    return at.getTime() > now ? { at } : {};
  }
  return {};
}

/** Waits for `work`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: () => T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = <A>(callback: (value: A) => void) => {
      return (value: A) => {
        signal.removeEventListener('abort', onAbort);
        callback(value);
      };
    };
    try {
      Promise.resolve(work()).then(settle(resolve), settle(reject));
    } catch (thrown) {
      settle(reject)(thrown);
    }
  });
}

function outcomeOfReturn(returned: unknown, logger: Logger): Outcome {
  if (JobResult.isJobResult(returned)) {
    if (returned.succeeded) {
      return {
        status: 'succeeded',
        ...(returned.message !== undefined ? { message: returned.message } : {}),
        metadata: returned.metadata,
        retryable: false,
      };
    }
    const message = returned.message ?? 'The job reported a failure';
    return {
      status: 'failed',
      message,
      metadata: returned.metadata,
      error:
        returned.error === undefined
          ? { name: 'JobFailure', message }
          : serializeError(returned.error),
      retryable: true,
    };
  }
  if (returned !== undefined) {
    logger.warn('run() returned a value that is not a JobResult; counted as success', {
      returnedType: typeof returned,
    });
  }
  return { status: 'succeeded', retryable: false };
}

function outcomeOfThrow(thrown: unknown, signal: AbortSignal): Outcome {
  if (signal.aborted && thrown === signal.reason) {
    const error = serializeError(thrown);
    if (thrown instanceof JobTimeoutError) {
      return { status: 'timed_out', message: error.message, error, retryable: true };
    }
    // Someone cancelled it: not retried. A shutdown's run is.
    const cancelledBy = thrown instanceof RunCancelledError ? thrown.cancelledBy : undefined;
    return cancelledBy === undefined
      ? { status: 'cancelled', message: error.message, error, retryable: true }
      : { status: 'cancelled', message: error.message, error, cancelledBy, retryable: false };
  }
  const error = serializeError(thrown);
  return {
    status: 'failed',
    message: error.message,
    error,
    // By name, so a NonRetriableError from another copy of this module counts too.
    retryable: error.name !== 'NonRetriableError',
  };
}

function logOutcome(logger: Logger, execution: Execution): void {
  const attributes = {
    jobName: execution.jobName,
    runId: execution.runId,
    attempt: execution.attempt,
    status: execution.status,
    durationMs: execution.durationMs,
    willRetry: execution.willRetry,
    ...(execution.error ? { error: execution.error } : {}),
  };
  if (execution.status === 'succeeded') logger.info('Run finished', attributes);
  else logger.warn('Run did not succeed', attributes);
}
