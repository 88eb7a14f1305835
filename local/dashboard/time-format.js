// @ts-check
// Times and durations: local time, with a relative hint that `refreshTimes` keeps current.

import { h } from './dom.js';

/** @import { Execution } from '../../shared/executor/execution' */

export const timeWithSeconds = new Intl.DateTimeFormat(undefined, {
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
export function localTime(/** @type {string} */ iso) {
  const date = new Date(iso);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) {
    return (date.getTime() % 60_000 === 0 ? timeOnly : timeWithSeconds).format(date);
  }
  if (Math.abs(date.getTime() - now.getTime()) < 180 * 86_400_000) return dayAndTime.format(date);
  return dayAndTimeWithYear.format(date);
}

/**
 * @param {string} iso
 * @param {number} [now]
 */
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
 * @param {string | undefined} iso
 * @param {string} [testid]
 * @param {{ stacked?: boolean }} [options]
 */
export function timeElement(iso, testid, { stacked = false } = {}) {
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

/**
 * A time on the job's clock: `Mon 7 Dec, 07:00 Europe/London`, labelled with the zone, and the
 * reader's own time and UTC on hover; with its relative hint.
 * @param {string} iso
 * @param {string} timeZone
 * @param {string} [testid]
 */
export function zonedTimeElement(iso, timeZone, testid) {
  const onJobClock = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
  return h(
    'time',
    {
      datetime: iso,
      title: `Your time: ${fullTime.format(new Date(iso))}\n${iso} (UTC)`,
      testid,
    },
    h('span', { class: 'abs' }, `${onJobClock} ${timeZone}`),
    ' ',
    h('span', { class: 'rel', 'data-rel': iso }, relativeTime(iso)),
  );
}

/** @param {number | undefined} ms */
export function formatDuration(ms) {
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

/**
 * How long an attempt took, or for how long it has been running.
 * @param {Execution} execution
 * @param {string} [testid]
 */
export function durationElement(execution, testid) {
  if (execution.status === 'running') {
    return h(
      'span',
      { class: 'running-for', testid, 'data-since': execution.startedAt },
      `${formatDuration(Date.now() - new Date(execution.startedAt).getTime())} so far`,
    );
  }
  return h('span', { testid }, formatDuration(execution.durationMs));
}

/** Brings relative hints and running durations up to now, without touching anything else. */
export function refreshTimes() {
  const now = Date.now();
  for (const element of document.querySelectorAll('[data-rel]')) {
    const text = relativeTime(element.getAttribute('data-rel') ?? '', now);
    if (element.textContent !== text) element.textContent = text;
  }
  for (const element of document.querySelectorAll('[data-since]')) {
    const ms = now - new Date(element.getAttribute('data-since') ?? '').getTime();
    element.textContent = `${formatDuration(ms)} so far`;
  }
}
