// @ts-check
// The jobs dashboard: plain browser modules over the REST API, with no build step and nothing
// fetched from elsewhere. This one wires the page's controls; each region is a module of its own.

import { renderConnection } from './connection.js';
import { syncFieldsFromText } from './input-fields.js';
import { setAllPaused } from './job-actions.js';
import { closeRun, onRoute } from './navigation.js';
import { page } from './page.js';
import { refresh, scheduleRefresh } from './refresh.js';
import { loadOlderRuns, setUpHistoryFilters } from './run-history.js';
import { state } from './state.js';
import { refreshTimes } from './time-format.js';
import { formatInput, submitTrigger, useLastInput } from './trigger-form.js';

// The session token of `jobctl dashboard` is a cookie now: keep it out of history and bookmarks.
if (new URLSearchParams(location.search).has('token')) {
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
}

page.triggerForm.addEventListener('submit', submitTrigger);
page.triggerInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) page.triggerForm.requestSubmit();
});
page.triggerFormat.addEventListener('click', formatInput);
page.triggerInput.addEventListener('input', syncFieldsFromText);
page.triggerLastInput.addEventListener('click', useLastInput);
page.historyMore.addEventListener('click', loadOlderRuns);
setUpHistoryFilters();
page.runClose.addEventListener('click', closeRun);
page.drawerBackdrop.addEventListener('click', closeRun);
page.refreshNow.addEventListener('click', () => refresh());
page.pauseAll.addEventListener('click', () => setAllPaused(true, page.pauseAll));
page.resumeAll.addEventListener('click', () => setAllPaused(false, page.resumeAll));
page.autoRefresh.addEventListener('change', () => scheduleRefresh());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state.openRun) closeRun();
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresh();
});
window.addEventListener('hashchange', onRoute);
// Relative times and running durations move on between refreshes.
setInterval(() => {
  refreshTimes();
  renderConnection();
}, 1000);
onRoute();
