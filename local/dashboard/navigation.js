// @ts-check
// Following the address: the job it names is selected, the run it names is in the drawer.

import { page } from './page.js';
import { refresh, renderAll } from './refresh.js';
import { jobHref, parseHash } from './routes.js';
import { emptyHistory, state } from './state.js';
import { showTriggerFormOf } from './trigger-form.js';

export function onRoute() {
  const { jobName, runId } = parseHash(location.hash);
  if (jobName !== state.selectedJob) selectJob(jobName);
  const open = jobName && runId ? { jobName, runId } : undefined;
  if (open?.runId !== state.openRun?.runId || open?.jobName !== state.openRun?.jobName) {
    state.openRun = open;
    state.run = undefined;
    state.runError = undefined;
    page.runBody.scrollTop = 0;
  }
  renderAll();
  refresh();
}

function selectJob(/** @type {string | undefined} */ jobName) {
  if (state.selectedJob !== undefined) {
    state.drafts.set(state.selectedJob, page.triggerInput.value);
  }
  state.selectedJob = jobName;
  state.history = emptyHistory(jobName);
  showTriggerFormOf(jobName);
}

/**
 * Selects the job, and scrolls to its panel.
 * @param {string} jobName
 * @param {{ focusTrigger?: boolean }} [options] `focusTrigger`: put the cursor in its input
 */
export function openJob(jobName, { focusTrigger = false } = {}) {
  const target = jobHref(jobName);
  if (location.hash !== target) location.hash = target;
  requestAnimationFrame(() => {
    page.jobPanel.scrollIntoView({ behavior: 'smooth', block: 'start' });
    if (focusTrigger) page.triggerInput.focus({ preventScroll: true });
  });
}

export function closeRun() {
  if (!state.openRun) return;
  location.hash = jobHref(state.openRun.jobName);
}
