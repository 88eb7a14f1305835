// @ts-check
// How the selected job has been doing: its runs per hour by outcome and its duration p50/p95,
// over the last 24 hours or 7 days; and each job's trend for the list. uPlot draws them.

import { errorMessage, getJobStats, getStatsOverview, isUnreachable } from './api-client.js';
import { h, renderRegion } from './dom.js';
import { page } from './page.js';
import { STATUS_LABELS } from './run-labels.js';
import { selectedJobDetails, state } from './state.js';
import { formatDuration } from './time-format.js';

/**
 * @import { JobStats, StatsOverview, StatsRange } from '../../shared/api/api-resources'
 * @import { EndedStatus } from '../../shared/ports/run-stats'
 * @typedef {import('uplot')} Chart
 * @typedef {typeof import('uplot')} UPlotClass
 */

/**
 * The charting library, loaded when first drawn: it reads the browser's language as it loads
 * and throws on a tag it cannot read (`en-US@posix`), which must cost the charts, not the page.
 * @type {Promise<UPlotClass> | undefined}
 */
let loading;
/** @type {UPlotClass | undefined} */
let chartLibrary;

async function loadChartLibrary() {
  loading ??= import('uplot').then((module) => module.default);
  try {
    chartLibrary = await loading;
    state.chartsError = undefined;
  } catch (error) {
    state.chartsError = errorMessage(error);
  }
}

/**
 * Each outcome's colour, as a CSS variable of style.css, bottom of the stack first. Keyed by
 * the statuses an attempt ends with, so a new status without a colour fails the typecheck.
 * @type {Readonly<Record<EndedStatus | 'retried', string>>}
 */
const OUTCOME_COLOURS = {
  succeeded: '--ok-fg',
  retried: '--timeout-bg',
  failed: '--fail-fg',
  timed_out: '--timeout-fg',
  cancelled: '--cancel-fg',
  skipped: '--skip-bg',
  rejected: '--reject-fg',
  missed: '--missed-fg',
};
const OUTCOMES = /** @type {(EndedStatus | 'retried')[]} */ (Object.keys(OUTCOME_COLOURS));

const RANGE_LABELS = /** @type {const} */ ({ '24h': 'Last 24 hours', '7d': 'Last 7 days' });

const CHART_HEIGHT = 160;
/** style.css's gap between the charts. */
const CHART_GAP = 12;
const TREND_WIDTH = 96;
const TREND_HEIGHT = 22;

/** Charts drawn into each region, destroyed before the region is drawn again. */
const drawn = new Map(/** @type {[HTMLElement, Chart[]][]} */ ([]));

/** Reads the selected job's hours over the chosen range. */
export async function loadJobStats() {
  const jobName = state.selectedJob;
  if (jobName === undefined) {
    state.jobStats = undefined;
    return;
  }
  try {
    [state.jobStats] = await Promise.all([
      getJobStats(jobName, state.statsRange),
      loadChartLibrary(),
    ]);
    state.jobStatsError = undefined;
  } catch (error) {
    if (isUnreachable(error)) throw error;
    state.jobStatsError = errorMessage(error);
  }
}

/** Reads every job's trend for the list; a list without trends is still a list. */
export async function loadTrends() {
  try {
    /** @type {[StatsOverview, void]} */
    const [overview] = await Promise.all([getStatsOverview(), loadChartLibrary()]);
    state.trends = new Map(overview.jobs.map((job) => [job.jobName, job]));
  } catch (error) {
    if (isUnreachable(error)) throw error;
    state.trends = new Map();
  }
}

