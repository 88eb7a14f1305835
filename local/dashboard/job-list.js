// @ts-check
// The jobs table: each job's schedule, next and last run, and its pause state.

import { errorMessage, getJob, getJobs, isUnreachable } from './api-client.js';
import { clickedControl, h, placeholderRow, renderRegion } from './dom.js';
import { setPaused } from './job-actions.js';
import { openJob } from './navigation.js';
import { page } from './page.js';
import { jobHref, runHref } from './routes.js';
import { forgetTrends, trendCell } from './run-charts.js';
import { statusBadge } from './run-parts.js';
import { state } from './state.js';
import { durationElement, localTime, timeElement } from './time-format.js';

/** @import { ListedJob } from './state.js' */

const COLUMNS = 8;

/** Every job with its details; a job whose details cannot be read is listed with its summary. */
export async function loadJobs() {
  const { jobs } = await getJobs();
  /** @type {Map<string, string>} */
  const errors = new Map();
  const details = await Promise.all(
    jobs.map(async (summary) => {
      try {
        return await getJob(summary.name);
      } catch (error) {
        if (isUnreachable(error)) throw error;
        errors.set(summary.name, errorMessage(error));
        // The list's brief last run lacks what the panel reads from a run (its input).
        /** @type {ListedJob} */
        const listed = { ...summary, lastRun: null, nextFireTimes: [] };
        return listed;
      }
    }),
  );
  state.jobs = details;
  state.jobErrors = errors;
  state.jobsLoaded = true;
}

export function renderJobs() {
  page.jobsCount.textContent = state.jobsLoaded
    ? `${state.jobs.length} ${state.jobs.length === 1 ? 'job' : 'jobs'}`
    : '';
  renderRegion(
    page.jobsBody,
    {
      jobs: state.jobs,
      errors: [...state.jobErrors],
      loaded: state.jobsLoaded,
      selected: state.selectedJob,
      trends: [...state.trends.values()].map(({ jobName, trend }) => [jobName, trend]),
      day: new Date().toDateString(),
    },
    () => {
      forgetTrends();
      if (!state.jobsLoaded) return placeholderRow(COLUMNS, 'Loading jobs…');
      if (state.jobs.length === 0) {
        return placeholderRow(
          COLUMNS,
          'No jobs. Add a file such as functions/jobs/nightly-report.job.ts and restart.',
          { testid: 'jobs-empty' },
        );
      }
      return state.jobs.map(jobRow);
    },
  );
}

/** `America/New_York` with a line-break opportunity after each slash, for narrow columns. */
function breakAfterSlashes(/** @type {string} */ text) {
  const parts = text.split('/');
  return parts.flatMap((part, index) =>
    index < parts.length - 1 ? [`${part}/`, h('wbr', {})] : [part],
  );
}

function jobRow(/** @type {ListedJob} */ job) {
  const last = job.lastRun;
  const next = job.nextFireTimes[0];
  const schedule = job.schedule;
  const detailsError = state.jobErrors.get(job.name);
  const pauseButton = h(
    'button',
    {
      type: 'button',
      class: 'small',
      testid: job.paused ? 'job-resume' : 'job-pause',
      'data-focus': `pause:${job.name}`,
      onclick: (event) => {
        event.stopPropagation();
        setPaused(job.name, !job.paused, pauseButton);
      },
    },
    job.paused ? 'Resume' : 'Pause',
  );
  const row = h(
    'tr',
    {
      testid: 'job-row',
      'data-job': job.name,
      'data-paused': String(job.paused),
      class: job.name === state.selectedJob ? 'selected' : undefined,
    },
    h(
      'td',
      {},
      h('a', { href: jobHref(job.name), class: 'job-title', testid: 'job-title' }, job.displayName),
      h('div', { class: 'mono small-text', testid: 'job-name' }, job.name),
      job.description
        ? h('div', { class: 'job-desc', testid: 'job-description', title: job.description }, [
            job.description,
          ])
        : null,
      detailsError
        ? h('div', { class: 'error-text' }, `Could not read its details: ${detailsError}`)
        : null,
    ),
    h(
      'td',
      {},
      schedule
        ? [
            h('div', { testid: 'job-schedule-words' }, schedule.description ?? schedule.expression),
            h(
              'code',
              { testid: 'job-schedule-expression', title: `As written: ${schedule.source}` },
              schedule.expression,
            ),
          ]
        : h('span', { class: 'muted', testid: 'job-schedule-words' }, 'On demand only'),
    ),
    h(
      'td',
      { testid: 'job-timezone' },
      schedule && schedule.kind !== 'rate'
        ? breakAfterSlashes(schedule.timezone)
        : h(
            'span',
            {
              class: 'muted',
              title: schedule ? 'A rate counts from the last run, in no time zone' : undefined,
            },
            '—',
          ),
    ),
    h(
      'td',
      {},
      next
        ? [
            timeElement(next, 'job-next-run', { stacked: true }),
            job.paused ? h('div', { class: 'hint warn' }, 'skipped while paused') : null,
          ]
        : h('span', { class: 'muted', testid: 'job-next-run' }, schedule ? 'None' : '—'),
    ),
    h(
      'td',
      { testid: 'job-last-run' },
      last
        ? [
            h(
              'a',
              { href: runHref(job.name, last.runId), class: 'last-run', title: 'Show this run' },
              h('div', { class: 'badge-line' }, statusBadge(last.status, 'job-last-status')),
              timeElement(last.startedAt),
            ),
            h('div', { class: 'hint' }, durationElement(last), ` · attempt ${last.attempt}`),
          ]
        : h('span', { class: 'muted', testid: 'job-last-status' }, 'Never run'),
    ),
    h('td', {}, trendCell(job.name)),
    h(
      'td',
      {},
      job.paused
        ? h(
            'span',
            {
              class: 'badge paused',
              testid: 'job-paused',
              'data-paused': 'true',
              title: `Paused${job.pausedBy ? ` by ${job.pausedBy}` : ''}${
                job.pausedAt ? ` at ${localTime(job.pausedAt)}` : ''
              }`,
            },
            'Paused',
          )
        : h('span', { class: 'badge active', testid: 'job-paused', 'data-paused': 'false' }, [
            'Active',
          ]),
    ),
    h(
      'td',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          testid: 'job-run-now',
          'data-focus': `run:${job.name}`,
          onclick: (event) => {
            event.stopPropagation();
            openJob(job.name, { focusTrigger: true });
          },
        },
        'Run now…',
      ),
      pauseButton,
    ),
  );
  row.addEventListener('click', (event) => {
    if (clickedControl(event)) return;
    openJob(job.name);
  });
  return row;
}
