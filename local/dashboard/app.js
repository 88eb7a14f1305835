// The jobs dashboard: plain browser JavaScript over the REST API, with no build step and nothing
// fetched from elsewhere. Everything shown goes into the page through text nodes and attributes,
// never as HTML, so a job description, an error message or a stack trace is shown as text
// whatever it contains.

const REFRESH_MS = 5000;
/** After a trigger or a retry, refresh faster until the runs finish, for at most this long. */
const WATCH_MS = 120_000;
const WATCH_REFRESH_MS = 1000;
const HISTORY_PAGE = 20;
const FAILURES_PAGE = 25;
const NOTICE_MS = 8000;

const RETRYABLE = new Set(['failed', 'timed_out', 'cancelled', 'rejected']);
const STATUS_LABELS = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  rejected: 'Rejected',
};
const TRIGGER_LABELS = {
  schedule: 'Schedule',
  manual: 'Manual',
  api: 'API',
  enqueue: 'Enqueued',
  retry: 'Retry',
};
const SKIP_REASONS = {
  paused: 'the job was paused',
  overlap: 'a run of the job was still running',
  duplicate: 'a duplicate delivery of a run already recorded',
};

const state = {
  /** JobDetails by name, in the API's order. */
  jobs: [],
  /** Job name -> the error reading its details. */
  jobErrors: new Map(),
  jobsLoaded: false,
  failures: [],
  failuresLoaded: false,
  failuresError: undefined,
  selectedJob: undefined,
  history: emptyHistory(undefined),
  /** `{ jobName, runId }` of the run in the drawer. */
  openRun: undefined,
  run: undefined,
  runError: undefined,
  lastUpdated: undefined,
  connectionError: undefined,
  /** Runs just triggered or retried, `job/runId`, watched until they finish. */
  watching: new Set(),
  watchUntil: 0,
  /** Job name -> the input typed for it, kept while another job is shown. */
  drafts: new Map(),
  /** Runs started from this page, highlighted in the history. */
  fresh: new Set(),
};

function emptyHistory(jobName) {
  return {
    jobName,
    runs: [],
    nextCursor: undefined,
    pages: 0,
    loaded: false,
    loadingMore: false,
    error: undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Building elements: text is always a text node.

/**
 * `h('td', { testid: 'x', class: 'y', onclick }, 'text', child)`. Strings become text nodes;
 * `undefined`, `null` and `false` are left out, arrays are flattened.
 */
function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'testid') element.setAttribute('data-testid', value);
    else if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else element.setAttribute(key, value === true ? '' : String(value));
  }
  appendChildren(element, children);
  return element;
}

function appendChildren(element, children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const byId = (id) => document.getElementById(id);

/**
 * Replaces a region's content only when what it shows changed, keeping which `<details>` are
 * open, the scroll position and the focused control, so that a refresh never moves anything
 * under the reader's eyes.
 */
const rendered = new Map();
function renderRegion(container, key, build) {
  const signature = JSON.stringify(key);
  if (rendered.get(container) === signature) return;
  rendered.set(container, signature);
  const open = new Set(
    [...container.querySelectorAll('details[open][data-key]')].map((d) => d.dataset.key),
  );
  const focused = container.contains(document.activeElement)
    ? document.activeElement?.getAttribute('data-focus')
    : null;
  const { scrollTop } = container;
  const nodes = build();
  container.replaceChildren(
    ...(Array.isArray(nodes) ? nodes.flat(Number.POSITIVE_INFINITY) : [nodes]).filter(Boolean),
  );
  for (const details of container.querySelectorAll('details[data-key]')) {
    if (open.has(details.dataset.key)) details.open = true;
  }
  container.scrollTop = scrollTop;
  if (focused) container.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

// ---------------------------------------------------------------------------------------------
// The API.

class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

const enc = encodeURIComponent;
const jobPath = (jobName) => `/jobs/${enc(jobName)}`;
const runPath = (jobName, runId) => `${jobPath(jobName)}/runs/${enc(runId)}`;

async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(
      0,
      undefined,
      `Cannot reach the API (${error.message}); is the local runtime still running?`,
    );
  }
  const text = await response.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message =
      typeof json?.message === 'string'
        ? json.message
        : `${method} ${path} answered ${response.status} ${response.statusText}`;
    throw new ApiError(response.status, json, message);
  }
  return json;
}