export function renderJobStats() {
  const jobName = state.selectedJob;
  const stats =
    state.jobStats?.jobName === jobName && state.jobStats?.range === state.statsRange
      ? state.jobStats
      : undefined;
  const timeZone = selectedJobDetails()?.schedule?.timezone;
  const container = page.jobStats;
  renderRegion(
    container,
    {
      stats,
      range: state.statsRange,
      error: state.jobStatsError,
      chartsError: state.chartsError,
      drawable: chartLibrary !== undefined,
      timeZone,
    },
    () => {
      destroyCharts(container);
      const head = h(
        'div',
        { class: 'panel-head' },
        h('h3', {}, 'Runs'),
        stats ? h('span', { class: 'muted', testid: 'stats-summary' }, summaryText(stats)) : null,
        h(
          'div',
          { class: 'range-switch', role: 'group', 'aria-label': 'Range' },
          /** @type {StatsRange[]} */ (['24h', '7d']).map((range) =>
            h(
              'button',
              {
                type: 'button',
                class: 'small',
                testid: `stats-range-${range}`,
                'aria-pressed': String(range === state.statsRange),
                'data-focus': `stats-range-${range}`,
                onclick: () => chooseRange(range),
              },
              RANGE_LABELS[range],
            ),
          ),
        ),
      );
      if (state.jobStatsError) {
        return [
          head,
          h('p', { class: 'error-text' }, `Could not read the stats: ${state.jobStatsError}`),
        ];
      }
      if (state.chartsError) {
        return [
          head,
          h(
            'p',
            { class: 'error-text', testid: 'charts-unavailable' },
            `The charts cannot be drawn in this browser: ${state.chartsError}`,
          ),
        ];
      }
      if (!stats || !chartLibrary) return [head, h('p', { class: 'muted' }, 'Loading…')];
      // Side by side where there is room for both.
      const room = container.clientWidth || 640;
      const width = Math.max(320, room >= 900 ? Math.floor((room - CHART_GAP) / 2) : room);
      const outcomes = h('figure', { class: 'chart', testid: 'chart-outcomes' });
      const durations = h('figure', { class: 'chart', testid: 'chart-durations' });
      const charts = [
        outcomeChart(stats, width, timeZone, outcomes),
        durationChart(stats, width, timeZone, durations),
      ];
      drawn.set(container, charts);
      return [
        head,
        h('div', { class: 'charts' }, outcomes, durations),
        stats.runs === 0
          ? h('p', { class: 'muted', testid: 'stats-empty' }, 'No run ended in this range.')
          : null,
      ];
    },
  );
}

/**
 * The job's trend over the last 24 hours, for its row in the list: runs per hour, failures in
 * red; a dash before the trends are read.
 */
export function trendCell(/** @type {string} */ jobName) {
  const trend = state.trends.get(jobName);
  if (!trend || !chartLibrary) return h('span', { class: 'muted', testid: 'job-trend-none' }, '—');
  const failures = trend.trend.reduce((sum, hour) => sum + hour.failures, 0);
  const figure = h('span', {
    class: 'trend',
    testid: 'job-trend',
    title: `Last 24 hours: ${trend.runs} ${trend.runs === 1 ? 'run' : 'runs'}, ${failures} failed${
      trend.p95Ms === null ? '' : `; p95 ${formatDuration(trend.p95Ms)}`
    }`,
    'data-runs': trend.runs,
    'data-failures': failures,
  });
  const library = chartLibrary;
  const xs = trend.trend.map((hour) => Date.parse(hour.hour) / 1000);
  const chart = new library(
    {
      width: TREND_WIDTH,
      height: TREND_HEIGHT,
      pxAlign: false,
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      legend: { show: false },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ show: false }, { show: false }],
      series: [
        {},
        barSeries(library, 'runs', colour('--ok-fg')),
        barSeries(library, 'failures', colour('--fail-fg')),
      ],
    },
    [xs, trend.trend.map((hour) => hour.runs), trend.trend.map((hour) => hour.failures)],
    figure,
  );
  trendCharts.push(chart);
  return figure;
}

/** The list's trend charts, destroyed when the list is drawn again. */
let trendCharts = /** @type {Chart[]} */ ([]);

/** Call before the list's rows are drawn again. */
export function forgetTrends() {
  for (const chart of trendCharts) chart.destroy();
  trendCharts = [];
}

function chooseRange(/** @type {StatsRange} */ range) {
  if (state.statsRange === range) return;
  state.statsRange = range;
  renderJobStats();
  void loadJobStats().then(renderJobStats, () => undefined);
}

function summaryText(/** @type {JobStats} */ stats) {
  const failed = (stats.outcomes.failed ?? 0) + (stats.outcomes.timed_out ?? 0);
  const parts = [`${stats.runs} ${stats.runs === 1 ? 'run' : 'runs'}`, `${failed} failed`];
  if (stats.retried > 0) parts.push(`${stats.retried} retried`);
  if (stats.p50Ms !== null) parts.push(`p50 ≤ ${formatDuration(stats.p50Ms)}`);
  if (stats.p95Ms !== null) parts.push(`p95 ≤ ${formatDuration(stats.p95Ms)}`);
  return parts.join(' · ');
}

/**
 * Runs per hour, stacked by outcome: each series is drawn at its running total, tallest first,
 * so that each bar shows its part; the legend says each outcome's own count.
 * @param {JobStats} stats
 * @param {number} width
 * @param {string | undefined} timeZone
 * @param {HTMLElement} target
 */
