// @ts-check
// What the buttons of a job or a run do: retry or cancel a run, pause or resume a job.

import { errorMessage, postAllPaused, postCancel, postPaused, postRetry } from './api-client.js';
import { notice } from './notices.js';
import { refresh } from './refresh.js';
import { runHref } from './routes.js';
import { watch } from './state.js';

/**
 * Queues a new run with the input of `runId`, and opens it.
 * @param {string} jobName
 * @param {string} runId
 * @param {HTMLButtonElement} [button] disabled meanwhile
 */
export async function retryRun(jobName, runId, button) {
  if (button) button.disabled = true;
  try {
    const { runId: newRunId } = await postRetry(jobName, runId);
    watch(jobName, newRunId);
    notice('ok', `Retrying: run ${newRunId} queued with the same input.`, 'notice-retry');
    location.hash = runHref(jobName, newRunId);
    await refresh();
  } catch (error) {
    notice('error', `Could not retry run ${runId}: ${errorMessage(error)}`, 'notice-error');
  } finally {
    if (button?.isConnected) button.disabled = false;
  }
}

/**
 * Asks the run to stop; the view follows it to its end.
 * @param {string} jobName
 * @param {string} runId
 * @param {HTMLButtonElement} [button] disabled meanwhile
 */
export async function cancelRun(jobName, runId, button) {
  if (button) button.disabled = true;
  try {
    const { cancelledBy } = await postCancel(jobName, runId);
    notice(
      'ok',
      `Cancelling run ${runId} as ${cancelledBy}: its worker stops it within seconds.`,
      'notice-cancel',
    );
    await refresh();
  } catch (error) {
    notice('error', `Could not cancel run ${runId}: ${errorMessage(error)}`, 'notice-error');
    if (button?.isConnected) button.disabled = false;
  }
}

/**
 * @param {string} jobName
 * @param {boolean} paused
 * @param {HTMLButtonElement} [button] disabled meanwhile
 */
export async function setPaused(jobName, paused, button) {
  if (button) button.disabled = true;
  try {
    const result = await postPaused(jobName, paused);
    const scheduleNote =
      result.schedule === 'failed'
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
    notice('error', `Could not ${paused ? 'pause' : 'resume'} ${jobName}: ${errorMessage(error)}`);
  } finally {
    if (button?.isConnected) button.disabled = false;
  }
}

/**
 * Pauses or resumes every job, once the reader confirms: the emergency brake.
 * @param {boolean} paused
 * @param {HTMLButtonElement} button disabled meanwhile
 */
export async function setAllPaused(paused, button) {
  const question = paused
    ? 'Pause every job? Their scheduled and enqueued runs are skipped until they are resumed.'
    : 'Resume every job?';
  if (!confirm(question)) return;
  button.disabled = true;
  try {
    const result = await postAllPaused(paused);
    notice(
      'ok',
      paused
        ? `Paused all ${result.jobs.length} jobs: their scheduled and enqueued runs are skipped until resumed.`
        : `Resumed all ${result.jobs.length} jobs.`,
      'notice-all-paused',
    );
    await refresh();
  } catch (error) {
    notice('error', `Could not ${paused ? 'pause' : 'resume'} every job: ${errorMessage(error)}`);
    await refresh();
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}
