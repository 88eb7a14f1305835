// @ts-check
// The drawer of one run: each attempt, newest first, with its error, input and metadata.

import { ApiError, errorMessage, getRun, isUnreachable } from './api-client.js';
import { forgetRegion, h, renderRegion } from './dom.js';
import { page } from './page.js';
import { runHref } from './routes.js';
import { SKIP_REASONS, TRIGGER_LABELS } from './run-labels.js';
import { cancelButton, retryButton, statusBadge, statusLabel } from './run-parts.js';
import { isCancellable, isRetryable } from './run-status.js';
import { runKey, state } from './state.js';
import { durationElement, timeElement } from './time-format.js';

/**
 * @import { Execution, ExecutionError } from '../../shared/executor/execution'
 * @import { RunDetails } from '../../shared/api/api-resources'
 * @import { Child } from './dom-types'
 */

export async function loadRun() {
  const open = state.openRun;
  if (!open) return;
  try {
    const run = await getRun(open.jobName, open.runId);
    if (state.openRun !== open) return;
    state.run = run;
    state.runError = undefined;
  } catch (error) {
    if (isUnreachable(error)) throw error;
    if (state.openRun === open) {
      // A run just triggered is not recorded until the worker picks it up.
      const notYetRecorded =
        error instanceof ApiError &&
        error.status === 404 &&
        state.watching.has(runKey(open.jobName, open.runId));
      state.runError = notYetRecorded ? undefined : errorMessage(error);
      if (state.runError === undefined) state.run = undefined;
    }
  }
}

export function renderRun() {
  const drawer = page.runDrawer;
  const open = state.openRun;
  const opening = drawer.hidden && open !== undefined;
  drawer.hidden = open === undefined;
  if (opening) page.runClose.focus({ preventScroll: true });
  page.drawerBackdrop.hidden = open === undefined;
  if (!open) {
    forgetRegion(page.runBody);
    return;
  }
  drawer.dataset.runId = open.runId;
  drawer.dataset.job = open.jobName;
  const run = state.run;
  const latest = run?.attempts.at(-1);
  page.runTitle.textContent = latest
    ? `${open.jobName}: ${statusLabel(latest.status)}`
    : `${open.jobName}: run`;
  page.runSubtitle.textContent = open.runId;
  drawer.dataset.status = latest?.status ?? '';

  const waiting = state.watching.has(runKey(open.jobName, open.runId));
  renderRegion(
    page.runBody,
    { run, error: state.runError, waiting, day: new Date().toDateString() },
    () => {
      if (!run || !latest) {
        return h(
          'p',
          { class: state.runError ? 'error-text' : 'muted', testid: 'run-waiting' },
          state.runError ??
            (waiting ? 'Queued; waiting for the worker to start it…' : 'Loading the run…'),
        );
      }
      return [
        state.runError
          ? h('p', { class: 'error-text' }, `Could not refresh: ${state.runError}`)
          : null,
        h(
          'div',
          { class: 'run-summary' },
          statusBadge(latest.status, 'run-drawer-status'),
          latest.willRetry
            ? h('span', { class: 'hint warn' }, 'another attempt follows')
            : latest.status === 'running'
              ? h('span', { class: 'hint' }, 'running now; this view follows it')
              : null,
          isRetryable(latest) ? retryButton(run.jobName, run.runId, 'run-drawer-retry') : null,
          isCancellable(latest) ? cancelButton(run.jobName, run.runId, 'run-drawer-cancel') : null,
          h('span', { class: 'muted' }, `${run.attempts.length} of ${latest.maxAttempts} attempts`),
        ),
        [...run.attempts].reverse().map((attempt) => attemptCard(attempt, run)),
      ];
    },
  );
}

/**
 * @param {Execution} attempt
 * @param {RunDetails} run
 */
