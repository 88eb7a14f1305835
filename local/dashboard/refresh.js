// @ts-check
// Reading everything shown, every few seconds, and rendering what changed.

import { errorMessage, isUnreachable } from './api-client.js';
import { renderConnection } from './connection.js';
import { loadDeadLetters } from './dead-letters.js';
import { loadFailures, renderFailures } from './failure-list.js';
import { loadJobs, renderJobs } from './job-list.js';
import { renderJobPanel } from './job-panel.js';
import { page } from './page.js';
import { loadJobStats, loadTrends } from './run-charts.js';
import { loadRun, renderRun } from './run-drawer.js';
import { loadHistory } from './run-history.js';
import { state, updateWatching } from './state.js';

const REFRESH_MS = 5000;
/** While a run started from this page is being watched. */
const WATCH_REFRESH_MS = 1000;

/** @type {Promise<void> | undefined} */
let refreshing;
/** @type {Promise<void> | undefined} */
let refreshAgain;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;

/**
 * Reads everything shown, then renders what changed. One refresh at a time: asked for during
 * one (a job just selected, a run just triggered), another follows it.
 * @returns {Promise<void>}
 */
export function refresh() {
  if (refreshing) {
    refreshAgain ??= refreshing.then(() => {
      refreshAgain = undefined;
      return refresh();
    });
    return refreshAgain;
  }
  refreshing = readEverything().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function readEverything() {
  try {
    await Promise.all([
      loadJobs(),
      loadTrends(),
      loadFailures(),
      loadHistory(),
      loadRun(),
      loadDeadLetters(),
      loadJobStats(),
    ]);
    state.lastUpdated = new Date();
    state.connectionError = undefined;
    updateWatching();
  } catch (error) {
    state.connectionError = isUnreachable(error)
      ? errorMessage(error)
      : `Could not refresh: ${errorMessage(error)}`;
  } finally {
    renderAll();
    scheduleRefresh();
  }
}

/** The next refresh, sooner while a run started here is watched; none with auto-refresh off. */
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!page.autoRefresh.checked) return;
  const watching = state.watching.size > 0 && Date.now() < state.watchUntil;
  refreshTimer = setTimeout(refresh, watching ? WATCH_REFRESH_MS : REFRESH_MS);
}

export function renderAll() {
  renderConnection();
  renderJobs();
  renderFailures();
  renderJobPanel();
  renderRun();
}
