import pMap from 'p-map';
import { alertConfigInEffect, mergeAlertConfig } from '../alerts/merge-alert-config';
import { validAlertConfig } from '../alerts/validate-alert-config';
import { systemClock } from '../clock/system-clock';
import { effectiveJobState } from '../control/initial-pause-states';
import type { AllPausedResult, JobControl } from '../control/job-control';
import type { RunCancel } from '../control/run-cancel';
import type { RunTrigger } from '../control/run-trigger';
import {
  byteLength,
  formatBytes,
  MAX_RUN_ID_BYTES,
  RUN_ID_LIMIT_REASON,
} from '../delivery/run-limits';
import { RunNotFoundError, UnknownJobError } from '../errors';
import type { Execution } from '../executor/execution';
import type { JobRegistry } from '../executor/job-registry';
import { runHealthChecks } from '../health/run-health-checks';
import type { AnyNamedJobDefinition } from '../job/job-definition';
import { MAX_JOB_NAME_LENGTH } from '../job/job-name';
import { silentLogger } from '../logging/silent-logger';
import type { AlertConfigStore } from '../ports/alert-config-store';
import type { Clock } from '../ports/clock';
import type { DeadLetters } from '../ports/dead-letters';
import type { ExecutionHistory } from '../ports/execution-history';
import type { HealthCheck } from '../ports/health-check';
import type { JobState, JobStateStore } from '../ports/job-state-store';
import type { Logger } from '../ports/logger';
import type { MissedRunHistory } from '../ports/missed-runs';
import type { RunStats } from '../ports/run-stats';
import type { ScheduleExpression } from '../schedule/schedule-expression';
import { failuresOf, hourlySeries, hourOf, summarize } from '../stats/run-stats-math';
import { ApiRequestError, apiError, errorResponse } from './api-errors';
import type { ApiHandler, ApiRequest, ApiResponse } from './api-request';
import type {
  JobDetails,
  JobStats,
  JobSummary,
  LastRun,
  RunDetails,
  RunsPage,
  StatsOverview,
  StatsRange,
} from './api-resources';
import { Router } from './api-router';
import { API_ROUTES, type ApiRouteKey, type RouteParams, routeKeyOf } from './api-routes';
import { exampleOf, inputJsonSchemaOf } from './input-schema';
import { jsonResponse } from './json-response';
import { unreadableBodyResponse } from './request-body';
import {
  alertConfigBodySchema,
  deadLetterQuerySchema,
  pageQuerySchema,
  parseBody,
  parseQuery,
  redriveBodySchema,
  statsQuerySchema,
  triggerBodySchema,
} from './request-schemas';

export interface ApiDependencies {
  readonly jobs: JobRegistry;
  /** Where runs are listed and read. */
  readonly history: ExecutionHistory;
  /**
   * Read for each job's pause state (the definition's `paused` when none was written); pausing
   * goes through `jobControl`.
   */
  readonly jobStateStore: Pick<JobStateStore, 'get'>;
  readonly jobControl: Pick<JobControl, 'pause' | 'resume' | 'setAllPaused'>;
  readonly runTrigger: Pick<RunTrigger, 'trigger' | 'retry'>;
  readonly runCancel: Pick<RunCancel, 'cancel'>;
  /** Each job's dead-letter queue. */
  readonly deadLetters: DeadLetters;
  /** Each job's hourly run counts and durations. @default - the stats routes answer no runs */
  readonly stats?: Pick<RunStats, 'hourly'>;
  /** The runs the missed-run check reported. @default - the route answers none */
  readonly missedRuns?: MissedRunHistory;
  /** Where each job's alert config is read, replaced (PUT) and merged into (PATCH). */
  readonly alertConfigStore: Pick<AlertConfigStore, 'get' | 'put'>;
  /** What `GET /health` asks: the tables and queues. @default - none: `/health` says it answers */
  readonly healthChecks?: readonly HealthCheck[];
  /** Dates `nextFireTimes`. @default systemClock */
  readonly clock?: Clock;
  /** Where unexpected errors (answered with 500) are logged. @default - a logger that drops everything */
  readonly logger?: Logger;
}

