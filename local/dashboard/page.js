// @ts-check
// The elements of index.html that the scripts read and fill, each of the type the scripts
// use it as; a module script runs after the page is parsed, so they are all there.

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T; prototype: T }} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(
      `index.html must have a ${type.name} with the id "${id}", got ${element === null ? 'none' : element.tagName}`,
    );
  }
  return element;
}

export const page = {
  connectionDot: byId('connection-dot', HTMLElement),
  connectionText: byId('connection-text', HTMLElement),
  autoRefresh: byId('auto-refresh', HTMLInputElement),
  refreshNow: byId('refresh-now', HTMLButtonElement),
  jobsCount: byId('jobs-count', HTMLElement),
  pauseAll: byId('pause-all', HTMLButtonElement),
  resumeAll: byId('resume-all', HTMLButtonElement),
  jobsBody: byId('jobs-body', HTMLTableSectionElement),
  failuresBody: byId('failures-body', HTMLTableSectionElement),
  jobPanel: byId('job-panel', HTMLElement),
  jobEmpty: byId('job-empty', HTMLElement),
  jobContent: byId('job-content', HTMLElement),
  jobHeader: byId('job-header', HTMLElement),
  jobFacts: byId('job-facts', HTMLElement),
  triggerForm: byId('trigger-form', HTMLFormElement),
  triggerFields: byId('trigger-fields', HTMLElement),
  triggerInput: byId('trigger-input', HTMLTextAreaElement),
  triggerKey: byId('trigger-key', HTMLInputElement),
  triggerSubmit: byId('trigger-submit', HTMLButtonElement),
  triggerFormat: byId('trigger-format', HTMLButtonElement),
  triggerLastInput: byId('trigger-last-input', HTMLButtonElement),
  triggerResult: byId('trigger-result', HTMLElement),
  historyBody: byId('history-body', HTMLTableSectionElement),
  historyMore: byId('history-more', HTMLButtonElement),
  historyStatus: byId('history-status', HTMLElement),
  historyStatusFilter: byId('history-status-filter', HTMLSelectElement),
  historyTriggerFilter: byId('history-trigger-filter', HTMLSelectElement),
  deadLetters: byId('dead-letters', HTMLElement),
  jobStats: byId('job-stats', HTMLElement),
  drawerBackdrop: byId('drawer-backdrop', HTMLElement),
  runDrawer: byId('run-drawer', HTMLElement),
  runTitle: byId('run-title', HTMLElement),
  runSubtitle: byId('run-subtitle', HTMLElement),
  runClose: byId('run-close', HTMLButtonElement),
  runBody: byId('run-body', HTMLElement),
  notices: byId('notices', HTMLElement),
};
