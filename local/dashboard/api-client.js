// @ts-check
// The REST API, as the dashboard calls it: same origin, nothing cached, JSON both ways.

/**
 * @import { Execution } from '../../shared/executor/execution'
 * @import { ApiErrorBody, JobDetails, JobStats, JobSummary, RunDetails, RunsPage, StatsOverview, StatsRange } from '../../shared/api/api-resources'
 * @import { AllPausedResult, PauseResult } from '../../shared/control/job-control'
 * @import { CancelAccepted } from '../../shared/control/run-cancel'
 * @import { DeadLetterList, RedriveResult } from '../../shared/ports/dead-letters'
 */

/**
 * What `POST /jobs/{name}/runs` takes.
 * @typedef {{ input?: unknown; idempotencyKey?: string }} TriggerBody
 */

export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status, 0 when the API could not be reached
   * @param {ApiErrorBody | undefined} body
   * @param {string} message
   */
  constructor(status, body, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Whether the API could not be reached at all, as opposed to refusing one request. */
export function isUnreachable(/** @type {unknown} */ error) {
  return error instanceof ApiError && error.status === 0;
}

export function errorMessage(/** @type {unknown} */ error) {
  return error instanceof Error ? error.message : String(error);
}

const enc = encodeURIComponent;
const jobPath = (/** @type {string} */ jobName) => `/jobs/${enc(jobName)}`;
const runPath = (/** @type {string} */ jobName, /** @type {string} */ runId) =>
  `${jobPath(jobName)}/runs/${enc(runId)}`;

/** @returns {Promise<{ readonly jobs: readonly JobSummary[] }>} */
export function getJobs() {
  return call('GET', '/jobs');
}

/** @returns {Promise<JobDetails>} */
export function getJob(/** @type {string} */ jobName) {
  return call('GET', jobPath(jobName));
}

/**
 * Newest first, from `cursor` on.
 * @param {string} jobName
 * @param {{ limit: number; cursor?: string }} page
 * @returns {Promise<RunsPage>}
 */
export function getRuns(jobName, { limit, cursor }) {
  const query = `limit=${limit}${cursor === undefined ? '' : `&cursor=${enc(cursor)}`}`;
  return call('GET', `${jobPath(jobName)}/runs?${query}`);
}

/** @returns {Promise<RunsPage>} */
export function getRecentFailures(/** @type {number} */ limit) {
  return call('GET', `/runs/failures?limit=${limit}`);
}

/** @returns {Promise<RunDetails>} */
export function getRun(/** @type {string} */ jobName, /** @type {string} */ runId) {
  return call('GET', runPath(jobName, runId));
}

/**
 * @param {string} jobName
 * @param {TriggerBody} body
 * @returns {Promise<Pick<Execution, 'runId'>>}
 */
export function postRun(jobName, body) {
  return call('POST', `${jobPath(jobName)}/runs`, body);
}

/** @returns {Promise<Pick<Execution, 'runId'>>} the new run, with the same input */
export function postRetry(/** @type {string} */ jobName, /** @type {string} */ runId) {
  return call('POST', `${runPath(jobName, runId)}/retry`, {});
}

/**
 * The job's dead letters.
 * @returns {Promise<DeadLetterList & { jobName: string }>}
 */
export function getDeadLetters(/** @type {string} */ jobName) {
  return call('GET', `${jobPath(jobName)}/dead-letters`);
}

/**
 * Sends all the job's dead letters back to its queue.
 * @returns {Promise<RedriveResult & { jobName: string }>}
 */
export function postRedrive(/** @type {string} */ jobName) {
  return call('POST', `${jobPath(jobName)}/dead-letters/redrive`);
}

/** Asks a running run to stop. @returns {Promise<CancelAccepted>} */
export function postCancel(/** @type {string} */ jobName, /** @type {string} */ runId) {
  return call('POST', `${runPath(jobName, runId)}/cancel`);
}

/**
 * The job's runs per hour over `range`.
 * @param {string} jobName
 * @param {StatsRange} range
 * @returns {Promise<JobStats>}
 */
export function getJobStats(jobName, range) {
  return call('GET', `${jobPath(jobName)}/stats?range=${range}`);
}

/** Every job's totals and hourly trend over the last 24 hours. @returns {Promise<StatsOverview>} */
export function getStatsOverview() {
  return call('GET', '/stats?range=24h');
}

/** Pauses or resumes every job. @returns {Promise<AllPausedResult>} */
export function postAllPaused(/** @type {boolean} */ paused) {
  return call('POST', paused ? '/jobs/pause' : '/jobs/resume');
}

/** Pauses or resumes the job. @returns {Promise<PauseResult>} */
export function postPaused(/** @type {string} */ jobName, /** @type {boolean} */ paused) {
  return call('POST', `${jobPath(jobName)}/${paused ? 'pause' : 'resume'}`);
}

/**
 * The answer's JSON as the route's resource type: the API is this dashboard's own server, whose
 * answers the types describe. Throws ApiError for an error answer or no answer.
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(
      0,
      undefined,
      `Cannot reach the API (${errorMessage(error)}); is the local runtime still running?`,
    );
  }
  const text = await response.text();
  /** @type {unknown} */
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const errorBody = isErrorBody(json) ? json : undefined;
    const message =
      errorBody?.message ?? `${method} ${path} answered ${response.status} ${response.statusText}`;
    throw new ApiError(response.status, errorBody, message);
  }
  return /** @type {T} */ (json);
}

/** @returns {json is ApiErrorBody} */
function isErrorBody(/** @type {unknown} */ json) {
  return (
    typeof json === 'object' &&
    json !== null &&
    'message' in json &&
    typeof json.message === 'string'
  );
}
