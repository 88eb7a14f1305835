// @ts-check
// Recent failures across all jobs, newest first.

import { errorMessage, getRecentFailures, isUnreachable } from './api-client.js';
import { h, placeholderRow, renderRegion } from './dom.js';
import { page } from './page.js';
import { jobHref, runHref } from './routes.js';
import { opensRun, retryCell, runOutcome, statusBadge } from './run-parts.js';
import { state } from './state.js';
import { timeElement } from './time-format.js';

/** @import { Execution } from '../../shared/executor/execution' */

const FAILURES_PAGE = 25;
const COLUMNS = 6;

export async function loadFailures() {
  try {
    const recent = await getRecentFailures(FAILURES_PAGE);
    state.failures = recent.runs;
    state.failuresLoaded = true;
    state.failuresError = undefined;
  } catch (error) {
    if (isUnreachable(error)) throw error;
    state.failuresError = `Could not read recent failures: ${errorMessage(error)}`;
  }
}

export function renderFailures() {
  renderRegion(
    page.failuresBody,
    {
      failures: state.failures,
      loaded: state.failuresLoaded,
      error: state.failuresError,
      day: new Date().toDateString(),
    },
    () => {
      if (state.failuresError && !state.failuresLoaded) {
        return placeholderRow(COLUMNS, state.failuresError, { isError: true });
      }
      if (!state.failuresLoaded) return placeholderRow(COLUMNS, 'Loading…');
      if (state.failures.length === 0) {
        return placeholderRow(COLUMNS, 'No recent failures.', { testid: 'failures-empty' });
      }
      return state.failures.map(failureRow);
    },
  );
}

function failureRow(/** @type {Execution} */ run) {
  const row = h(
    'tr',
    {
      testid: 'failure-row',
      'data-job': run.jobName,
      'data-run-id': run.runId,
      class: 'clickable',
    },
    h('td', {}, timeElement(run.completedAt ?? run.startedAt, undefined, { stacked: true })),
    h(
      'td',
      {},
      h('a', { href: jobHref(run.jobName), class: 'mono', testid: 'failure-job' }, run.jobName),
    ),
    h('td', {}, statusBadge(run.status, 'failure-status')),
    h('td', {}, `${run.attempt} of ${run.maxAttempts}`),
    h(
      'td',
      { class: 'truncate', testid: 'failure-error' },
      h('a', { href: runHref(run.jobName, run.runId), title: 'Show the run' }, runOutcome(run)),
    ),
    retryCell(run, 'failure-retry'),
  );
  return opensRun(row, run);
}
