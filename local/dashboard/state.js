// @ts-check
// What the dashboard has read and what the reader chose, shared by every region.

import { isFinished } from './run-status.js';

/**
 * @import { Execution } from '../../shared/executor/execution'
 * @import { JobDetails, JobSummary, RunDetails } from '../../shared/api/api-resources'
 * @import { DeadLetter } from '../../shared/ports/dead-letters'
 * @import { JobStats, StatsOverview, StatsRange } from '../../shared/api/api-resources'
 */

/** After a trigger or a retry, refresh faster until the runs finish, for at most this long. */
const WATCH_MS = 120_000;

/**
 * A job as the list shows it: its details, or, when they could not be read, its summary alone.
 * @typedef {JobSummary & Partial<JobDetails> & Pick<JobDetails, 'nextFireTimes'>} ListedJob
 */

/** @typedef {{ readonly jobName: string; readonly runId: string }} RunRef */

/**
 * The selected job's runs, as far as they were paged.
 * @typedef {object} RunHistory
 * @property {string | undefined} jobName
 * @property {readonly Execution[]} runs
 * @property {string | undefined} nextCursor
 * @property {number} pages
 * @property {boolean} loaded
 * @property {boolean} loadingMore
 * @property {string | undefined} error
 */

/**
 * @typedef {object} DashboardState
 * @property {readonly ListedJob[]} jobs in the API's order
 * @property {Map<string, string>} jobErrors job name -> the error reading its details
 * @property {boolean} jobsLoaded
 * @property {readonly Execution[]} failures
 * @property {boolean} failuresLoaded
 * @property {string | undefined} failuresError
 * @property {string | undefined} selectedJob
 * @property {RunHistory} history
 * @property {{ jobName: string; deadLetters: readonly DeadLetter[]; approximateCount: number } | undefined} deadLetters the selected job's
 * @property {string | undefined} deadLettersError
 * @property {StatsRange} statsRange the range the selected job's charts show
 * @property {JobStats | undefined} jobStats the selected job's hours
 * @property {string | undefined} jobStatsError
 * @property {string | undefined} chartsError why the charting library could not load
 * @property {Map<string, StatsOverview['jobs'][number]>} trends job name -> its last 24 hours, for the list
 * @property {RunRef | undefined} openRun the run in the drawer
 * @property {RunDetails | undefined} run
 * @property {string | undefined} runError
 * @property {Date | undefined} lastUpdated
 * @property {string | undefined} connectionError
 * @property {Set<string>} watching runs just triggered or retried (`runKey`), watched until they finish
 * @property {number} watchUntil
 * @property {Map<string, string>} drafts job name -> the input typed for it, kept while another job is shown
 * @property {Set<string>} fresh runs started from this page (`runKey`), highlighted in the history
 */

/** @type {DashboardState} */
export const state = {
  jobs: [],
  jobErrors: new Map(),
  jobsLoaded: false,
  failures: [],
  failuresLoaded: false,
  failuresError: undefined,
  selectedJob: undefined,
  history: emptyHistory(undefined),
  deadLetters: undefined,
  deadLettersError: undefined,
  statsRange: '24h',
  jobStats: undefined,
  jobStatsError: undefined,
  trends: new Map(),
  chartsError: undefined,
  openRun: undefined,
  run: undefined,
  runError: undefined,
  lastUpdated: undefined,
  connectionError: undefined,
  watching: new Set(),
  watchUntil: 0,
  drafts: new Map(),
  fresh: new Set(),
};

/** @returns {RunHistory} */
export function emptyHistory(/** @type {string | undefined} */ jobName) {
  return {
    jobName,
    runs: [],
    nextCursor: undefined,
    pages: 0,
    loaded: false,
    loadingMore: false,
    error: undefined,
  };
}

/** A run's key in `watching` and `fresh`. */
export function runKey(/** @type {string} */ jobName, /** @type {string} */ runId) {
  return `${jobName}/${runId}`;
}

export function selectedJobDetails() {
  return state.jobs.find((job) => job.name === state.selectedJob);
}

/** Follows a run just started from this page closely until it finishes. */
export function watch(/** @type {string} */ jobName, /** @type {string} */ runId) {
  state.watching.add(runKey(jobName, runId));
  state.fresh.add(runKey(jobName, runId));
  state.watchUntil = Date.now() + WATCH_MS;
}

/** Stops watching runs that have finished, as the history or the drawer shows them. */
export function updateWatching() {
  /** @type {Map<string, Execution>} */
  const known = new Map();
  for (const run of state.history.runs) known.set(runKey(run.jobName, run.runId), run);
  const latest = state.run?.attempts.at(-1);
  if (latest) known.set(runKey(latest.jobName, latest.runId), latest);
  for (const key of state.watching) {
    const run = known.get(key);
    if (run && isFinished(run)) state.watching.delete(key);
  }
  if (Date.now() >= state.watchUntil) state.watching.clear();
}