function outcomeChart(stats, width, timeZone, target) {
  const library = chartLibrary;
  if (!library) throw new Error('The charting library is not loaded');
  const own = OUTCOMES.map((outcome) =>
    stats.hours.map((hour) =>
      outcome === 'retried' ? hour.retried : (hour.outcomes[outcome] ?? 0),
    ),
  );
  const stacked = own.map((_, index) =>
    stats.hours.map((_hour, at) =>
      own.slice(0, index + 1).reduce((sum, row) => sum + (row[at] ?? 0), 0),
    ),
  );
  const order = OUTCOMES.map((_, index) => index).reverse();
  return new library(
    {
      title: `Runs per hour, by outcome${zoneNote(timeZone)}`,
      width,
      height: CHART_HEIGHT,
      ...zoned(library, timeZone),
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: axes((value) => String(value)),
      series: [
        {},
        ...order.map((index) => {
          const outcome = OUTCOMES[index] ?? 'succeeded';
          return {
            ...barSeries(
              library,
              outcome === 'retried' ? 'Retried' : STATUS_LABELS[outcome],
              colour(OUTCOME_COLOURS[outcome]),
            ),
            value: (
              /** @type {Chart} */ _u,
              /** @type {number | null} */ _v,
              /** @type {number} */ _s,
              /** @type {number | null} */ at,
            ) => (at === null ? '—' : String(own[index]?.[at] ?? 0)),
          };
        }),
      ],
    },
    [xsOf(stats), ...order.map((index) => stacked[index] ?? [])],
    target,
  );
}

/**
 * @param {JobStats} stats
 * @param {number} width
 * @param {string | undefined} timeZone
 * @param {HTMLElement} target
 */
function durationChart(stats, width, timeZone, target) {
  const library = chartLibrary;
  if (!library) throw new Error('The charting library is not loaded');
  const line = (/** @type {string} */ label, /** @type {string} */ stroke) => ({
    label,
    stroke,
    width: 2,
    spanGaps: false,
    points: { show: true, size: 4 },
    value: (/** @type {Chart} */ _u, /** @type {number | null} */ value) =>
      value === null ? '—' : `≤ ${formatDuration(value)}`,
  });
  return new library(
    {
      title: `Duration per hour, upper bound of its bucket${zoneNote(timeZone)}`,
      width,
      height: CHART_HEIGHT,
      ...zoned(library, timeZone),
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1000, max ?? 0)] } },
      axes: axes((value) => formatDuration(value)),
      series: [{}, line('p50', colour('--accent')), line('p95', colour('--timeout-fg'))],
    },
    [xsOf(stats), stats.hours.map((hour) => hour.p50Ms), stats.hours.map((hour) => hour.p95Ms)],
    target,
  );
}

/**
 * @param {UPlotClass} library
 * @param {string} label
 * @param {string} fill
 * @returns {import('uplot').Series}
 */
function barSeries(library, label, fill) {
  // The typings leave the bars builder optional, though the library always has it.
  const bars = library.paths.bars?.({ size: [0.8, 40], gap: 1 });
  return {
    label,
    fill,
    stroke: fill,
    width: 0,
    points: { show: false },
    ...(bars ? { paths: bars } : {}),
  };
}

/** @param {(value: number) => string} formatValue */
function axes(formatValue) {
  const stroke = colour('--muted');
  const grid = { stroke: colour('--border'), width: 1 };
  return [
    { stroke, grid, ticks: grid },
    {
      stroke,
      grid,
      ticks: grid,
      size: 64,
      values: (/** @type {Chart} */ _u, /** @type {number[]} */ values) => values.map(formatValue),
    },
  ];
}

/** The x axis and the hover in the job's time zone, where it has one. */
/**
 * @param {UPlotClass} library
 * @param {string | undefined} timeZone
 */
function zoned(library, timeZone) {
  return timeZone
    ? {
        tzDate: (/** @type {number} */ seconds) =>
          library.tzDate(new Date(seconds * 1000), timeZone),
      }
    : {};
}

function zoneNote(/** @type {string | undefined} */ timeZone) {
  return timeZone ? ` (${timeZone} time)` : '';
}

function xsOf(/** @type {JobStats} */ stats) {
  return stats.hours.map((hour) => Date.parse(hour.hour) / 1000);
}

/** A colour of style.css, read when drawn, so that the charts follow the light or dark theme. */
function colour(/** @type {string} */ variable) {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || 'gray';
}

function destroyCharts(/** @type {HTMLElement} */ container) {
  for (const chart of drawn.get(container) ?? []) chart.destroy();
  drawn.delete(container);
}