// ---------------------------------------------------------------------------------------------
// Times and durations: local time, with a relative hint that the clock below keeps current.

const timeWithSeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const dayAndTimeWithYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const fullTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** Today's times with seconds where they have any (runs), other days' with their date. */
function localTime(iso) {
  const date = new Date(iso);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) {
    return (date.getTime() % 60_000 === 0 ? timeOnly : timeWithSeconds).format(date);
  }
  if (Math.abs(date.getTime() - now.getTime()) < 180 * 86_400_000) return dayAndTime.format(date);
  return dayAndTimeWithYear.format(date);
}

function relativeTime(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return seconds > 0 ? 'in a moment' : 'just now';
  if (abs < 60) return relativeFormat.format(seconds, 'second');
  if (abs < 90 * 60) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 36 * 3600) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86_400), 'day');
}

/**
 * A time as `14:03:05` and `3 minutes ago` (beside it, or below it when `stacked`), with the
 * full date and the UTC time on hover.
 */
function timeElement(iso, testid, { stacked = false } = {}) {
  if (!iso) return h('span', { class: 'muted', testid }, '—');
  return h(
    'time',
    {
      datetime: iso,
      title: `${fullTime.format(new Date(iso))}\n${iso} (UTC)`,
      testid,
      class: stacked ? 'stacked' : undefined,
    },
    h('span', { class: 'abs' }, localTime(iso)),
    ' ',
    h('span', { class: 'rel', 'data-rel': iso }, relativeTime(iso)),
  );
}

