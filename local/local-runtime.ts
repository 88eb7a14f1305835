import { setMaxListeners } from 'node:events';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DEFAULT_JOBS_DIR, discoverJobs } from '../discovery/discover-jobs';
import { type Alerts, createAlerts } from '../shared/alerts/create-alerts';
import { OutboxEmailNotifier } from '../shared/alerts/notifiers/outbox-email-notifier';
import { SlackNotifier } from '../shared/alerts/notifiers/slack-notifier';
import { TeamsNotifier } from '../shared/alerts/notifiers/teams-notifier';
import { createApi } from '../shared/api/create-api';
import { systemClock } from '../shared/clock/system-clock';
import { applyInitialPauseStates } from '../shared/control/initial-pause-states';
import {
  functionTimeoutSeconds,
  maxReceiveCountFor,
  QUEUE_CLASS_SETTINGS,
} from '../shared/delivery/queue-class-settings';
import type { RunMessage } from '../shared/delivery/run-message';
import { SqsDeadLetters } from '../shared/delivery/sqs-dead-letters';
import { SqsEnqueuer } from '../shared/delivery/sqs-enqueuer';
import { JobsError } from '../shared/errors';
import { JobRegistry } from '../shared/executor/job-registry';
import { appHealthChecks } from '../shared/health/app-health-checks';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../shared/job/job-definition';
import { powertoolsLogger } from '../shared/logging/powertools-logger';
import { nameCollisionProblems } from '../shared/naming/name-collisions';
import { ResourceNames } from '../shared/naming/resource-names';
import type { Logger } from '../shared/ports/logger';
import { dynamoDbAlertStores } from '../shared/stores/dynamodb/dynamodb-alert-stores';
import { DynamoDbRunStats } from '../shared/stores/dynamodb/dynamodb-run-stats';
import { createMissedRunCheck } from '../shared/sweep/missed-runs';
import { createWorker } from '../shared/worker/create-worker';
import type { RetryBackoffOptions } from '../shared/worker/retry-backoff';
import { startApiServer } from './api-server';
import { DASHBOARD_DIR, DASHBOARD_MODULES } from './dashboard-files';
import { type DataFolderLock, lockDataFolder } from './data-folder-lock';
import { startEmbeddedDynamoDb } from './embedded-dynamodb';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, startEmbeddedSqs } from './embedded-sqs';
import { updateJobQueue } from './job-queues';
import { startJobReloader } from './job-reloader';
import {
  type JournalTracker,
  journalSqsClient,
  queueNameOf,
  sendInputOf,
} from './journaled-sqs-client';
import { moveLegacyLocalTables, queueOfLegacyName } from './legacy-local-data';
import { LocalOneOffScheduler, type PendingOneOffRun } from './local-one-off-scheduler';
import { startLocalRunSweeper } from './local-run-sweeper';
import type { LocalJob, LocalRuntime, LocalRuntimeOptions } from './local-runtime-types';
import { LocalScheduler } from './local-scheduler';
import { addMissingLocalIndexes } from './local-table-indexes';
import { LocalWebhookUrls } from './local-webhook-urls';
import { MessageJournal } from './message-journal';
import { type BatchHandler, QueuePoller } from './queue-poller';

export type { LocalJob, LocalRuntime, LocalRuntimeOptions } from './local-runtime-types';

/**
 * Receive loops per queue, at most: long polls cost little while idle, and with fewer the
 * critical queue (batches of one) fell behind the others under load (bench/local-load.bench.ts).
 */
const LOCAL_MAX_CONCURRENCY = 16;
const DEFAULT_PORT = 3000;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** What the queues hold and what waits for its time: see MessageJournal. */
const JOURNAL_FILE = 'queue-journal.jsonl';
// Written at a graceful stop before the journal; read once, into the journal, at the next start.
const PENDING_RUNS_FILE = 'pending-runs.json';
const QUEUED_MESSAGES_FILE = 'queued-messages.json';

