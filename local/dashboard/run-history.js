// @ts-check
// The selected job's runs, newest first, a page at a time.

import { errorMessage, getRuns, isUnreachable } from './api-client.js';
import { h, placeholderRow, renderRegion } from './dom.js';
import { notice } from './notices.js';
import { page } from './page.js';
import { runHref } from './routes.js';
import { STATUS_LABELS, TRIGGER_LABELS } from './run-labels.js';
import { opensRun, retryCell, runOutcome, statusBadge } from './run-parts.js';
import { runKey, state } from './state.js';
import { durationElement, timeElement } from './time-format.js';

/** @import { Execution } from '../../shared/executor/execution' */

const HISTORY_PAGE = 20;
const COLUMNS = 8;

/** The newest page of the selected job's runs, merged with older pages already loaded. */
export async function loadHistory() {
  const jobName = state.selectedJob;
  if (jobName === undefined) return;
  try {
    const newest = await getRuns(jobName, { limit: HISTORY_PAGE });
    if (state.history.jobName !== jobName) return;
    const history = state.history;
    if (history.pages <= 1) {
      history.runs = newest.runs;
      history.nextCursor = newest.nextCursor;
      history.pages = 1;
    } else {
      const newestIds = new Set(newest.runs.map((run) => run.runId));
      history.runs = [...newest.runs, ...history.runs.filter((run) => !newestIds.has(run.runId))];
    }
    history.loaded = true;
    history.error = undefined;
  } catch (error) {
    if (isUnreachable(error)) throw error;
    if (state.history.jobName === jobName) state.history.error = errorMessage(error);
  }
}

export async function loadOlderRuns() {
  const history = state.history;
  const { jobName, nextCursor } = history;
  if (jobName === undefined || nextCursor === undefined || history.loadingMore) return;
  history.loadingMore = true;
  renderHistory();
  try {
    const older = await getRuns(jobName, { limit: HISTORY_PAGE, cursor: nextCursor });
    if (state.history !== history) return;
    const seen = new Set(history.runs.map((run) => run.runId));
    history.runs = [...history.runs, ...older.runs.filter((run) => !seen.has(run.runId))];
    history.nextCursor = older.nextCursor;
    history.pages += 1;
  } catch (error) {
    notice('error', `Could not load older runs: ${errorMessage(error)}`);
  } finally {
    history.loadingMore = false;
    renderHistory();
  }
}

/**
 * Fills the history's filters with every status and trigger there is (the labels' own keys), and
 * renders the history again when one changes. The filters apply to the runs loaded so far.
 */
export function setUpHistoryFilters() {
  for (const [select, labels] of /** @type {const} */ ([
    [page.historyStatusFilter, STATUS_LABELS],
    [page.historyTriggerFilter, TRIGGER_LABELS],
  ])) {
    for (const [value, label] of Object.entries(labels)) {
      select.append(h('option', { value }, label));
    }
    select.addEventListener('change', () => renderHistory());
  }
}

/** @param {Execution} run */
function shown(run) {
  const status = page.historyStatusFilter.value;
  const trigger = page.historyTriggerFilter.value;
  return (status === '' || run.status === status) && (trigger === '' || run.trigger === trigger);
}

export function renderHistory() {
  const history = state.history;
  const filtered = page.historyStatusFilter.value !== '' || page.historyTriggerFilter.value !== '';
  const runs = history.runs.filter(shown);
  renderRegion(
    page.historyBody,
    {
      runs,
      filtered,
      loaded: history.loaded,
      error: history.error,
      fresh: [...state.fresh],
      open: state.openRun?.runId,
      day: new Date().toDateString(),
    },
    () => {
      if (history.error && !history.loaded) {
        return placeholderRow(COLUMNS, history.error, { isError: true });
      }
      if (!history.loaded) return placeholderRow(COLUMNS, 'Loading runs…');
      if (runs.length === 0) {
        return placeholderRow(
          COLUMNS,
          filtered ? 'No run loaded matches the filters.' : 'No runs yet. Trigger one above.',
          { testid: 'history-empty' },
        );
      }
      return runs.map(historyRow);
    },
  );
  page.historyMore.hidden = history.nextCursor === undefined;
  page.historyMore.disabled = history.loadingMore;
  page.historyStatus.textContent = history.loadingMore
    ? 'Loading…'
    : history.loaded && history.runs.length > 0
      ? `${history.runs.length} ${history.runs.length === 1 ? 'run' : 'runs'} shown${
          history.nextCursor === undefined ? ', all there are' : ''
        }`
      : '';
}

function historyRow(/** @type {Execution} */ run) {
  const classes = ['clickable'];
  if (state.fresh.has(runKey(run.jobName, run.runId))) classes.push('fresh');
  if (state.openRun?.runId === run.runId) classes.push('selected');
  const row = h(
    'tr',
    {
      testid: 'run-row',
      'data-run-id': run.runId,
      'data-status': run.status,
      class: classes.join(' '),
    },
    h(
      'td',
      {},
      statusBadge(run.status, 'run-status'),
      run.willRetry ? h('div', { class: 'hint warn' }, 'will retry') : null,
    ),
    h(
      'td',
      {},
      h(
        'a',
        {
          href: runHref(run.jobName, run.runId),
          class: 'mono run-id',
          testid: 'run-open',
          title: run.runId,
        },
        run.runId,
      ),
    ),
    h(
      'td',
      {},
      TRIGGER_LABELS[run.trigger] ?? run.trigger,
      run.triggeredBy
        ? h('div', { class: 'hint truncate', title: run.triggeredBy }, run.triggeredBy)
        : null,
    ),
    h('td', {}, timeElement(run.startedAt, undefined, { stacked: true })),
    h('td', {}, durationElement(run, 'run-duration')),
    h(
      'td',
      { testid: 'run-attempts', title: `Attempt ${run.attempt} of at most ${run.maxAttempts}` },
      `${run.attempt} of ${run.maxAttempts}`,
    ),
    h('td', { class: 'truncate', testid: 'run-result' }, runOutcome(run)),
    retryCell(run, 'run-retry'),
  );
  return opensRun(row, run);
}