function formatDuration(ms) {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.floor(seconds % 60);
  if (minutes < 60) return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** How long an attempt took, or for how long it has been running. */
function durationElement(execution, testid) {
  if (execution.status === 'running') {
    return h(
      'span',
      { class: 'running-for', testid, 'data-since': execution.startedAt },
      `${formatDuration(Date.now() - new Date(execution.startedAt).getTime())} so far`,
    );
  }
  return h('span', { testid }, formatDuration(execution.durationMs));
}

/** Keeps relative hints and running durations current, without touching anything else. */
function tick() {
  const now = Date.now();
  for (const element of document.querySelectorAll('[data-rel]')) {
    const text = relativeTime(element.dataset.rel, now);
    if (element.textContent !== text) element.textContent = text;
  }
  for (const element of document.querySelectorAll('[data-since]')) {
    const ms = now - new Date(element.dataset.since).getTime();
    element.textContent = `${formatDuration(ms)} so far`;
  }
  renderConnection();
}

// ---------------------------------------------------------------------------------------------
// Small pieces.

function statusBadge(status, testid, extra) {
  return h(
    'span',
    {
      class: `badge status-${status}`,
      testid,
      'data-status': status,
      title: extra,
    },
    STATUS_LABELS[status] ?? status,
  );
}

/** `America/New_York` with a line-break opportunity after each slash, for narrow columns. */
function breakAfterSlashes(text) {
  const parts = text.split('/');
  return parts.flatMap((part, index) =>
    index < parts.length - 1 ? [`${part}/`, h('wbr')] : [part],
  );
}

const jobHref = (jobName) => `#/jobs/${enc(jobName)}`;
const runHref = (jobName, runId) => `#/jobs/${enc(jobName)}/runs/${enc(runId)}`;

function isRetryable(execution) {
  return RETRYABLE.has(execution.status) && !execution.willRetry;
}

function isFinished(execution) {
  return execution.status !== 'running' && !execution.willRetry;
}

function errorSummary(error) {
  return `${error.name}: ${error.message}`;
}

/** The one line a list shows for a run: its error, or its message, or why it was skipped. */
function runOutcome(execution) {
  if (execution.error) {
    return h(
      'span',
      { class: 'error-text', title: errorSummary(execution.error) },
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

function retryButton(jobName, runId, testid) {
  return h(
    'button',
    {
      type: 'button',
      class: 'small',
      testid,
      'data-focus': `retry:${jobName}/${runId}`,
      title: 'Run it again, with the same input, as a new run',
      onclick: (event) => {
        event.stopPropagation();
        retryRun(jobName, runId, event.currentTarget);
      },
    },
    'Retry',
  );
}

function notice(kind, text, testid = 'notice') {
  const close = h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss' }, '×');
  const item = h('div', { class: `notice notice-${kind}`, role: 'status', testid }, text, close);
  close.addEventListener('click', () => item.remove());
  byId('notices').append(item);
  if (kind !== 'error') setTimeout(() => item.remove(), NOTICE_MS);
  else setTimeout(() => item.remove(), NOTICE_MS * 3);
}

// ---------------------------------------------------------------------------------------------
// Regions.

function renderConnection() {
  const dot = byId('connection-dot');
  const text = byId('connection-text');
  let message;
  let kind;
  if (state.connectionError) {
    kind = 'error';
    message = `${state.connectionError}${
      state.lastUpdated
        ? ` Showing what was read at ${timeWithSeconds.format(state.lastUpdated)}.`
        : ''
    }`;
  } else if (state.lastUpdated) {
    kind = 'ok';
    const seconds = Math.max(0, Math.round((Date.now() - state.lastUpdated.getTime()) / 1000));
    message = `Updated ${timeWithSeconds.format(state.lastUpdated)} (${seconds} s ago)`;
  } else {
    kind = 'pending';
    message = 'Connecting to the API…';
  }
  dot.className = `dot dot-${kind}`;
  if (text.textContent !== message) text.textContent = message;
  text.dataset.state = kind;
}

function renderJobs() {
  const body = byId('jobs-body');
  byId('jobs-count').textContent = state.jobsLoaded
    ? `${state.jobs.length} ${state.jobs.length === 1 ? 'job' : 'jobs'}`
    : '';
  renderRegion(
    body,
    {
      jobs: state.jobs,
      errors: [...state.jobErrors],
      loaded: state.jobsLoaded,
      selected: state.selectedJob,
      day: new Date().toDateString(),
    },
    () => {
      if (!state.jobsLoaded) {
        return h('tr', { class: 'placeholder-row' }, h('td', { colspan: 7 }, 'Loading jobs…'));
      }
      if (state.jobs.length === 0) {
        return h(
          'tr',
          { class: 'placeholder-row', testid: 'jobs-empty' },
          h(
            'td',
            { colspan: 7 },
            'No jobs. Add a file such as functions/jobs/nightly-report.job.ts and restart.',
          ),
        );
      }
      return state.jobs.map(jobRow);
    },
  );
}

function jobRow(job) {
  const last = job.lastRun;
  const next = job.nextFireTimes?.[0];
  const schedule = job.schedule;
  const detailsError = state.jobErrors.get(job.name);
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
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          testid: job.paused ? 'job-resume' : 'job-pause',
          'data-focus': `pause:${job.name}`,
          onclick: (event) => {
            event.stopPropagation();
            setPaused(job.name, !job.paused, event.currentTarget);
          },
        },
        job.paused ? 'Resume' : 'Pause',
      ),
    ),
  );
  row.addEventListener('click', (event) => {
    if (event.target.closest('a, button')) return;
    openJob(job.name);
  });
  return row;
}

function renderFailures() {
  renderRegion(
    byId('failures-body'),
    {
      failures: state.failures,
      loaded: state.failuresLoaded,
      error: state.failuresError,
      day: new Date().toDateString(),
    },
    () => {
      if (state.failuresError && !state.failuresLoaded) {
        return h(
          'tr',
          { class: 'placeholder-row' },
          h('td', { colspan: 6, class: 'error-text' }, state.failuresError),
        );
      }
      if (!state.failuresLoaded) {
        return h('tr', { class: 'placeholder-row' }, h('td', { colspan: 6 }, 'Loading…'));
      }
      if (state.failures.length === 0) {
        return h(
          'tr',
          { class: 'placeholder-row', testid: 'failures-empty' },
          h('td', { colspan: 6 }, 'No recent failures.'),
        );
      }
      return state.failures.map(failureRow);
    },
  );
}