export interface LocalRuntimeTestOptions extends LocalRuntimeOptions {
  /** Waits between attempts; tests shorten them. @default - as deployed, from 10 s doubling */
  readonly retryBackoff?: RetryBackoffOptions;
}

/**
 * The whole system on this machine: dynalite for the tables (on disk under `dataDir`), fauxqs for
 * the queues and their dead-letter queues, the same worker behind a poller per queue that plays
 * Lambda's event source mapping, a scheduler that fires each schedule on time in its time zone,
 * and the REST API and dashboard on localhost, served by the same handler as the deployed API.
 */
export async function startLocalRuntime(
  options: LocalRuntimeTestOptions = {},
): Promise<LocalRuntime> {
  const projectRoot = resolve(options.projectRoot ?? process.cwd());
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ?? powertoolsLogger(new PowertoolsLogger({ serviceName: 'jobs-local' }));
  const appName = options.appName ?? 'jobs';
  const dataDir = resolve(options.dataDir ?? join(projectRoot, '.data'));
  const persistent = !options.inMemory;
  // Replaced when the job files change and load again (reloadJobs, below).
  let jobs = options.jobs
    ? namedJobs(options.jobs)
    : await discoveredJobs(projectRoot, appName, logger);
  const registry = JobRegistry.from(jobs);

  // Whatever started is stopped again if a later step fails, so a failed start leaves nothing.
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    let lock: DataFolderLock | undefined;
    let journal: MessageJournal | undefined;
    if (persistent) {
      await mkdir(dataDir, { recursive: true });
      // One runtime per data folder; the last to go, after the servers and the journal.
      lock = lockDataFolder(dataDir);
      stops.push(() => lock?.release());
      journal = MessageJournal.open(join(dataDir, JOURNAL_FILE), { logger });
      stops.push(() => journal?.close());
    }
    const dynamoDb = await startEmbeddedDynamoDb(
      persistent ? { path: join(dataDir, 'dynamodb') } : {},
    );
    stops.push(() => dynamoDb.stop());
    const sqs = await startEmbeddedSqs();
    stops.push(() => sqs.stop());

    // The deployed app's names, so that what runs here finds its queues as it does on AWS.
    const names = new ResourceNames(appName);
    const { tables } = names;
    await dynamoDb.createTables(tables);
    if (persistent) {
      const client = dynamoDb.createClient();
      try {
        await moveLegacyLocalTables(client, names, logger);
        await addMissingLocalIndexes(client, tables, logger);
      } finally {
        client.destroy();
      }
    }
    // Every job's queues since the start, removed jobs' too, so that what they hold is kept.
    const queueUrls = new Map<
      string,
      { url: string; arn: string; dlqUrl: string; dlqArn: string }
    >();
    const queueSettings = (job: AnyNamedJobDefinition) => ({
      maxReceiveCount: maxReceiveCountFor(job.retries),
      visibilityTimeoutSeconds: functionTimeoutSeconds(job.timeoutSeconds) * 6,
    });
    for (const job of jobs) {
      queueUrls.set(job.name, sqs.createQueueWithDlq(names.job(job.name), queueSettings(job)));
    }

    const dynamoDbClient = dynamoDb.createClient();
    const sqsClient = sqs.createClient();
    // Every send and delete of the runtime goes through this client, and so into the journal.
    const tracker = journal ? journalSqsClient(sqsClient, journal) : undefined;
    stops.push(() => {
      dynamoDbClient.destroy();
      sqsClient.destroy();
    });
    const queues = sqs.queueLocator(names);
    const send = async (message: RunMessage) => {
      await sqsClient.send(
        new SendMessageCommand({
          QueueUrl: queues.queueFor(message.job).url,
          MessageBody: JSON.stringify(message),
        }),
      );
    };
    const oneOff = new LocalOneOffScheduler(clock, send, logger, journal);
    // Alerts, as the deployed stream does them, after each run: built once the dashboard's URL
    // is known, which every alert links to.
    let alerts: Alerts | undefined;
    const evaluations = new Set<Promise<void>>();
    const shutdown = new AbortController();
    // Every run in flight listens for the shutdown; there may be many at once.
    setMaxListeners(0, shutdown.signal);
    const workerFor = (workerJobs: readonly AnyNamedJobDefinition[]) =>
      createWorker({
        jobs: workerJobs,
        names,
        tables,
        dynamoDbClient,
        sqsClient,
        queues,
        oneOffScheduler: oneOff,
        queueUrlForArn: sqs.queueUrlForArn,
        // Pausing takes effect at once here: there is one process, not a fleet to tell.
        jobStateCacheMs: 0,
        // dynalite has no partitions to spread history's writes over; one a day (the bare day,
        // as data folders of before the buckets hold) keeps the lists to a query a day, not 17,
        // which every refresh of the dashboard would pay for the days it walks.
        recentIndexBuckets: 1,
        clock,
        logger,
        shutdown: shutdown.signal,
        onExecutionRecorded: (execution) => {
          if (execution.status === 'running' || !alerts) return Promise.resolve();
          // Kept until done, so that stopping waits for it before it closes the tables.
          const evaluation = alerts.handle(execution).finally(() => evaluations.delete(evaluation));
          evaluations.add(evaluation);
          return evaluation;
        },
        ...(options.retryBackoff ? { backoff: options.retryBackoff } : {}),
      });
    const worker = workerFor(jobs);

    if (journal && tracker) {
      const renamed = (name: string) =>
        queueOfLegacyName(name, names, new Set(jobs.map((job) => job.name)));
      // fauxqs counts delays in real time, whatever the runtime's clock says.
      await resendJournaled(journal, tracker, sqs, queueUrls, renamed, logger, Date.now());
      // Kept by a runtime from before the journal, at its last graceful stop.
      await restoreQueuedMessages(
        join(dataDir, QUEUED_MESSAGES_FILE),
        sqsClient,
        queueUrls,
        logger,
        renamed,
      );
      oneOff.restore(
        journal.recovered.flatMap((entry) =>
          entry.kind === 'scheduled'
            ? [{ id: entry.id, at: entry.at, message: entry.message }]
            : [],
        ),
      );
      oneOff.restore(await readJson<PendingOneOffRun[]>(join(dataDir, PENDING_RUNS_FILE), []));
      await rm(join(dataDir, PENDING_RUNS_FILE), { force: true });
    }

    const pollerSettings = (job: AnyNamedJobDefinition, handler: BatchHandler) => {
      const settings = QUEUE_CLASS_SETTINGS[job.queue];
      return {
        handler,
        batchSize: settings.batchSize,
        concurrency: Math.min(settings.maxConcurrency, LOCAL_MAX_CONCURRENCY),
        functionTimeoutMs: functionTimeoutSeconds(job.timeoutSeconds) * 1000,
      };
    };
    const pollerFor = (job: AnyNamedJobDefinition, handler: BatchHandler) => {
      const queue = queueUrls.get(job.name);
      if (!queue) throw new Error(`no queue was made for job ${job.name}`);
      return new QueuePoller({
        sqsClient,
        queueUrl: queue.url,
        queueArn: queue.arn,
        ...pollerSettings(job, handler),
        region: LOCAL_REGION,
        logger,
      });
    };
    // By job name: a reload keeps a job's poller and gives it the new code.
    const pollers = new Map(jobs.map((job) => [job.name, pollerFor(job, worker.handler)]));

    const deliversTick = options.deliversTick;
    const scheduler = new LocalScheduler({
      jobs,
      clock,
      send: async (message) => {
        const tick = { jobName: message.job, scheduledTime: message.scheduledTime ?? '' };
        if (deliversTick && !deliversTick(tick)) {
          logger.warn('Dropped a schedule tick, as the runtime was told to', tick);
          return;
        }
        await send(message);
      },
      scheduleArnFor: (jobName) =>
        `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/${names.scheduleGroup}/${names.job(jobName)}`,
      logger,
    });

    const history = worker.executionStore;
    const jobStateStore = worker.jobStateStore;
    // Before anything fires: a job declared `paused: true` starts paused, unless resumed since.
    await applyInitialPauseStates(jobs, jobStateStore);
    const alertStores = dynamoDbAlertStores({
      client: dynamoDbClient,
      tableName: tables.alertConfig,
      clock,
    });
    const enqueuer = new SqsEnqueuer({ sqsClient, queues, oneOff });
    const stats = new DynamoDbRunStats({ client: dynamoDbClient, tableName: tables.alertConfig });
    const apiHandlerFor = (jobRegistry: JobRegistry) =>
      createApi({
        jobs: jobRegistry,
        history,
        jobStateStore,
        alertConfigStore: alertStores.alertConfigStore,
        enqueuer,
        deadLetters: new SqsDeadLetters({ sqsClient, queues }),
        stats,
        healthChecks: appHealthChecks({ dynamoDbClient, sqsClient, tables, queues }),
        clock,
        logger,
      });
    let apiHandler = apiHandlerFor(registry);
    const server = await startApiServer({
      // The handler of the jobs loaded last: a reload of the job files replaces it.
      handler: (request) => apiHandler(request),
      port: options.port ?? portFromEnvironment(),
      staticDir: DASHBOARD_DIR,
      browserModules: DASHBOARD_MODULES,
      logger,
    });
    stops.push(() => server.stop());
    lock?.listening({ port: server.port, url: server.url });
    const webhookUrls = new LocalWebhookUrls({
      file: join(dataDir, 'secrets.json'),
      ...(options.webhookUrls ? { urls: options.webhookUrls } : {}),
    });
    const alertsFor = (jobRegistry: JobRegistry) =>
      createAlerts({
        ...alertStores,
        stats,
        notifiers: [
          new OutboxEmailNotifier({
            logger,
            file: persistent
              ? join(dataDir, 'outbox.jsonl')
              : join(tmpdir(), `jobs-outbox-${appName}-${process.pid}.jsonl`),
          }),
          new SlackNotifier({ webhookUrls }),
          new TeamsNotifier({ webhookUrls }),
        ],
        jobs: jobRegistry,
        clock,
        logger,
        dashboardUrl: server.url,
      });
    alerts = alertsFor(registry);
    // Ends runs whose worker died (a crash, kill -9) or whose retry never came, and reports the
    // ticks that started no run since this start (shared/sweep).
    const sweeper = startLocalRunSweeper({
      store: history,
      clock,
      logger,
      onSettled: (execution) => alerts?.handle(execution) ?? Promise.resolve(),
      missedRuns: createMissedRunCheck({
        jobs: () => jobs,
        recorder: history,
        marks: jobStateStore,
        clock,
        logger,
        onMissed: (missed) => alerts?.handle(missed) ?? Promise.resolve(),
        notBefore: clock.now(),
      }),
    });
    stops.push(() => sweeper.stop());

    scheduler.start();
    for (const poller of pollers.values()) poller.start();

    // Pollers of removed jobs, finishing the batches they hold.
    const retiring = new Set<Promise<unknown>>();
    // As a deploy of the changed files would: new jobs get their queues and schedules, changed
    // jobs run their new code from their next run on, removed jobs stop being scheduled.
    const reloadJobs = async (next: readonly AnyNamedJobDefinition[]) => {
      const nextRegistry = JobRegistry.from(next);
      for (const job of next) {
        const queue = queueUrls.get(job.name);
        if (queue) await updateJobQueue(sqsClient, queue, queueSettings(job));
        else
          queueUrls.set(job.name, sqs.createQueueWithDlq(names.job(job.name), queueSettings(job)));
      }
      await applyInitialPauseStates(next, jobStateStore);
      const nextWorker = workerFor(next);
      jobs = next;
      apiHandler = apiHandlerFor(nextRegistry);
      alerts = alertsFor(nextRegistry);
      scheduler.setJobs(next);
      // Batches in flight finish on the old code; the next ones get the new.
      for (const job of next) {
        const poller = pollers.get(job.name);
        if (poller) {
          poller.reconfigure(pollerSettings(job, nextWorker.handler));
        } else {
          const added = pollerFor(job, nextWorker.handler);
          pollers.set(job.name, added);
          added.start();
        }
      }
      for (const [name, poller] of pollers) {
        if (nextRegistry.get(name)) continue;
        pollers.delete(name);
        const retired = poller.stop();
        retiring.add(retired);
        void retired.finally(() => retiring.delete(retired));
      }
    };
    const reloader =
      options.jobs || options.watch === false
        ? undefined
        : startJobReloader({
            projectRoot,
            // The jobs folder and the code beside it that jobs import (functions/lib/).
            watchDirs: [dirname(join(projectRoot, DEFAULT_JOBS_DIR))],
            jobNames: jobs.map((job) => job.name),
            discover: () => deployableJobs(projectRoot, appName),
            apply: reloadJobs,
            logger,
            ...(options.onJobsReloaded ? { onReload: options.onJobsReloaded } : {}),
          });

    let stopping: Promise<void> | undefined;
    const stop = async () => {
      // First, so that no reload starts pollers once stopping has begun.
      await reloader?.close();
      scheduler.stop();
      oneOff.stop();
      const grace = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
      const drained = Promise.all([
        ...[...pollers.values()].map((poller) => poller.stop()),
        ...retiring,
      ]);
      const timer = setTimeout(() => shutdown.abort(), grace);
      await drained;
      clearTimeout(timer);
      // Alerts of the last runs: webhook deliveries are bounded in time, so this is too.
      await Promise.allSettled([...evaluations]);
      // What the queues still hold, and what waits for its time, is in the journal already.
      await stopAll();
    };

    return {
      url: server.url,
      port: server.port,
      get jobs(): readonly LocalJob[] {
        return jobs.map((job) => localJob(job, scheduler.nextFireTime(job.name)));
      },
      deadLetters: async (jobName) => {
        const queue = sqs.server.inspectQueue(names.jobDeadLetterQueue(jobName));
        if (!queue) throw new Error(`No job named "${jobName}" runs here`);
        return [
          ...queue.messages.ready,
          ...queue.messages.delayed,
          ...queue.messages.inflight.map((entry) => entry.message),
        ].map((message) => message.body);
      },
      stop: () => {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function discoveredJobs(
  projectRoot: string,
  appName: string,
  logger: Logger,
): Promise<readonly AnyNamedJobDefinition[]> {
  const { jobs, warnings } = await deployableJobs(projectRoot, appName);
  for (const warning of warnings) logger.warn(warning);
  return jobs.map((source) => source.definition);
}

/**
 * The job files, refused as a deploy would refuse them when a job's resources would take a
 * name another resource of the app has (a job named `alerts`, say), so that what runs here
 * could also be deployed.
 */
async function deployableJobs(projectRoot: string, appName: string) {
  const discovered = await discoverJobs({ projectRoot });
  const problems = nameCollisionProblems(discovered.jobs, new ResourceNames(appName));
  if (problems.length > 0) throw new UndeployableJobsError(problems);
  return discovered;
}

/** Job files that load, but whose jobs a deploy could not create. */
export class UndeployableJobsError extends JobsError {
  override readonly name = 'UndeployableJobsError';

  constructor(readonly problems: readonly { file: string; field: string; message: string }[]) {
    super(
      `Cannot run the jobs, as a deploy could not create them:\n${problems.map((problem) => `  ${problem.file}: ${problem.field}: ${problem.message}`).join('\n')}`,
    );
  }
}

function namedJobs(jobs: readonly AnyJobDefinition[]): readonly AnyNamedJobDefinition[] {
  return jobs.map((job) => {
    if (job.name === undefined) {
      throw new JobsError(
        'A job given to the local runtime has no name: set `name` in its defineJob, or let the runtime discover the job files (names come from their file names)',
      );
    }
    return job as AnyNamedJobDefinition;
  });
}

function localJob(job: AnyNamedJobDefinition, nextFireTime: Date | undefined): LocalJob {
  return {
    name: job.name,
    queue: job.queue,
    ...(nextFireTime ? { nextFireTime } : {}),
    ...(job.schedule && job.schedule.kind !== 'rate' ? { timezone: job.schedule.timezone } : {}),
  };
}

function portFromEnvironment(): number {
  const text = process.env.PORT;
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`PORT must be a port number from 0 to 65535, got "${text}"`);
  }
  return port;
}

async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`Cannot read ${file}: ${(error as Error).message}; fix or delete it`, {
      cause: error,
    });
  }
}

