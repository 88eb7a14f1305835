import type { Trigger } from '../executor/execution';
import type { Logger } from '../ports/logger';
import type { ScheduleExpression, ScheduleSpec } from '../schedule/schedule-expression';
import type { DeploymentStrategy } from './deployment';
import type { JobResult } from './job-result';
import type { StandardSchemaV1 } from './standard-schema';

// A registry symbol, so definitions made by another copy of this module still count.
export const JOB_DEFINITION = Symbol.for('serverless-jobs.JobDefinition');

/**
 * Queue classes: each job has its own queue, and its class sets how eagerly the worker drains
 * it. `critical` for work people wait on, `batch` for bulk work that may lag.
 */
export const QUEUE_CLASSES = ['critical', 'default', 'batch'] as const;
export type QueueClass = (typeof QUEUE_CLASSES)[number];

export type OverlapPolicy = 'allow' | 'skip';

/** A duration as a number of seconds or as text: `'5 minutes'`, `'90 seconds'`. */
export type Duration = number | string;

/** Default alert rules; who hears about them lives in the alert-config table. */
export interface AlertRules {
  /** @default true */
  readonly onFailure?: boolean;
  /** @default false */
  readonly onSuccess?: boolean;
  /** Alert when a run takes longer than this. @default - no duration alert */
  readonly onDurationOverMs?: number;
  /** Alert when a message lands in the job's dead-letter queue. @default true */
  readonly onDeadLetter?: boolean;
  /** Alert when a tick of the job's schedule started no run. @default true */
  readonly onMissed?: boolean;
}

export interface EnqueueOptions {
  /** Wait this long before the run starts. @default - no delay */
  readonly delay?: Duration;
  /** Run at this time instead (not with `delay`). */
  readonly at?: Date | string;
  /**
   * Enqueues with the same key (per target job) become one run.
   * @default - the n-th enqueue of a job from one run is one run across that run's retries
   */
  readonly idempotencyKey?: string;
}

/** A job to enqueue: its name, or its definition (which types the input). */
export type EnqueueTarget<TInput = unknown> =
  | string
  | {
      readonly name: string | undefined;
      readonly run: (ctx: JobContext<TInput, never>) => unknown;
    };

/** A job a definition declares it enqueues: its name, or its imported definition. */
export type EnqueueDeclaration = string | { readonly name: string | undefined };

/** The input a target job takes: its definition's, or anything for a job named by a string. */
export type EnqueueInputOf<TTarget> = TTarget extends {
  readonly inputSchema?: StandardSchemaV1<unknown, infer TInput> | undefined;
}
  ? TInput
  : unknown;

/** What `run` receives. */
export interface JobContext<
  TInput = unknown,
  TDeps = unknown,
  TEnqueues extends readonly EnqueueDeclaration[] = readonly EnqueueDeclaration[],
> {
  readonly jobName: string;
  readonly runId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** `retries + 1`. */
  readonly maxAttempts: number;
  readonly trigger: Trigger;
  readonly triggeredBy?: string;
  /** When the schedule tick was due (schedule triggers only). */
  readonly scheduledTime?: Date;
  /** The input, after the job's `input` schema parsed it. */
  readonly input: TInput;
  /** Aborts when the run's time is up (or it is cancelled): stop work and return. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** What the job's `deps` factory returned (or the test invoker's replacement). */
  readonly deps: TDeps;
  /**
   * Starts another job without waiting for it (fire-and-forget). Resolves once the request is
   * on the target's queue, with the run id it will have. The target must be one the job
   * declares in `enqueues`, as it declares it (its imported definition, or its name): another
   * is a type error, and at run time a `NonRetriableError`. (TypeScript tells definitions apart
   * by their types: two jobs with the same input and deps types look alike to it.)
   */
  enqueue<TTarget extends TEnqueues[number]>(
    job: TTarget,
    input?: EnqueueInputOf<TTarget>,
    options?: EnqueueOptions,
  ): Promise<{ readonly runId: string }>;
}

// biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` count as success
export type JobRunResult = JobResult | void;

export type InputOf<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : unknown;

/** The options a job file passes to `defineJob`. */
export interface JobOptions<
  TSchema extends StandardSchemaV1 | undefined,
  TDeps,
  TEnqueues extends readonly EnqueueDeclaration[] = readonly [],