function failureRow(run) {
  const row = h(
    'tr',
    {
      testid: 'failure-row',
      'data-job': run.jobName,
      'data-run-id': run.runId,
      class: 'clickable',
    },
    h('td', {}, timeElement(run.completedAt ?? run.startedAt, undefined, { stacked: true })),
    h(
      'td',
      {},
      h('a', { href: jobHref(run.jobName), class: 'mono', testid: 'failure-job' }, run.jobName),
    ),
    h('td', {}, statusBadge(run.status, 'failure-status')),
    h('td', {}, `${run.attempt} of ${run.maxAttempts}`),
    h(
      'td',
      { class: 'truncate', testid: 'failure-error' },
      h('a', { href: runHref(run.jobName, run.runId), title: 'Show the run' }, runOutcome(run)),
    ),
    h(
      'td',
      { class: 'actions' },
      isRetryable(run) ? retryButton(run.jobName, run.runId, 'failure-retry') : null,
    ),
  );
  row.addEventListener('click', (event) => {
    if (event.target.closest('a, button')) return;
    location.hash = runHref(run.jobName, run.runId);
  });
  return row;
}

function selectedJobDetails() {
  return state.jobs.find((job) => job.name === state.selectedJob);
}

function renderJobPanel() {
  const panel = byId('job-panel');
  const name = state.selectedJob;
  byId('job-empty').hidden = name !== undefined;
  byId('job-content').hidden = name === undefined;
  panel.dataset.job = name ?? '';
  if (name === undefined) return;
  const job = selectedJobDetails();
  const detailsError = state.jobErrors.get(name);

  renderRegion(byId('job-header'), { job, name, loaded: state.jobsLoaded, detailsError }, () => {
    if (!job) {
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
    return [
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { testid: 'job-panel-title' }, job.displayName),
        h('span', { class: 'mono muted' }, job.name),
        job.paused
          ? h('span', { class: 'badge paused', testid: 'job-panel-paused' }, 'Paused')
          : h('span', { class: 'badge active', testid: 'job-panel-paused' }, 'Active'),
        h(
          'button',
          {
            type: 'button',
            testid: job.paused ? 'job-panel-resume' : 'job-panel-pause',
            'data-focus': 'panel-pause',
            onclick: (event) => setPaused(job.name, !job.paused, event.currentTarget),
          },
          job.paused ? 'Resume' : 'Pause',
        ),
      ),
      job.description ? h('p', { class: 'description' }, job.description) : null,
    ];
  });

  renderRegion(byId('job-facts'), { job, day: new Date().toDateString() }, () => {
    if (!job) return [];
    const schedule = job.schedule;
    const facts = [
      [
        'Schedule',
        schedule
          ? [
              h('div', {}, schedule.description ?? schedule.expression),
              h('code', {}, schedule.expression),
            ]
          : 'On demand only (trigger it, or enqueue it from another job)',
      ],
      ['Queue', job.queue],
      ['Retries', `${job.retries} after the first attempt`],
      ['Timeout', formatDuration(job.timeoutSeconds * 1000)],
      ['Memory', `${job.memoryMb} MB`],
      ['Overlap', job.overlap === 'skip' ? 'skip a run while one is running' : 'allowed'],
    ];
    if (job.paused) {
      facts.push([
        'Paused',
        [
          job.pausedBy ? `by ${job.pausedBy} ` : '',
          job.pausedAt ? timeElement(job.pausedAt) : null,
        ],
      ]);
    }
    facts.push([
      'Next runs',
      job.nextFireTimes.length > 0
        ? h(
            'ol',
            { class: 'fire-times', testid: 'job-next-runs' },
            job.nextFireTimes.map((time) => h('li', {}, timeElement(time))),
          )
        : h('span', { class: 'muted' }, schedule ? 'none to come' : '—'),
    ]);
    return h(
      'dl',
      { class: 'facts' },
      facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    );
  });

  byId('trigger-last-input').disabled = job?.lastRun?.input === undefined;
  renderHistory();
}