/** How many fire times `GET /jobs/{name}` lists. */
const NEXT_FIRE_TIMES = 5;

/** How many jobs `GET /jobs` reads at once. */
const LIST_CONCURRENCY = 16;

const HOUR_MS = 60 * 60 * 1000;

/** The handler of the route `Key`, with the parameters its pattern names. */
type RouteHandler<Key extends ApiRouteKey> = (
  request: ApiRequest,
  params: RouteParams<Key>,
) => Promise<ApiResponse>;

/** A handler as the router holds it: the route it matched names the parameters it passes. */
type MatchedRouteHandler = (
  request: ApiRequest,
  params: Readonly<Record<string, string>>,
) => Promise<ApiResponse>;

/**
 * The REST API, free of any HTTP framework: API Gateway (through `apiGatewayHandler`) and the
 * local runtime's server both hand it an `ApiRequest`. It never rejects: every error becomes a
 * JSON `{ error, message, details? }` response, and an unexpected one is logged and answered
 * with a generic 500.
 */
export function createApiHandler(deps: ApiDependencies): ApiHandler {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const { jobs, history, jobStateStore, jobControl, runTrigger, runCancel, alertConfigStore } =
    deps;

  // Loaded on first use: a static import would put cronstrue (CommonJS, which esbuild cannot
  // tree-shake) into every worker bundle, since job files import the `#shared` barrel.
  let scheduleWords: Promise<typeof import('./schedule-words')> | undefined;
  const fireTimesOf = (job: AnyNamedJobDefinition, count: number): string[] =>
    (job.schedule?.nextFireTimes({ count, after: new Date(clock.now()) }) ?? []).map((time) =>
      time.toISOString(),
    );
  /** The job as `GET /jobs` lists it, and its latest run in full. */
  const summaryOf = async (
    job: AnyNamedJobDefinition,
  ): Promise<{ summary: JobSummary; latest: Execution | null }> => {
    scheduleWords ??= import('./schedule-words');
    const [state, { describeSchedule }, runs] = await Promise.all([
      jobStateStore.get(job.name),
      scheduleWords,
      history.listRuns(job.name, { limit: 1 }),
    ]);
    const effective = effectiveJobState(job, state);
    const latest = runs.items[0] ?? null;
    const summary: JobSummary = {
      ...jobSummary(job, effective, describeSchedule),
      nextRunAt: effective.paused ? null : (fireTimesOf(job, 1)[0] ?? null),
      lastRun: latest === null ? null : lastRunOf(latest),
    };
    return { summary, latest };
  };

  /** The job's hours of `range`, up to this one, each summarized; hours without runs are zero. */
  const seriesOf = async (jobName: string, range: StatsRange) => {
    const now = clock.now();
    const fromHour = hourOf(now - ((range === '7d' ? 7 * 24 : 24) - 1) * HOUR_MS);
    const toHour = hourOf(now);
    const hours = (await deps.stats?.hourly(jobName, fromHour, toHour)) ?? [];
    return { totals: summarize(hours), series: hourlySeries(hours, fromHour, toHour) };
  };

  const handlers: { readonly [Key in ApiRouteKey]: RouteHandler<Key> } = {
    'GET /health': async () => {
      const report = await runHealthChecks(deps.healthChecks ?? []);
      if (report.status !== 'ok') logger.warn('A health check failed', { checks: report.checks });
      return jsonResponse(report.status === 'ok' ? 200 : 503, report);
    },
    'GET /jobs': async () => {
      const sorted = jobs.all().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // Three reads a job: an app of 600 jobs must not open 1,800 connections at once.
      const listed = await pMap(sorted, summaryOf, { concurrency: LIST_CONCURRENCY });
      return jsonResponse(200, { jobs: listed.map(({ summary }) => summary) });
    },
    'GET /jobs/{name}': async (_request, params) => {
      const job = jobs.require(params.name);
      const { summary, latest } = await summaryOf(job);
      const details: JobDetails = {
        ...summary,
        retries: job.retries,
        timeoutSeconds: job.timeoutSeconds,
        memoryMb: job.memoryMb,
        overlap: job.overlap,
        nextFireTimes: fireTimesOf(job, NEXT_FIRE_TIMES),
        lastRun: latest,
        ...inputDescriptionOf(job),
      };
      return jsonResponse(200, details);
    },
    'POST /jobs/{name}/runs': async (request, params) => {
      const jobName = params.name;
      const body = parseBody(triggerBodySchema, request.body, {
        what: 'a JSON object with optional "input" and "idempotencyKey"',
        optional: true,
      });
      const { runId } = await runTrigger.trigger(jobName, {
        ...body,
        trigger: 'api',
        ...(request.principal !== undefined ? { triggeredBy: request.principal } : {}),
      });
      return accepted(jobName, runId);
    },
    'GET /jobs/{name}/runs': async (request, params) => {
      const job = jobs.require(params.name);
      return runsPage(await history.listRuns(job.name, parseQuery(pageQuerySchema, request.query)));
    },
    'GET /jobs/{name}/runs/{runId}': async (_request, params) => {
      const job = jobs.require(params.name);
      const runId = params.runId;
      const attempts = await history.getRun(job.name, runId);
      const latest = attempts.at(-1);
      if (latest === undefined) throw new RunNotFoundError(job.name, runId);
      const run: RunDetails = {
        runId,
        jobName: job.name,
        status: latest.status,
        willRetry: latest.willRetry === true,
        attempts,
      };
      return jsonResponse(200, run);
    },
    'POST /jobs/{name}/runs/{runId}/retry': async (request, params) => {
      const jobName = params.name;
      const { runId } = await runTrigger.retry(
        jobName,
        params.runId,
        request.principal !== undefined ? { triggeredBy: request.principal } : {},
      );
      return accepted(jobName, runId);
    },
    'POST /jobs/{name}/runs/{runId}/cancel': async (request, params) => {
      const cancelled = await runCancel.cancel(
        params.name,
        params.runId,
        request.principal ?? 'an unknown caller',
      );
      return jsonResponse(202, cancelled);
    },
    'GET /jobs/{name}/missed': async (request, params) => {
      const job = jobs.require(params.name);
      const page = parseQuery(pageQuerySchema, request.query);
      return runsPage((await deps.missedRuns?.listMissed(job.name, page)) ?? { items: [] });
    },
    'GET /jobs/{name}/stats': async (request, params) => {
      const job = jobs.require(params.name);
      const range = parseQuery(statsQuerySchema, request.query).range ?? '24h';
      const { totals, series } = await seriesOf(job.name, range);
      const stats: JobStats = { jobName: job.name, range, ...totals, hours: series };
      return jsonResponse(200, stats);
    },
    'GET /stats': async (request) => {
      const range = parseQuery(statsQuerySchema, request.query).range ?? '24h';
      const listed = await pMap(
        jobs.all(),
        async (job) => {
          const { totals, series } = await seriesOf(job.name, range);
          const trend = series.map((hour) => ({
            hour: hour.hour,
            runs: hour.runs,
            failures: failuresOf(hour),
          }));
          return { jobName: job.name, ...totals, trend };
        },
        { concurrency: LIST_CONCURRENCY },
      );
      const overview: StatsOverview = { range, jobs: listed };
      return jsonResponse(200, overview);
    },
    'GET /jobs/{name}/dead-letters': async (request, params) => {
      const job = jobs.require(params.name);
      const { limit } = parseQuery(deadLetterQuerySchema, request.query);
      const listed = await deps.deadLetters.list(job.name, limit !== undefined ? { limit } : {});
      return jsonResponse(200, { jobName: job.name, ...listed });
    },
    'POST /jobs/{name}/dead-letters/redrive': async (request, params) => {
      const job = jobs.require(params.name);
      const { messageIds } = parseBody(redriveBodySchema, request.body, {
        what: 'a JSON object with optional "messageIds" (leave it out to redrive them all)',
        optional: true,
      });
      const result = await deps.deadLetters.redrive(job.name, messageIds ? { messageIds } : {});
      if (result.redriven.length > 0) {
        logger.info('Dead letters sent back to their queue', {
          jobName: job.name,
          redrivenBy: request.principal,
          messageIds: result.redriven.map((redriven) => redriven.messageId),
        });
      }
      return jsonResponse(200, { jobName: job.name, ...result });
    },
    'GET /jobs/{name}/alerts': async (_request, params) => {
      const job = jobs.require(params.name);
      const { config, source } = await alertConfigStore.get(job.name);
      return jsonResponse(200, { jobName: job.name, source, config });
    },
    'PUT /jobs/{name}/alerts': async (request, params) => {
      const job = jobs.require(params.name);
      const config = validAlertConfig(
        job.name,
        parseBody(alertConfigBodySchema, request.body, {
          what: 'an alert config as a JSON object',
        }),
      );
      await alertConfigStore.put(job.name, config);
      return jsonResponse(200, { jobName: job.name, source: 'job', config });
    },
    'PATCH /jobs/{name}/alerts': async (request, params) => {
      const job = jobs.require(params.name);
      const changes = parseBody(alertConfigBodySchema, request.body, {
        what: 'the alert config fields to change as a JSON object',
      });
      const current = alertConfigInEffect(await alertConfigStore.get(job.name), job.alerts);
      const config = validAlertConfig(job.name, mergeAlertConfig(current, changes));
      await alertConfigStore.put(job.name, config);
      return jsonResponse(200, { jobName: job.name, source: 'job', config });
    },
    'POST /jobs/pause': async (request) =>
      allPausedResponse(await jobControl.setAllPaused(true, request.principal)),
    'POST /jobs/resume': async (request) =>
      allPausedResponse(await jobControl.setAllPaused(false, request.principal)),
    'POST /jobs/{name}/pause': async (request, params) =>
      jsonResponse(200, await jobControl.pause(params.name, request.principal)),
    'POST /jobs/{name}/resume': async (request, params) =>
      jsonResponse(200, await jobControl.resume(params.name, request.principal)),
    'GET /runs/recent': async (request) =>
      runsPage(await history.listRecentRuns(parseQuery(pageQuerySchema, request.query))),
    'GET /runs/failures': async (request) =>
      runsPage(await history.listRecentFailures(parseQuery(pageQuerySchema, request.query))),
  };
  const router = new Router<MatchedRouteHandler>(
    API_ROUTES.map((route) => ({
      method: route.method,
      pattern: route.path,
      handler: handlers[routeKeyOf(route)] as MatchedRouteHandler,
    })),
  );

  return async (request) => {
    try {
      const match = router.match(request.method, request.path);
      switch (match.kind) {
        case 'found':
          return (
            unreadableBodyResponse(request) ??
            (await match.handler(request, checkedParams(jobs, match.params)))
          );
        case 'method_not_allowed':
          return apiError(
            405,
            'method_not_allowed',
            `${request.method.toUpperCase()} is not allowed on ${request.path}; it allows ${match.allow.join(', ')}.`,
            undefined,
            { allow: match.allow.join(', ') },
          );
        case 'not_found':
          return apiError(
            404,
            'not_found',
            `There is no route ${request.method.toUpperCase()} ${request.path}. The API serves: ${router.describe().join(', ')}.`,
          );
      }
    } catch (error) {
      return errorResponse(error, request, logger);
    }
  };
}