function attemptCard(attempt, run) {
  /** @type {[string, Child][]} */
  const allFacts = [
    ['Started', timeElement(attempt.startedAt)],
    ['Completed', attempt.completedAt ? timeElement(attempt.completedAt) : null],
    ['Duration', durationElement(attempt, 'attempt-duration')],
    ['Trigger', TRIGGER_LABELS[attempt.trigger] ?? attempt.trigger],
    ['Triggered by', attempt.triggeredBy],
    ['Scheduled for', attempt.scheduledTime ? timeElement(attempt.scheduledTime) : null],
    ['Skipped because', attempt.skipReason ? SKIP_REASONS[attempt.skipReason] : null],
    ['Cancelled by', attempt.cancelledBy],
    [
      'Duplicate of',
      attempt.duplicateOf
        ? h('a', { href: runHref(run.jobName, attempt.duplicateOf), class: 'mono' }, [
            attempt.duplicateOf,
          ])
        : null,
    ],
    [
      'Retry of',
      attempt.retryOf
        ? h('a', { href: runHref(run.jobName, attempt.retryOf), class: 'mono' }, attempt.retryOf)
        : null,
    ],
    [
      'Started by',
      attempt.parent
        ? h(
            'a',
            { href: runHref(attempt.parent.jobName, attempt.parent.runId), class: 'mono' },
            `${attempt.parent.jobName} / ${attempt.parent.runId}`,
          )
        : null,
    ],
    ['Idempotency key', attempt.idempotencyKey],
    ['Code version', attempt.codeVersion],
    ['Memory used', attempt.memoryUsedMb !== undefined ? `${attempt.memoryUsedMb} MB` : null],
  ];
  const facts = allFacts.filter(([, value]) => value !== undefined && value !== null);

  return h(
    'article',
    {
      class: `attempt attempt-${attempt.status}`,
      testid: 'attempt',
      'data-attempt': attempt.attempt,
      'data-status': attempt.status,
    },
    h(
      'header',
      {},
      h('h3', {}, `Attempt ${attempt.attempt} of ${attempt.maxAttempts}`),
      statusBadge(attempt.status, 'attempt-status'),
      attempt.willRetry ? h('span', { class: 'hint warn' }, 'will be retried') : null,
    ),
    h(
      'dl',
      { class: 'facts' },
      facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
    // A thrown error's message is usually the attempt's message too; it is shown once, below.
    attempt.message && attempt.message !== attempt.error?.message
      ? h('p', { class: 'message', testid: 'attempt-message' }, attempt.message)
      : null,
    attempt.error ? errorBlock(attempt.error) : null,
    attempt.truncated?.length
      ? h(
          'p',
          { class: 'hint warn' },
          `History shortened ${attempt.truncated.join(', ')} to keep the record within its size limit.`,
        )
      : null,
    attempt.input !== undefined
      ? jsonDetails('Input', attempt.input, `input-${attempt.attempt}`, 'attempt-input')
      : null,
    attempt.metadata !== undefined
      ? jsonDetails('Metadata', attempt.metadata, `metadata-${attempt.attempt}`, 'attempt-metadata')
      : null,
  );
}

/**
 * An error with its stack, and the errors that caused it, nested.
 * @param {ExecutionError} error
 * @param {number} [depth]
 * @returns {HTMLDivElement}
 */
function errorBlock(error, depth = 0) {
  return h(
    'div',
    { class: 'error-block', testid: depth === 0 ? 'attempt-error' : 'attempt-error-cause' },
    depth > 0 ? h('div', { class: 'caused-by' }, 'Caused by') : null,
    h(
      'div',
      { class: 'error-title' },
      h('strong', { testid: 'attempt-error-name' }, error.name),
      ': ',
      h('span', { testid: 'attempt-error-message' }, error.message),
    ),
    error.stack
      ? h('pre', { class: 'stack', testid: 'attempt-error-stack' }, error.stack)
      : h('p', { class: 'muted' }, 'No stack trace was recorded.'),
    error.cause ? errorBlock(error.cause, depth + 1) : null,
  );
}

/**
 * A value as indented JSON, folded; `key` keeps it open across refreshes.
 * @param {string} title
 * @param {unknown} value
 * @param {string} key
 * @param {string} testid
 */
function jsonDetails(title, value, key, testid) {
  return h(
    'details',
    { 'data-key': key },
    h('summary', {}, title),
    h('pre', { class: 'json', testid }, JSON.stringify(value, null, 2)),
  );
}