function renderHistory() {
  const history = state.history;
  renderRegion(
    byId('history-body'),
    {
      runs: history.runs,
      loaded: history.loaded,
      error: history.error,
      fresh: [...state.fresh],
      open: state.openRun?.runId,
      day: new Date().toDateString(),
    },
    () => {
      if (history.error && !history.loaded) {
        return h(
          'tr',
          { class: 'placeholder-row' },
          h('td', { colspan: 8, class: 'error-text' }, history.error),
        );
      }
      if (!history.loaded) {
        return h('tr', { class: 'placeholder-row' }, h('td', { colspan: 8 }, 'Loading runs…'));
      }
      if (history.runs.length === 0) {
        return h(
          'tr',
          { class: 'placeholder-row', testid: 'history-empty' },
          h('td', { colspan: 8 }, 'No runs yet. Trigger one above.'),
        );
      }
      return history.runs.map(historyRow);
    },
  );
  const more = byId('history-more');
  more.hidden = history.nextCursor === undefined;
  more.disabled = history.loadingMore;
  byId('history-status').textContent = history.loadingMore
    ? 'Loading…'
    : history.loaded && history.runs.length > 0
      ? `${history.runs.length} ${history.runs.length === 1 ? 'run' : 'runs'} shown${
          history.nextCursor === undefined ? ', all there are' : ''
        }`
      : '';
}

function historyRow(run) {
  const classes = ['clickable'];
  if (state.fresh.has(`${run.jobName}/${run.runId}`)) classes.push('fresh');
  if (state.openRun?.runId === run.runId) classes.push('selected');
  const row = h(
    'tr',
    {
      testid: 'run-row',
      'data-run-id': run.runId,
      'data-status': run.status,
      class: classes.join(' '),
    },
    h(
      'td',
      {},
      statusBadge(run.status, 'run-status'),
      run.willRetry ? h('div', { class: 'hint warn' }, 'will retry') : null,
    ),
    h(
      'td',
      {},
      h(
        'a',
        {
          href: runHref(run.jobName, run.runId),
          class: 'mono run-id',
          testid: 'run-open',
          title: run.runId,
        },
        run.runId,
      ),
    ),
    h(
      'td',
      {},
      TRIGGER_LABELS[run.trigger] ?? run.trigger,
      run.triggeredBy
        ? h('div', { class: 'hint truncate', title: run.triggeredBy }, run.triggeredBy)
        : null,
    ),
    h('td', {}, timeElement(run.startedAt, undefined, { stacked: true })),
    h('td', {}, durationElement(run, 'run-duration')),
    h(
      'td',
      { testid: 'run-attempts', title: `Attempt ${run.attempt} of at most ${run.maxAttempts}` },
      `${run.attempt} of ${run.maxAttempts}`,
    ),
    h('td', { class: 'truncate', testid: 'run-result' }, runOutcome(run)),
    h(
      'td',
      { class: 'actions' },
      isRetryable(run) ? retryButton(run.jobName, run.runId, 'run-retry') : null,
    ),
  );
  row.addEventListener('click', (event) => {
    if (event.target.closest('a, button')) return;
    location.hash = runHref(run.jobName, run.runId);
  });
  return row;
}

function renderRun() {
  const drawer = byId('run-drawer');
  const open = state.openRun;
  const opening = drawer.hidden && open !== undefined;
  drawer.hidden = open === undefined;
  if (opening) byId('run-close').focus({ preventScroll: true });
  byId('drawer-backdrop').hidden = open === undefined;
  if (!open) {
    rendered.delete(byId('run-body'));
    return;
  }
  drawer.dataset.runId = open.runId;
  drawer.dataset.job = open.jobName;
  const run = state.run;
  const latest = run?.attempts.at(-1);
  byId('run-title').textContent = latest
    ? `${open.jobName}: ${STATUS_LABELS[latest.status] ?? latest.status}`
    : `${open.jobName}: run`;
  byId('run-subtitle').textContent = open.runId;
  drawer.dataset.status = latest?.status ?? '';

  renderRegion(
    byId('run-body'),
    {
      run,
      error: state.runError,
      waiting: state.watching.has(`${open.jobName}/${open.runId}`),
      day: new Date().toDateString(),
    },
    () => {
      if (!run) {
        const waiting = state.watching.has(`${open.jobName}/${open.runId}`);
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
          h('span', { class: 'muted' }, `${run.attempts.length} of ${latest.maxAttempts} attempts`),
        ),
        [...run.attempts].reverse().map((attempt) => attemptCard(attempt, run)),
      ];
    },
  );
}

