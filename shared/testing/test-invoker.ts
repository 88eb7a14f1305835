import { systemClock } from '../clock/system-clock';
import { enqueuedRunMessageBody } from '../delivery/run-message';
import type { Execution, Trigger } from '../executor/execution';
import { createExecutor, type Executor } from '../executor/executor';
import { JobRegistry } from '../executor/job-registry';
import { newRunId, runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import type { AnyJobDefinition } from '../job/job-definition';
import { type LogEntry, MemoryLogger } from '../logging/memory-logger';
import type { Clock } from '../ports/clock';
import type { EnqueuedRun, Enqueuer } from '../ports/enqueuer';
import { InMemoryExecutionStore } from '../stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../stores/in-memory-job-state-store';

export interface TestInvokerOptions {
  /** The jobs it can run: definitions imported from job files, or what discoverJobs() found. */
  readonly jobs: Iterable<AnyJobDefinition | { readonly definition: AnyJobDefinition }>;
  /**
   * Replacements for jobs' dependencies, by job name: the job receives this object as
   * `ctx.deps`, and its own `deps` factory is not called.
   */
  readonly deps?: Readonly<Record<string, unknown>>;
  /**
   * The clock for recorded times, schedule times and timeouts; pass a ManualClock to drive
   * timeouts without waiting.
   * @default - the system clock
   */
  readonly clock?: Clock;
}

export interface TestRunOptions {
  /** @default 'manual' */
  readonly trigger?: Trigger;
  /** When the tick was due, for `trigger: 'schedule'`. */
  readonly scheduledTime?: Date | string;
  readonly idempotencyKey?: string;
  /** @default 'test' */
  readonly triggeredBy?: string;
  /**
   * Retry failed attempts up to the job's `retries`, as production does; `false` stops after
   * the first attempt.
   * @default true
   */
  readonly retry?: boolean;
  /** Cancels the run; it is recorded as `cancelled`. */
  readonly signal?: AbortSignal;
}

/** Runs jobs in-process through the production executor, with in-memory history. */
export interface TestInvoker {
  /**
   * Runs `jobName` and resolves with its final attempt's execution, once that run, its retries
   * and every run it enqueued (and they enqueued) have finished. Throws UnknownJobError for a
   * job it was not given.
   */
  run(jobName: string, input?: unknown, options?: TestRunOptions): Promise<Execution>;
  /** Executions, oldest first: of one job, or of all jobs. */
  history(jobName?: string): Execution[];
  /** Waits until nothing enqueued is still running. */
  drain(): Promise<void>;
  /** What was enqueued (by jobs calling ctx.enqueue), with delays as requested, oldest first. */
  enqueued(jobName?: string): EnqueuedRun[];
  pause(jobName: string): Promise<void>;
  resume(jobName: string): Promise<void>;
  /** What jobs and the executor logged, oldest first; of one run when `runId` is given. */
  logs(runId?: string): LogEntry[];
  /** The executor it runs jobs through. */
  readonly executor: Executor;
}

/** The runs started by one `run` call, so that it can wait for exactly those. */
interface RunScope {
  readonly pending: Set<Promise<unknown>>;
  readonly runIds: string[];
  readonly failures: unknown[];
}

/**
 * Creates a test invoker. Each invoker has its own stores: invokers never see each other's
 * runs, in one test file or across files running in parallel.
 *
 * Enqueued runs start at once, whatever delay was asked for; `enqueued()` shows the delay.
 *
 * @example
 * const invoker = createTestInvoker({ jobs: [dailyReport, sendEmail], deps: { 'send-email': { mailer } } });
 * const execution = await invoker.run('daily-report');
 * expect(execution.status).toBe('succeeded');
 * expect(invoker.history('send-email')).toHaveLength(3);
 */
export function createTestInvoker(options: TestInvokerOptions): TestInvoker {
  const clock = options.clock ?? systemClock;
  const registry = JobRegistry.from(
    [...options.jobs].map((job) => ('definition' in job ? job.definition : job)),
  );
  const executionStore = new InMemoryExecutionStore();
  const jobStateStore = new InMemoryJobStateStore(() => clock.now());
  const logger = new MemoryLogger();
  const enqueuedRuns: EnqueuedRun[] = [];
  const scopesByRunId = new Map<string, RunScope>();
  const detached: RunScope = { pending: new Set(), runIds: [], failures: [] };
  const allPending = new Set<Promise<unknown>>();

  const enqueuer: Enqueuer = {
    async enqueue(run) {
      registry.require(run.request.jobName);
      // The gate a deployed enqueue passes: a run its queue or history could not take fails
      // the enqueue here too, not only once deployed.
      enqueuedRunMessageBody(run.request);
      enqueuedRuns.push(run);
      const parentRunId = run.request.parent?.runId;
      const scope = (parentRunId && scopesByRunId.get(parentRunId)) || detached;
      start(scope, run.request, true);
    },
  };

  const executor = createExecutor({
    jobs: registry,
    executionStore,
    jobStateStore,
    enqueuer,
    clock,
    logger,
    codeVersion: 'test',
    ...(options.deps ? { depsOverrides: options.deps } : {}),
  });

  async function runAttempts(
    request: RunRequest,
    retry: boolean,
    signal?: AbortSignal,
  ): Promise<Execution> {
    let next = request;
    for (;;) {
      const execution = await executor.execute(next, signal ? { signal } : {});
      if (!retry || !execution.willRetry) return execution;
      // The claim numbers the next attempt from the run's history.
      next = { ...next, runId: execution.runId };
    }
  }

  function start(
    scope: RunScope,
    request: RunRequest,
    retry: boolean,
    signal?: AbortSignal,
  ): Promise<Execution> {
    if (request.runId !== undefined) {
      scopesByRunId.set(request.runId, scope);
      scope.runIds.push(request.runId);
    }
    const running = runAttempts(request, retry, signal);
    const tracked = running.catch((failure: unknown) => {
      scope.failures.push(failure);
    });
    scope.pending.add(tracked);
    allPending.add(tracked);
    void tracked.finally(() => {
      scope.pending.delete(tracked);
      allPending.delete(tracked);
    });
    return running;
  }

  async function settle(pending: Set<Promise<unknown>>): Promise<void> {
    while (pending.size > 0) await Promise.all([...pending]);
  }

  return {
    executor,

    async run(jobName, input, runOptions = {}) {
      registry.require(jobName);
      const scope: RunScope = { pending: new Set(), runIds: [], failures: [] };
      const scheduledTime =
        runOptions.scheduledTime === undefined
          ? undefined
          : new Date(runOptions.scheduledTime).toISOString();
      const trigger = runOptions.trigger ?? 'manual';
      const idempotencyKey =
        runOptions.idempotencyKey ??
        (trigger === 'schedule' && scheduledTime
          ? `schedule:${jobName}@${scheduledTime}`
          : undefined);
      const request: RunRequest = {
        jobName,
        ...(input !== undefined ? { input } : {}),
        trigger,
        runId:
          idempotencyKey === undefined
            ? newRunId(clock.now())
            : runIdForKey(jobName, idempotencyKey),
        ...(scheduledTime ? { scheduledTime } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
        triggeredBy: runOptions.triggeredBy ?? 'test',
      };
      try {
        const execution = await start(scope, request, runOptions.retry ?? true, runOptions.signal);
        await settle(scope.pending);
        if (scope.failures.length > 0) throw scope.failures[0];
        return execution;
      } finally {
        await settle(scope.pending);
        for (const runId of scope.runIds) scopesByRunId.delete(runId);
      }
    },

    history(jobName) {
      return executionStore.list(jobName);
    },

    async drain() {
      await settle(allPending);
      const failure = detached.failures.shift();
      if (failure !== undefined) throw failure;
    },

    enqueued(jobName) {
      return jobName === undefined
        ? [...enqueuedRuns]
        : enqueuedRuns.filter((run) => run.request.jobName === jobName);
    },

    async pause(jobName) {
      registry.require(jobName);
      await jobStateStore.setPaused(jobName, true, 'test');
    },

    async resume(jobName) {
      registry.require(jobName);
      await jobStateStore.setPaused(jobName, false, 'test');
    },

    logs(runId) {
      return runId === undefined
        ? [...logger.entries]
        : logger.entries.filter((entry) => entry.attributes.runId === runId);
    },
  };
}
