// @ts-check
// The selected job's dead letters: the runs that failed for good or could not run, and a button
// that sends them all back as new runs.

import { errorMessage, getDeadLetters, isUnreachable, postRedrive } from './api-client.js';
import { h, renderRegion } from './dom.js';
import { notice } from './notices.js';
import { page } from './page.js';
import { refresh } from './refresh.js';
import { runHref } from './routes.js';
import { state } from './state.js';
import { timeElement } from './time-format.js';

/** Reads the selected job's dead letters. */
export async function loadDeadLetters() {
  const jobName = state.selectedJob;
  if (jobName === undefined) {
    state.deadLetters = undefined;
    return;
  }
  try {
    state.deadLetters = await getDeadLetters(jobName);
    state.deadLettersError = undefined;
  } catch (error) {
    if (isUnreachable(error)) throw error;
    state.deadLettersError = errorMessage(error);
  }
}

export function renderDeadLetters() {
  const jobName = state.selectedJob;
  const listed = state.deadLetters?.jobName === jobName ? state.deadLetters : undefined;
  renderRegion(page.deadLetters, { listed, error: state.deadLettersError }, () => {
    if (state.deadLettersError) {
      return h(
        'p',
        { class: 'error-text' },
        `Could not read the dead letters: ${state.deadLettersError}`,
      );
    }
    if (!listed || listed.deadLetters.length === 0 || jobName === undefined) return [];
    const redriveButton = h(
      'button',
      {
        type: 'button',
        class: 'small',
        testid: 'dead-letters-redrive',
        title: 'Send them all back to the queue: each starts a new run that retries its run',
        onclick: () => redriveAll(jobName, redriveButton),
      },
      'Redrive all',
    );
    return [
      h(
        'div',
        { class: 'panel-head' },
        h('h3', {}, 'Dead letters'),
        h(
          'span',
          { class: 'muted', testid: 'dead-letters-count' },
          `${listed.deadLetters.length} listed; SQS counts about ${listed.approximateCount}`,
        ),
        redriveButton,
      ),
      h(
        'ul',
        { class: 'dead-letters' },
        listed.deadLetters.map((letter) =>
          h(
            'li',
            { testid: 'dead-letter', 'data-message-id': letter.messageId },
            letter.runId
              ? h('a', { href: runHref(jobName, letter.runId), class: 'mono' }, letter.runId)
              : h('span', { class: 'mono' }, letter.messageId),
            ' ',
            letter.sentAt ? timeElement(letter.sentAt) : null,
            h('div', { class: 'muted', testid: 'dead-letter-reason' }, letter.reason),
          ),
        ),
      ),
    ];
  });
}

async function redriveAll(/** @type {string} */ jobName, /** @type {HTMLButtonElement} */ button) {
  button.disabled = true;
  try {
    const { redriven } = await postRedrive(jobName);
    notice(
      'ok',
      `Sent ${redriven.length} dead ${redriven.length === 1 ? 'letter' : 'letters'} back: each runs again as a new run.`,
      'notice-redrive',
    );
    await refresh();
  } catch (error) {
    notice('error', `Could not redrive: ${errorMessage(error)}`, 'notice-error');
    if (button.isConnected) button.disabled = false;
  }
}
