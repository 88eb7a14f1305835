import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OneOffScheduler } from '../delivery/one-off-scheduler';
import type { QueueLocator } from '../delivery/queue-locator';
import type { SqsSender } from '../delivery/sqs-client-on-first-use';
import { SqsEnqueuer } from '../delivery/sqs-enqueuer';
import type { Execution } from '../executor/execution';
import { createExecutor, type Executor } from '../executor/executor';
import type { AnyJobDefinition } from '../job/job-definition';
import { silentLogger } from '../logging/silent-logger';
import type { ResourceNames } from '../naming/resource-names';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { RunMetrics } from '../ports/run-metrics';
import { CachedJobStateStore } from '../stores/cached-job-state-store';
import { DynamoDbExecutionStore } from '../stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../stores/dynamodb/dynamodb-job-state-store';
import type { WriteRetryPolicy } from '../stores/dynamodb/retry-writes';
import type { TableNames } from '../tables/table-definitions';
import type { RetryBackoffOptions } from './retry-backoff';
import { createWorkerHandler, type WorkerHandler } from './worker-handler';

export interface WorkerOptions {
  readonly jobs: Iterable<AnyJobDefinition>;
  /** The app's names: which job each queue feeds, and where its dead letters go. */
  readonly names: ResourceNames;
  readonly tables: TableNames;
  readonly dynamoDbClient: DynamoDBClient;
  /** A client, or `sqsClientOnFirstUse()` where the SQS code should load only when needed. */
  readonly sqsClient: SqsSender;
  /** Where each job's queue is, for `ctx.enqueue()`. */
  readonly queues: QueueLocator;
  /** For enqueues more than 15 minutes ahead. @default - such enqueues fail with the reason */
  readonly oneOffScheduler?: OneOffScheduler;
  /** @default - the queue's URL on AWS, from the record's ARN */
  readonly queueUrlForArn?: (arn: string) => string;
  /** How long the worker reuses a job's pause state. @default 5000 */
  readonly jobStateCacheMs?: number;
  /** @default 90 */
  readonly retentionDays?: number;
  /** See `DynamoDbExecutionStoreOptions.recentIndexBuckets`. @default RECENT_INDEX_BUCKETS */
  readonly recentIndexBuckets?: number;
  readonly writeRetry?: WriteRetryPolicy;
  readonly backoff?: RetryBackoffOptions;
  readonly codeVersion?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /**
   * Told of each attempt once history has its outcome (the local runtime's alerts; deployed,
   * the executions table's stream does it). Not awaited: a run never waits for it, and what it
   * throws is logged.
   */
  readonly onExecutionRecorded?: (execution: Execution) => Promise<void>;
  /** Counts each attempt's outcome (deployed, as CloudWatch metrics). @default - counts nothing */
  readonly metrics?: RunMetrics;
  /** Aborts the runs in flight, recording them as `cancelled` (a graceful shutdown). */
  readonly shutdown?: AbortSignal;
  /**
   * Ends the process once a job body outlived its attempt (see `WorkerDependencies.recycle`).
   * @default - never
   */
  readonly recycle?: () => void;
  /** Replacements for jobs' `deps`, by job name. */
  readonly depsOverrides?: Readonly<Record<string, unknown>>;
  /** How often a running body's cancel request is looked for. @default 2000 */
  readonly cancelPollMs?: number;
}

export interface Worker {
  readonly handler: WorkerHandler;
  readonly executor: Executor;
  readonly executionStore: DynamoDbExecutionStore;
  readonly jobStateStore: DynamoDbJobStateStore;
}

/**
 * The worker with its real parts: DynamoDB history and job state, SQS delivery. The Lambda
 * entry builds it once per container from its environment; the local runtime builds it against
 * dynalite and fauxqs.
 */
export function createWorker(options: WorkerOptions): Worker {
  const executionStore = new DynamoDbExecutionStore({
    client: options.dynamoDbClient,
    tableName: options.tables.executions,
    ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    ...(options.recentIndexBuckets !== undefined
      ? { recentIndexBuckets: options.recentIndexBuckets }
      : {}),
    ...(options.writeRetry ? { writeRetry: options.writeRetry } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const jobStateStore = new DynamoDbJobStateStore({
    client: options.dynamoDbClient,
    tableName: options.tables.jobState,
    ...(options.writeRetry ? { writeRetry: options.writeRetry } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const enqueuer = new SqsEnqueuer({
    sqsClient: options.sqsClient,
    queues: options.queues,
    ...(options.oneOffScheduler ? { oneOff: options.oneOffScheduler } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const executor = createExecutor({
    jobs: options.jobs,
    executionStore,
    jobStateStore: new CachedJobStateStore(jobStateStore, {
      ttlMs: options.jobStateCacheMs ?? 5000,
      ...(options.clock ? { clock: options.clock } : {}),
    }),
    enqueuer,
    // The run's item holds its cancel request, which the API writes.
    cancellations: executionStore,
    ...(options.cancelPollMs !== undefined ? { cancelPollMs: options.cancelPollMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.codeVersion !== undefined ? { codeVersion: options.codeVersion } : {}),
    ...(options.depsOverrides ? { depsOverrides: options.depsOverrides } : {}),
  });
  const handler = createWorkerHandler({
    executor: observed(
      executor,
      options.logger ?? silentLogger,
      options.metrics,
      options.onExecutionRecorded,
    ),
    sqsClient: options.sqsClient,
    names: options.names,
    ...(options.queueUrlForArn ? { queueUrlForArn: options.queueUrlForArn } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    ...(options.recycle ? { recycle: options.recycle } : {}),
    ...(options.clock ? { now: () => options.clock?.now() ?? Date.now() } : {}),
  });
  return { handler, executor, executionStore, jobStateStore };
}

/**
 * The executor, counting each execution it returns in `metrics` and telling `listener` of it,
 * without waiting for the listener.
 */
function observed(
  executor: Executor,
  logger: Logger,
  metrics: RunMetrics | undefined,
  listener: ((execution: Execution) => Promise<void>) | undefined,
): Executor {
  if (!metrics && !listener) return executor;
  const tell = (execution: Execution) => {
    metrics?.attemptEnded(execution);
    listener?.(execution).catch((error: unknown) => {
      logger.error('A listener of recorded executions failed', {
        jobName: execution.jobName,
        runId: execution.runId,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return execution;
  };
  return {
    jobs: executor.jobs,
    get lingeringBodies() {
      return executor.lingeringBodies;
    },
    execute: async (request, options) => tell(await executor.execute(request, options)),
    reject: async (request, reason) => tell(await executor.reject(request, reason)),
  };
}
