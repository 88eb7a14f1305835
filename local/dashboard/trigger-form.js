// @ts-check
// "Trigger now": the selected job's input as JSON, an optional idempotency key, and what the
// API answered.

import { ApiError, errorMessage, postRun } from './api-client.js';
import { h } from './dom.js';
import { page } from './page.js';
import { refresh } from './refresh.js';
import { runHref } from './routes.js';
import { selectedJobDetails, state, watch } from './state.js';

/**
 * @import { ApiErrorBody } from '../../shared/api/api-resources'
 * @import { TriggerBody } from './api-client.js'
 * @import { Child } from './dom-types'
 */

/**
 * @param {'pending' | 'ok' | 'error'} kind
 * @param {string} title
 * @param {Child} [body]
 * @param {ApiErrorBody['details']} [details] the API's word on each field
 */
function showTriggerResult(kind, title, body, details) {
  const result = page.triggerResult;
  result.dataset.kind = kind;
  result.replaceChildren(
    h(
      'div',
      {
        class: `result-box result-${kind}`,
        testid: kind === 'error' ? 'trigger-error' : 'trigger-ok',
      },
      h('strong', {}, title),
      body ? h('div', { testid: 'trigger-message' }, body) : null,
      details && details.length > 0
        ? h(
            'ul',
            { class: 'field-errors', testid: 'trigger-field-errors' },
            details.map((detail) =>
              h(
                'li',
                { testid: 'trigger-field-error', 'data-path': detail.path },
                h('code', {}, detail.path),
                ' ',
                detail.message,
              ),
            ),
          )
        : null,
    ),
  );
}

/** Clears what the form showed for another job, and puts back what was typed for this one. */
export function showTriggerFormOf(/** @type {string | undefined} */ jobName) {
  page.triggerInput.value = jobName === undefined ? '' : (state.drafts.get(jobName) ?? '');
  page.triggerInput.removeAttribute('aria-invalid');
  page.triggerKey.value = '';
  page.triggerResult.replaceChildren();
}

/** Sends the form, unless its input is not JSON. */
export async function submitTrigger(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const jobName = state.selectedJob;
  if (jobName === undefined) return;
  const input = page.triggerInput;
  const text = input.value.trim();
  /** @type {TriggerBody} */
  const body = {};
  if (text !== '') {
    try {
      body.input = JSON.parse(text);
    } catch (error) {
      input.setAttribute('aria-invalid', 'true');
      showTriggerResult(
        'error',
        'The input is not valid JSON, so nothing was sent.',
        `${errorMessage(error)}. Write a JSON value such as {"customerId": "c-42"}, or leave it empty.`,
      );
      input.focus();
      return;
    }
  }
  const key = page.triggerKey.value.trim();
  if (key !== '') body.idempotencyKey = key;
  input.removeAttribute('aria-invalid');
  page.triggerSubmit.disabled = true;
  showTriggerResult('pending', `Triggering ${jobName}…`);
  try {
    const { runId } = await postRun(jobName, body);
    watch(jobName, runId);
    page.triggerResult.dataset.runId = runId;
    showTriggerResult(
      'ok',
      'Run queued.',
      h(
        'span',
        {},
        'Run ',
        h('a', { href: runHref(jobName, runId), class: 'mono', testid: 'trigger-run-link' }, runId),
        ' is on its way; it appears in the history below as soon as the worker starts it.',
      ),
    );
    await refresh();
  } catch (error) {
    const status = error instanceof ApiError ? error.status : undefined;
    const errorBody = error instanceof ApiError ? error.body : undefined;
    if (status === 400) input.setAttribute('aria-invalid', 'true');
    const title =
      status === 400
        ? 'The API rejected this input; nothing was run.'
        : status === 0
          ? 'The API could not be reached; nothing was run.'
          : `The API answered ${status}${errorBody?.error ? ` (${errorBody.error})` : ''}.`;
    showTriggerResult('error', title, errorMessage(error), errorBody?.details);
  } finally {
    page.triggerSubmit.disabled = false;
  }
}

/** Indents the input, or says why it is not JSON. */
export function formatInput() {
  const input = page.triggerInput;
  const text = input.value.trim();
  if (text === '') return;
  try {
    input.value = JSON.stringify(JSON.parse(text), null, 2);
    input.removeAttribute('aria-invalid');
  } catch (error) {
    input.setAttribute('aria-invalid', 'true');
    showTriggerResult('error', 'The input is not valid JSON.', errorMessage(error));
  }
}

export function useLastInput() {
  const input = selectedJobDetails()?.lastRun?.input;
  if (input === undefined) return;
  page.triggerInput.value = JSON.stringify(input, null, 2);
  page.triggerInput.focus();
}
