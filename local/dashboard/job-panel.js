// @ts-check
// The selected job: its name and pause state, its settings and next runs, and its history.

import { renderDeadLetters } from './dead-letters.js';
import { h, renderRegion } from './dom.js';
import { renderInputFields } from './input-fields.js';
import { setPaused } from './job-actions.js';
import { page } from './page.js';
import { renderJobStats } from './run-charts.js';
import { renderHistory } from './run-history.js';
import { selectedJobDetails, state } from './state.js';
import { formatDuration, timeElement, zonedTimeElement } from './time-format.js';

/**
 * @import { Child } from './dom-types'
 * @import { ListedJob } from './state.js'
 */

export function renderJobPanel() {
  const name = state.selectedJob;
  page.jobEmpty.hidden = name !== undefined;
  page.jobContent.hidden = name === undefined;
  page.jobPanel.dataset.job = name ?? '';
  if (name === undefined) return;
  const job = selectedJobDetails();
  const detailsError = state.jobErrors.get(name);

  renderRegion(page.jobHeader, { job, name, loaded: state.jobsLoaded, detailsError }, () =>
    job ? jobHeader(job) : missingJobHeader(name),
  );
  renderRegion(page.jobFacts, { job, day: new Date().toDateString() }, () =>
    job ? jobFacts(job) : [],
  );
  page.triggerLastInput.disabled = job?.lastRun?.input === undefined;
  renderInputFields(job);
  renderJobStats();
  renderHistory();
  renderDeadLetters();
}

function missingJobHeader(/** @type {string} */ name) {
  return h(
    'div',
    { class: 'panel-head' },
    h('h2', { testid: 'job-panel-title' }, name),
    h(
      'span',
      { class: state.jobsLoaded ? 'error-text' : 'muted' },
      state.jobsLoaded ? `There is no job named "${name}".` : 'Loading…',
    ),
  );
}

function jobHeader(/** @type {ListedJob} */ job) {
  const pauseButton = h(
    'button',
    {
      type: 'button',
      testid: job.paused ? 'job-panel-resume' : 'job-panel-pause',
      'data-focus': 'panel-pause',
      onclick: () => setPaused(job.name, !job.paused, pauseButton),
    },
    job.paused ? 'Resume' : 'Pause',
  );
  return [
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { testid: 'job-panel-title' }, job.displayName),
      h('span', { class: 'mono muted' }, job.name),
      job.paused
        ? h('span', { class: 'badge paused', testid: 'job-panel-paused' }, 'Paused')
        : h('span', { class: 'badge active', testid: 'job-panel-paused' }, 'Active'),
      pauseButton,
    ),
    job.description ? h('p', { class: 'description' }, job.description) : null,
  ];
}

/** What the job is set to do; a setting is `—` when the job's details could not be read. */
function jobFacts(/** @type {ListedJob} */ job) {
  const schedule = job.schedule;
  /** @type {[string, Child][]} */
  const facts = [
    [
      'Schedule',
      schedule
        ? [
            h('div', {}, schedule.description ?? schedule.expression),
            h(
              'div',
              { class: 'muted small-text' },
              'as written ',
              h('code', { testid: 'job-schedule-source' }, schedule.source),
              ', for Scheduler ',
              h('code', { testid: 'job-schedule-expression' }, schedule.expression),
            ),
          ]
        : 'On demand only (trigger it, or enqueue it from another job)',
    ],
    ['Queue', job.queue],
    ['Retries', job.retries === undefined ? '—' : `${job.retries} after the first attempt`],
    [
      'Timeout',
      formatDuration(job.timeoutSeconds === undefined ? undefined : job.timeoutSeconds * 1000),
    ],
    ['Memory', job.memoryMb === undefined ? '—' : `${job.memoryMb} MB`],
    [
      'Overlap',
      job.overlap === undefined
        ? '—'
        : job.overlap === 'skip'
          ? 'skip a run while one is running'
          : 'allowed',
    ],
  ];
  if (job.paused) {
    facts.push([
      'Paused',
      [job.pausedBy ? `by ${job.pausedBy} ` : '', job.pausedAt ? timeElement(job.pausedAt) : null],
    ]);
  }
  facts.push([
    'Next runs',
    job.nextFireTimes.length > 0
      ? h(
          'ol',
          { class: 'fire-times', testid: 'job-next-runs' },
          job.nextFireTimes.map((time) =>
            h('li', {}, schedule ? zonedTimeElement(time, schedule.timezone) : timeElement(time)),
          ),
        )
      : h('span', { class: 'muted' }, schedule ? 'none to come' : '—'),
  ]);
  return h(
    'dl',
    { class: 'facts' },
    facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}
