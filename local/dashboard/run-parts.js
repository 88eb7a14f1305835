// @ts-check
// The pieces of a run that the job list, the failures, the history and the drawer all show.

import { clickedControl, h } from './dom.js';
import { cancelRun, retryRun } from './job-actions.js';
import { runHref } from './routes.js';
import { SKIP_REASONS, STATUS_LABELS } from './run-labels.js';
import { isRetryable } from './run-status.js';

/** @import { Execution, ExecutionStatus } from '../../shared/executor/execution' */

/**
 * @param {ExecutionStatus} status
 * @param {string} testid
 */
export function statusBadge(status, testid) {
  return h(
    'span',
    { class: `badge status-${status}`, testid, 'data-status': status },
    statusLabel(status),
  );
}

/** A status in words; one this dashboard does not know yet (a newer API), as it is. */
export function statusLabel(/** @type {ExecutionStatus} */ status) {
  return STATUS_LABELS[status] ?? status;
}

/** The one line a list shows for a run: its error, or its message, or why it was skipped. */
export function runOutcome(/** @type {Execution} */ execution) {
  if (execution.error) {
    return h(
      'span',
      { class: 'error-text', title: `${execution.error.name}: ${execution.error.message}` },
      h('strong', {}, execution.error.name),
      ': ',
      execution.error.message,
    );
  }
  if (execution.skipReason) {
    return h('span', { class: 'muted' }, `Skipped: ${SKIP_REASONS[execution.skipReason]}`);
  }
  if (execution.message) return h('span', { title: execution.message }, execution.message);
  return h('span', { class: 'muted' }, execution.status === 'running' ? 'Running…' : '—');
}

/**
 * @param {string} jobName
 * @param {string} runId
 * @param {string} testid
 */
export function retryButton(jobName, runId, testid) {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'small',
      testid,
      'data-focus': `retry:${jobName}/${runId}`,
      title: 'Run it again, with the same input, as a new run',
      onclick: (event) => {
        event.stopPropagation();
        retryRun(jobName, runId, button);
      },
    },
    'Retry',
  );
  return button;
}

/**
 * @param {string} jobName
 * @param {string} runId
 * @param {string} testid
 */
export function cancelButton(jobName, runId, testid) {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'small danger',
      testid,
      'data-focus': `cancel:${jobName}/${runId}`,
      title: 'Stop it: its ctx.signal aborts within seconds, and it is not retried',
      onclick: (event) => {
        event.stopPropagation();
        cancelRun(jobName, runId, button);
      },
    },
    'Cancel',
  );
  return button;
}

/**
 * The last cell of a run's row in a list: its Retry button, when there is one to offer.
 * @param {Execution} run
 * @param {string} testid the button's
 */
export function retryCell(run, testid) {
  return h(
    'td',
    { class: 'actions' },
    isRetryable(run) ? retryButton(run.jobName, run.runId, testid) : null,
  );
}

/**
 * A run's row in a list, which opens the run when clicked anywhere but on its links and buttons.
 * @param {HTMLTableRowElement} row
 * @param {Execution} run
 */
export function opensRun(row, run) {
  row.addEventListener('click', (event) => {
    if (clickedControl(event)) return;
    location.hash = runHref(run.jobName, run.runId);
  });
  return row;
}
