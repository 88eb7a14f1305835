import { systemClock } from '../clock/system-clock';
import { enqueuedRunMessageBody } from '../delivery/run-message';
import { JobDefinitionError } from '../errors';
import type { Execution, Trigger } from '../executor/execution';
import { createExecutor, type Executor } from '../executor/executor';
import { JobRegistry } from '../executor/job-registry';
import { newRunId, runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import { tickIdempotencyKey } from '../executor/schedule-tick';
import type { AnyJobDefinition, EnqueueInputOf } from '../job/job-definition';
import { type LogEntry, MemoryLogger } from '../logging/memory-logger';
import type { Clock } from '../ports/clock';
import type { EnqueuedRun, Enqueuer } from '../ports/enqueuer';
import { InMemoryExecutionStore } from '../stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../stores/in-memory-job-state-store';
import { UnknownEnqueueTargetError } from './test-invoker-errors';

/** What `jobs` holds: definitions imported from job files, or what discoverJobs() found. */
export type TestJob = AnyJobDefinition | { readonly definition: AnyJobDefinition };

/** The definition behind a `jobs` entry. */
export type TestJobDefinition<TJob> = TJob extends { readonly definition: infer TDefinition }
  ? TDefinition
  : TJob;

/** A job's name when its type spells it out (`'send-email'`), `never` when it is only `string`. */
type LiteralNameOf<TDefinition> = TDefinition extends { readonly name: infer TName }
  ? string extends TName
    ? never
    : Extract<TName, string>
  : never;

/** Whether some definition's name is only `string` (names come from files, or were widened). */
type HasLooseName<TDefinition> = true extends (
  TDefinition extends { readonly name: infer TName }
    ? string extends TName
      ? true
      : false
    : true
)
  ? true
  : false;

/** What a job's `deps` factory returns, awaited. */
export type TestDepsOf<TDefinition> = TDefinition extends {
  readonly deps?: (() => infer TDeps) | undefined;
}
  ? Awaited<TDeps>
  : unknown;

/** The input `run` takes for a job: its schema's type, or anything for a job without one. */
export type TestInputOf<TDefinition> = EnqueueInputOf<TDefinition>;

/**
 * The names `run` and `history` take: the given jobs' names when their types spell them out,
 * any string otherwise.
 */
export type TestJobName<TJob = TestJob> =
  HasLooseName<TestJobDefinition<TJob>> extends true
    ? string
    : LiteralNameOf<TestJobDefinition<TJob>>;

/**
 * Replacements for the given jobs' dependencies, by job name. A job whose type spells out its
 * name gets its own `deps` type; any other name takes what one of the given jobs' `deps`
 * factories returns.
 */
export type TestDeps<TJob = TestJob> = {
  readonly [TDefinition in TestJobDefinition<TJob> as LiteralNameOf<TDefinition>]?: TestDepsOf<TDefinition>;
} & (HasLooseName<TestJobDefinition<TJob>> extends true
  ? { readonly [jobName: string]: TestDepsOf<TestJobDefinition<TJob>> }
  : unknown);

/** The input of the given job named `TName`, or `unknown` when no job's type spells that name. */
type TestInputForName<TJob, TName extends string> = [
  Extract<TestJobDefinition<TJob>, { readonly name: TName }>,
] extends [never]
  ? unknown
  : TestInputOf<Extract<TestJobDefinition<TJob>, { readonly name: TName }>>;

/** An attempt's execution, with the input typed as the job's. */
export type TestExecution<TInput = unknown> = Execution & { readonly input?: TInput };

export interface TestInvokerOptions<TJob extends TestJob = TestJob> {
  /**
   * The jobs it can run: definitions imported from job files, or what discoverJobs() found.
   * Every job that one of them `enqueues` must be among them.
   */
  readonly jobs: Iterable<TJob>;
  /**
   * Replacements for jobs' dependencies, by job name: the job receives this object as
   * `ctx.deps` (whole: it is not merged with what the factory builds), and its own `deps`
   * factory is not called. Each must have the type the job's `deps` factory returns.
   */
  readonly deps?: TestDeps<TJob>;
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
export interface TestInvoker<TJob extends TestJob = TestJob> {
  /**
   * Runs `job` and resolves with its final attempt's execution, once that run, its retries and
   * every run it enqueued (and they enqueued) have finished. The input must have the type of
   * the job's `input` schema. Throws UnknownJobError for a job it was not given.
   */
  run<TDefinition extends TestJobDefinition<TJob>>(
    job: TDefinition,
    input?: TestInputOf<TDefinition>,
    options?: TestRunOptions,
  ): Promise<TestExecution<TestInputOf<TDefinition>>>;
  /**
   * Runs the job named `jobName`, as above. Its input is checked against the job's schema when
   * the job's type spells out its name, and at run time in any case.
   */
  run<TName extends TestJobName<TJob>>(
    jobName: TName,
    input?: TestInputForName<TJob, TName>,
    options?: TestRunOptions,
  ): Promise<TestExecution<TestInputForName<TJob, TName>>>;
  /** Executions, oldest first: of one job, or of all jobs. */
  history(jobName?: TestJobName<TJob>): Execution[];
  /** Waits until nothing enqueued is still running. */
  drain(): Promise<void>;
  /** What was enqueued (by jobs calling ctx.enqueue), with delays as requested, oldest first. */
  enqueued(jobName?: TestJobName<TJob>): EnqueuedRun[];
  pause(jobName: TestJobName<TJob>): Promise<void>;
  resume(jobName: TestJobName<TJob>): Promise<void>;
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
 * Throws UnknownEnqueueTargetError when a job `enqueues` one that is not among `jobs`.
 *
 * @example
 * const invoker = createTestInvoker({ jobs: [dailyReport, sendEmail], deps: { 'send-email': { mailer } } });
 * const execution = await invoker.run(dailyReport, { day: '2026-11-22' });
 * expect(execution.status).toBe('succeeded');
 * expect(invoker.history('send-email')).toHaveLength(3);
 */
export function createTestInvoker<TJob extends TestJob>(
  options: TestInvokerOptions<TJob>,
): TestInvoker<TJob> {
  const clock = options.clock ?? systemClock;
  const registry = JobRegistry.from(
    [...options.jobs].map((job: TestJob) => ('definition' in job ? job.definition : job)),
  );
  requireEnqueueTargets(registry);
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
    ...(options.deps ? { depsOverrides: options.deps as Readonly<Record<string, unknown>> } : {}),
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

  async function run(
    job: string | AnyJobDefinition,
    input?: unknown,
    runOptions: TestRunOptions = {},
  ): Promise<Execution> {
    const jobName = typeof job === 'string' ? job : nameOf(job);
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
        ? tickIdempotencyKey(jobName, scheduledTime)
        : undefined);
    const request: RunRequest = {
      jobName,
      ...(input !== undefined ? { input } : {}),
      trigger,
      runId:
        idempotencyKey === undefined ? newRunId(clock.now()) : runIdForKey(jobName, idempotencyKey),
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
  }

  return {
    executor,

    // The overloads' types are the callers' view; at run time both are this one function.
    run: run as TestInvoker<TJob>['run'],

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

/** The name a definition passed to `run` goes by; a definition without one cannot be run. */
function nameOf(job: AnyJobDefinition): string {
  if (job.name === undefined) {
    throw new JobDefinitionError(undefined, [
      {
        field: 'name',
        message:
          'the job has no name and none could be read from its file name; set name, or load it with discoverJobs()',
      },
    ]);
  }
  return job.name;
}

/**
 * Fails fast, when the invoker is created, for a job that enqueues one it was not given: that
 * job's runs would otherwise fail only when they reach the enqueue.
 */
function requireEnqueueTargets(registry: JobRegistry): void {
  const names = registry.names();
  const missing = registry
    .all()
    .flatMap((job) =>
      job.enqueues
        .filter((target) => registry.get(target) === undefined)
        .map((target) => ({ jobName: job.name, target })),
    );
  if (missing.length > 0) throw new UnknownEnqueueTargetError(missing, names);
}