/** Messages a runtime from before the journal left on the queues at its last stop, by queue name. */
type QueuedMessages = Record<string, { body: string }[]>;

type QueueUrls = ReadonlyMap<string, { url: string; dlqUrl: string }>;

/** Each queue's URL on this start's fauxqs, by queue name. */
function queueUrlsByName(queueUrls: QueueUrls): Map<string, string> {
  const urlOf = new Map<string, string>();
  for (const { url, dlqUrl } of queueUrls.values()) {
    urlOf.set(queueNameOf(url), url);
    urlOf.set(queueNameOf(dlqUrl), dlqUrl);
  }
  return urlOf;
}

/**
 * fauxqs keeps its queues in memory: at start, whatever the journal holds from before (waiting,
 * delayed, being retried, or in flight when the process died) is sent to its queue again, with
 * what is left of its delay, under its journal entry. Attempts are numbered from each run's
 * history, so a message sent again continues its run where it was: an attempt that was in flight
 * is taken over once its lease has expired.
 */
async function resendJournaled(
  journal: MessageJournal,
  tracker: JournalTracker,
  sqs: Awaited<ReturnType<typeof startEmbeddedSqs>>,
  queueUrls: QueueUrls,
  /** Today's name of a queue saved under a name the app's queues no longer take. */
  renamed: (queueName: string) => string | undefined,
  logger: Logger,
  now: number,
): Promise<void> {
  const urlOf = queueUrlsByName(queueUrls);
  // Not the journaled client: these are in the journal already.
  const client = sqs.createClient();
  try {
    for (const entry of journal.recovered) {
      if (entry.kind !== 'queued') continue;
      const url = urlOf.get(entry.queue) ?? urlOf.get(renamed(entry.queue) ?? '');
      if (!url) {
        logger.warn('A message of a queue whose job no longer exists was dropped', {
          queue: entry.queue,
          message: entry.body,
        });
        journal.done(entry.id);
        continue;
      }
      const sent = await client.send(new SendMessageCommand(sendInputOf(entry, url, now)));
      tracker.sent(entry.id, sent.MessageId);
    }
  } finally {
    client.destroy();
  }
}

/** Messages saved by a runtime from before the journal, sent through the journaled client. */
async function restoreQueuedMessages(
  file: string,
  sqsClient: ReturnType<Awaited<ReturnType<typeof startEmbeddedSqs>>['createClient']>,
  queueUrls: QueueUrls,
  logger: Logger,
  /** Today's name of a queue saved under a name the app's queues no longer take. */
  renamed: (queueName: string) => string | undefined,
): Promise<void> {
  const saved = await readJson<QueuedMessages>(file, {});
  const urlOf = queueUrlsByName(queueUrls);
  for (const [name, messages] of Object.entries(saved)) {
    const url = urlOf.get(name) ?? urlOf.get(renamed(name) ?? '');
    if (!url) {
      logger.warn('Messages of a queue whose job no longer exists were dropped', {
        queue: name,
        messages: messages.map((message) => message.body),
      });
      continue;
    }
    for (const { body } of messages) {
      await sqsClient.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    }
  }
  await rm(file, { force: true });
}