/**
 * The path's parameters, refused before they reach a store when no job or run could have them:
 * a run id over DynamoDB's key limit (which DynamoDB answers with an error, not with nothing),
 * a job name longer than any job's (which no suggestion needs comparing with every name).
 */
function checkedParams(
  jobs: JobRegistry,
  params: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const { name, runId } = params;
  if (name !== undefined && name.length > MAX_JOB_NAME_LENGTH) {
    throw new UnknownJobError(`${name.slice(0, MAX_JOB_NAME_LENGTH)}…`, jobs.names());
  }
  if (runId !== undefined && byteLength(runId) > MAX_RUN_ID_BYTES) {
    const bytes = formatBytes(byteLength(runId));
    throw new ApiRequestError(
      `The run id in the path is ${bytes}, over the ${formatBytes(MAX_RUN_ID_BYTES)} ${RUN_ID_LIMIT_REASON}, so no run has it; list the job's runs to find the id.`,
      [{ path: 'runId', message: `is ${bytes}; at most ${formatBytes(MAX_RUN_ID_BYTES)}` }],
    );
  }
  return params;
}

function inputDescriptionOf(
  job: AnyNamedJobDefinition,
): Pick<JobDetails, 'inputSchema' | 'inputExample'> {
  const inputSchema = inputJsonSchemaOf(job);
  if (!inputSchema) return {};
  const inputExample = exampleOf(inputSchema);
  // An example built from the JSON Schema cannot satisfy a pattern or a refinement: one the job's
  // own schema refuses is left out rather than offered (`.meta({ examples })` gives a good one).
  return acceptsInput(job, inputExample) ? { inputSchema, inputExample } : { inputSchema };
}