function attemptCard(attempt, run) {
  const facts = [
    ['Started', timeElement(attempt.startedAt)],
    ['Completed', attempt.completedAt ? timeElement(attempt.completedAt) : null],
    ['Duration', durationElement(attempt, 'attempt-duration')],
    ['Trigger', TRIGGER_LABELS[attempt.trigger] ?? attempt.trigger],
    ['Triggered by', attempt.triggeredBy],
    ['Scheduled for', attempt.scheduledTime ? timeElement(attempt.scheduledTime) : null],
    ['Skipped because', attempt.skipReason ? SKIP_REASONS[attempt.skipReason] : null],
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
  ].filter(([, value]) => value !== undefined && value !== null);

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
    attempt.error ? errorBlock(attempt.error, `${attempt.attempt}`) : null,
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

function errorBlock(error, key, depth = 0) {
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
    error.cause ? errorBlock(error.cause, `${key}-cause`, depth + 1) : null,
  );
}

function jsonDetails(title, value, key, testid) {
  return h(
    'details',
    { 'data-key': key },
    h('summary', {}, title),
    h('pre', { class: 'json', testid }, JSON.stringify(value, null, 2)),
  );
}

function renderAll() {
  renderConnection();
  renderJobs();
  renderFailures();
  renderJobPanel();
  renderRun();
}

// ---------------------------------------------------------------------------------------------
// Reading.

async function loadJobs() {
  const { jobs } = await api('GET', '/jobs');
  const errors = new Map();
  const details = await Promise.all(
    jobs.map(async (summary) => {
      try {
        return await api('GET', jobPath(summary.name));
      } catch (error) {
        if (error.status === 0) throw error;
        errors.set(summary.name, error.message);
        return { ...summary, nextFireTimes: [] };
      }
    }),
  );
  state.jobs = details;
  state.jobErrors = errors;
  state.jobsLoaded = true;
}

async function loadFailures() {
  try {
    const page = await api('GET', `/runs/failures?limit=${FAILURES_PAGE}`);
    state.failures = page.runs;
    state.failuresLoaded = true;
    state.failuresError = undefined;
  } catch (error) {
    if (error.status === 0) throw error;
    state.failuresError = `Could not read recent failures: ${error.message}`;
  }
}

/** The newest page of the selected job's runs, merged with older pages already loaded. */
async function loadHistory() {
  const jobName = state.selectedJob;
  if (jobName === undefined) return;
  try {
    const page = await api('GET', `${jobPath(jobName)}/runs?limit=${HISTORY_PAGE}`);
    if (state.history.jobName !== jobName) return;
    const history = state.history;
    if (history.pages <= 1) {
      history.runs = page.runs;
      history.nextCursor = page.nextCursor;
      history.pages = 1;
    } else {
      const newest = new Set(page.runs.map((run) => run.runId));
      history.runs = [...page.runs, ...history.runs.filter((run) => !newest.has(run.runId))];
    }
    history.loaded = true;
    history.error = undefined;
  } catch (error) {
    if (error.status === 0) throw error;
    if (state.history.jobName === jobName) state.history.error = error.message;
  }
}

async function loadOlderRuns() {
  const history = state.history;
  if (history.nextCursor === undefined || history.loadingMore) return;
  history.loadingMore = true;
  renderHistory();
  try {
    const page = await api(
      'GET',
      `${jobPath(history.jobName)}/runs?limit=${HISTORY_PAGE}&cursor=${enc(history.nextCursor)}`,
    );
    if (state.history !== history) return;
    const seen = new Set(history.runs.map((run) => run.runId));
    history.runs = [...history.runs, ...page.runs.filter((run) => !seen.has(run.runId))];
    history.nextCursor = page.nextCursor;
    history.pages += 1;
  } catch (error) {
    notice('error', `Could not load older runs: ${error.message}`);
  } finally {
    history.loadingMore = false;
    renderHistory();
  }
}