> {
  /**
   * Unique, lower-case kebab (`[a-z0-9-]`, at most 48 characters).
   * @default - the file name without `.job.ts`
   */
  readonly name?: string;
  /** @default - the name */
  readonly displayName?: string;
  readonly description?: string;
  /** @default - on-demand only: runs when triggered or enqueued */
  readonly schedule?: ScheduleSpec;
  /** @default 'default' */
  readonly queue?: QueueClass;
  /** Attempts after the first, 0-10. @default 3 */
  readonly retries?: number;
  /** Per attempt, 1 second to 15 minutes. @default 60 (seconds) */
  readonly timeout?: Duration;
  /** Lambda memory, 128-10240 MB. @default 256 */
  readonly memoryMb?: number;
  /** `'skip'`: a run that starts while another of this job runs is recorded as skipped. @default 'allow' */
  readonly overlap?: OverlapPolicy;
  /**
   * `true`: the job starts paused the first time it is deployed or started (`npm run dev`), so
   * its schedule and enqueued runs are skipped until someone resumes it. It never overrides a
   * pause or resume made since: the job-state table keeps those.
   * @default false
   */
  readonly paused?: boolean;
  /** A zod (or other Standard Schema) schema; input that fails it is rejected before `run`. */
  readonly input?: TSchema;
  /**
   * How a deploy moves the job's runs to its new code: `'canary10Percent5Minutes'` and the other
   * predefined Lambda configurations (see `DEPLOYMENT_STRATEGIES`). The job's worker is then
   * published as a version behind the `live` alias, which its queue invokes, and CodeDeploy
   * shifts the alias, rolling back when the job's alarms fire.
   * @default - the app's default (`ServerlessJobs`' `deployment`), or none: the new code takes
   * every run at once, with no version, alias or deployment group
   */
  readonly deployment?: DeploymentStrategy;
  /** @default { onFailure: true, onDeadLetter: true, onMissed: true } */
  readonly alerts?: AlertRules;
  /**
   * The jobs this one may enqueue, by name or by their imported definitions. Deployed, the job's
   * role may send only to these jobs' queues; an `enqueue` of any other job fails, in tests too.
   * @default - none
   */
  readonly enqueues?: TEnqueues;
  /** Builds the job's dependencies, once per container. */
  readonly deps?: () => TDeps | Promise<TDeps>;
  /** The job body. Return a `JobResult` (nothing counts as success) or throw. */
  readonly run: (
    ctx: JobContext<InputOf<TSchema>, TDeps, TEnqueues>,
  ) => Promise<JobRunResult> | JobRunResult;
}

/** A checked job, with every default applied. */
export interface JobDefinition<TInput = unknown, TDeps = unknown> {
  readonly [JOB_DEFINITION]: true;
  /** Undefined only when the name could not be read from the file name (see `defineJob`). */
  readonly name: string | undefined;
  readonly displayName: string | undefined;
  readonly description?: string | undefined;
  readonly schedule?: ScheduleExpression | undefined;
  readonly queue: QueueClass;
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly overlap: OverlapPolicy;
  /** Whether the job starts paused (see `JobOptions.paused`). */
  readonly paused: boolean;
  /** How a deploy moves its runs to new code; undefined: the app's default. */
  readonly deployment?: DeploymentStrategy | undefined;
  readonly inputSchema?: StandardSchemaV1<unknown, TInput> | undefined;
  readonly alerts: Required<Omit<AlertRules, 'onDurationOverMs'>> &
    Pick<AlertRules, 'onDurationOverMs'>;
  /** Names of the jobs this one may enqueue. */
  readonly enqueues: readonly string[];
  readonly deps?: (() => TDeps | Promise<TDeps>) | undefined;
  readonly run: (ctx: JobContext<TInput, TDeps>) => Promise<JobRunResult> | JobRunResult;
}

/** A job definition whose name is known: what the executor and the test invoker run. */
export type NamedJobDefinition<TInput = unknown, TDeps = unknown> = JobDefinition<TInput, TDeps> & {
  readonly name: string;
  readonly displayName: string;
};

// biome-ignore lint/suspicious/noExplicitAny: a registry holds jobs of every input and deps type
export type AnyJobDefinition = JobDefinition<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyNamedJobDefinition = NamedJobDefinition<any, any>;

export function isJobDefinition(value: unknown): value is AnyJobDefinition {
  return typeof value === 'object' && value !== null && JOB_DEFINITION in value;
}