function acceptsInput(job: AnyNamedJobDefinition, input: unknown): boolean {
  const result = job.inputSchema?.['~standard'].validate(input);
  // An asynchronous schema cannot be asked here: its example stands.
  return result === undefined || result instanceof Promise || result.issues === undefined;
}

/**
 * 200 when every job was paused or resumed; otherwise 500, an error that names the jobs that
 * could not be and why, with what was done beside it.
 */
function allPausedResponse(result: AllPausedResult) {
  if (result.failed.length === 0) return jsonResponse(200, result);
  const verb = result.paused ? 'pause' : 'resume';
  const total = result.failed.length + result.jobs.length;
  const which = result.failed.map((failed) => `${failed.jobName} (${failed.message})`).join(', ');
  return jsonResponse(500, {
    error: 'internal_error',
    message: `Could not ${verb} ${result.failed.length} of ${total} jobs: ${which}. The others are ${result.paused ? 'paused' : 'resumed'}; ask again to ${verb} the rest.`,
    ...result,
  });
}

function lastRunOf(latest: Execution): LastRun {
  return {
    runId: latest.runId,
    status: latest.status,
    startedAt: latest.startedAt,
    ...(latest.durationMs !== undefined ? { durationMs: latest.durationMs } : {}),
  };
}

function jobSummary(
  job: AnyNamedJobDefinition,
  state: JobState,
  describeSchedule: (schedule: ScheduleExpression) => string,
): Omit<JobSummary, 'nextRunAt' | 'lastRun'> {
  const { schedule } = job;
  return {
    name: job.name,
    displayName: job.displayName,
    ...(job.description !== undefined ? { description: job.description } : {}),
    ...(schedule
      ? {
          schedule: {
            kind: schedule.kind,
            expression: schedule.expression,
            timezone: schedule.timezone,
            source: schedule.source,
            description: describeSchedule(schedule),
          },
        }
      : {}),
    queue: job.queue,
    paused: state.paused,
    ...(state.paused && state.pausedBy !== undefined ? { pausedBy: state.pausedBy } : {}),
    ...(state.paused && state.pausedAt !== undefined ? { pausedAt: state.pausedAt } : {}),
  };
}

/** 202 with the run to follow, and where to follow it. */
function accepted(jobName: string, runId: string): ApiResponse {
  return jsonResponse(
    202,
    { runId },
    { location: `/jobs/${encodeURIComponent(jobName)}/runs/${encodeURIComponent(runId)}` },
  );
}

function runsPage(page: { readonly items: RunsPage['runs']; readonly nextCursor?: string }) {
  const body: RunsPage = {
    runs: page.items,
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
  };
  return jsonResponse(200, body);
}