async function loadRun() {
  const open = state.openRun;
  if (!open) return;
  try {
    const run = await api('GET', runPath(open.jobName, open.runId));
    if (state.openRun !== open) return;
    state.run = run;
    state.runError = undefined;
  } catch (error) {
    if (error.status === 0) throw error;
    if (state.openRun === open) {
      // A run just triggered is not recorded until the worker picks it up.
      state.runError =
        error.status === 404 && state.watching.has(`${open.jobName}/${open.runId}`)
          ? undefined
          : error.message;
      if (state.runError === undefined) state.run = undefined;
    }
  }
}

let refreshing;
let refreshAgain;
let refreshTimer;

/**
 * Reads everything shown, then renders what changed. One refresh at a time: asked for during
 * one (a job just selected, a run just triggered), another follows it.
 */
function refresh() {
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
    await Promise.all([loadJobs(), loadFailures(), loadHistory(), loadRun()]);
    state.lastUpdated = new Date();
    state.connectionError = undefined;
    updateWatching();
  } catch (error) {
    state.connectionError =
      error.status === 0 ? error.message : `Could not refresh: ${error.message}`;
  } finally {
    renderAll();
    scheduleRefresh();
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!byId('auto-refresh').checked) return;
  const watching = state.watching.size > 0 && Date.now() < state.watchUntil;
  refreshTimer = setTimeout(refresh, watching ? WATCH_REFRESH_MS : REFRESH_MS);
}

/** Stops watching runs that have finished, as the history or the drawer shows them. */
function updateWatching() {
  const known = new Map();
  for (const run of state.history.runs) known.set(`${run.jobName}/${run.runId}`, run);
  const latest = state.run?.attempts.at(-1);
  if (latest) known.set(`${latest.jobName}/${latest.runId}`, latest);
  for (const key of state.watching) {
    const run = known.get(key);
    if (run && isFinished(run)) state.watching.delete(key);
  }
  if (Date.now() >= state.watchUntil) state.watching.clear();
}

function watch(jobName, runId) {
  state.watching.add(`${jobName}/${runId}`);
  state.fresh.add(`${jobName}/${runId}`);
  state.watchUntil = Date.now() + WATCH_MS;
}

// ---------------------------------------------------------------------------------------------
// Navigation: `#/jobs/<name>` and `#/jobs/<name>/runs/<runId>`.

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  try {
    const [root, jobName, runs, runId] = parts.map((part) => decodeURIComponent(part));
    if (root !== 'jobs' || !jobName) return {};
    return runs === 'runs' && runId ? { jobName, runId } : { jobName };
  } catch {
    return {};
  }
}

function onRoute() {
  const { jobName, runId } = parseHash();
  if (jobName !== state.selectedJob) selectJob(jobName);
  const open = runId ? { jobName, runId } : undefined;
  if (open?.runId !== state.openRun?.runId || open?.jobName !== state.openRun?.jobName) {
    state.openRun = open;
    state.run = undefined;
    state.runError = undefined;
    byId('run-body').scrollTop = 0;
  }
  renderAll();
  refresh();
}

function selectJob(jobName) {
  const input = byId('trigger-input');
  if (state.selectedJob !== undefined) state.drafts.set(state.selectedJob, input.value);
  state.selectedJob = jobName;
  state.history = emptyHistory(jobName);
  input.value = jobName === undefined ? '' : (state.drafts.get(jobName) ?? '');
  input.removeAttribute('aria-invalid');
  byId('trigger-key').value = '';
  byId('trigger-result').replaceChildren();
}

function openJob(jobName, { focusTrigger = false } = {}) {
  const target = jobHref(jobName);
  if (location.hash !== target) location.hash = target;
  requestAnimationFrame(() => {
    byId('job-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
    if (focusTrigger) byId('trigger-input').focus({ preventScroll: true });
  });
}

function closeRun() {
  if (!state.openRun) return;
  location.hash = jobHref(state.openRun.jobName);
}

// ---------------------------------------------------------------------------------------------
// Writing.

function showTriggerResult(kind, title, body, details) {
  const result = byId('trigger-result');
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

async function submitTrigger(event) {
  event.preventDefault();
  const jobName = state.selectedJob;
  if (jobName === undefined) return;
  const input = byId('trigger-input');
  const button = byId('trigger-submit');
  const text = input.value.trim();
  const body = {};
  if (text !== '') {
    try {
      body.input = JSON.parse(text);
    } catch (error) {
      input.setAttribute('aria-invalid', 'true');
      showTriggerResult(
        'error',
        'The input is not valid JSON, so nothing was sent.',
        `${error.message}. Write a JSON value such as {"customerId": "c-42"}, or leave it empty.`,
      );
      input.focus();
      return;
    }
  }
  const key = byId('trigger-key').value.trim();
  if (key !== '') body.idempotencyKey = key;
  input.removeAttribute('aria-invalid');
  button.disabled = true;
  showTriggerResult('pending', `Triggering ${jobName}…`);
  try {
    const { runId } = await api('POST', `${jobPath(jobName)}/runs`, body);
    watch(jobName, runId);
    const result = byId('trigger-result');
    result.dataset.runId = runId;
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
    if (error.status === 400) input.setAttribute('aria-invalid', 'true');
    const title =
      error.status === 400
        ? 'The API rejected this input; nothing was run.'
        : error.status === 0
          ? 'The API could not be reached; nothing was run.'
          : `The API answered ${error.status}${error.body?.error ? ` (${error.body.error})` : ''}.`;
    showTriggerResult('error', title, error.message, error.body?.details);
  } finally {
    button.disabled = false;
  }
}

async function retryRun(jobName, runId, button) {
  if (button) button.disabled = true;
  try {
    const { runId: newRunId } = await api('POST', `${runPath(jobName, runId)}/retry`, {});
    watch(jobName, newRunId);
    notice('ok', `Retrying: run ${newRunId} queued with the same input.`, 'notice-retry');
    location.hash = runHref(jobName, newRunId);
    await refresh();
  } catch (error) {
    notice('error', `Could not retry run ${runId}: ${error.message}`, 'notice-error');
  } finally {
    if (button?.isConnected) button.disabled = false;
  }
}

async function setPaused(jobName, paused, button) {
  if (button) button.disabled = true;
  try {
    const result = await api('POST', `${jobPath(jobName)}/${paused ? 'pause' : 'resume'}`);
    const scheduleNote =
      result?.schedule === 'failed'
        ? ' Its schedule could not be switched, but the worker skips its runs while paused.'
        : '';
    notice(
      'ok',
      paused
        ? `Paused ${jobName}: its scheduled runs are skipped until it is resumed.${scheduleNote}`
        : `Resumed ${jobName}.${scheduleNote}`,
      'notice-paused',
    );
    await refresh();
  } catch (error) {
    notice('error', `Could not ${paused ? 'pause' : 'resume'} ${jobName}: ${error.message}`);
  } finally {
    if (button?.isConnected) button.disabled = false;
  }
}

function formatInput() {
  const input = byId('trigger-input');
  const text = input.value.trim();
  if (text === '') return;
  try {
    input.value = JSON.stringify(JSON.parse(text), null, 2);
    input.removeAttribute('aria-invalid');
  } catch (error) {
    input.setAttribute('aria-invalid', 'true');
    showTriggerResult('error', 'The input is not valid JSON.', error.message);
  }
}

function useLastInput() {
  const input = selectedJobDetails()?.lastRun?.input;
  if (input === undefined) return;
  byId('trigger-input').value = JSON.stringify(input, null, 2);
  byId('trigger-input').focus();
}

// ---------------------------------------------------------------------------------------------
// Start.

function start() {
  byId('trigger-form').addEventListener('submit', submitTrigger);
  byId('trigger-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      byId('trigger-form').requestSubmit();
    }
  });
  byId('trigger-format').addEventListener('click', formatInput);
  byId('trigger-last-input').addEventListener('click', useLastInput);
  byId('history-more').addEventListener('click', loadOlderRuns);
  byId('run-close').addEventListener('click', closeRun);
  byId('drawer-backdrop').addEventListener('click', closeRun);
  byId('refresh-now').addEventListener('click', () => refresh());
  byId('auto-refresh').addEventListener('change', () => scheduleRefresh());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.openRun) closeRun();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresh();
  });
  window.addEventListener('hashchange', onRoute);
  setInterval(tick, 1000);
  onRoute();
}

start();
