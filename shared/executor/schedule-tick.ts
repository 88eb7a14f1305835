import { runIdForKey } from './run-id';

/**
 * A tick's time as EventBridge Scheduler writes `<aws.scheduler.scheduled-time>`: UTC, whole
 * seconds, `Z` (`2022-03-22T18:59:43Z`, the Scheduler User Guide's "Adding context attributes").
 * Every tick is keyed by this one form, whoever sent it and however it wrote the time, so that
 * the missed-run check finds a tick's run where the worker put it.
 */
export function tickTimeText(time: Date | string | number): string {
  const ms = new Date(time).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time: ${String(time)}`);
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
}

/** The idempotency key of a job's schedule tick: every delivery of the tick is one run. */
export function tickIdempotencyKey(jobName: string, scheduledTime: Date | string | number): string {
  return `schedule:${jobName}@${tickTimeText(scheduledTime)}`;
}

/** The run id of a job's schedule tick. */
export function tickRunId(jobName: string, scheduledTime: Date | string | number): string {
  return runIdForKey(jobName, tickIdempotencyKey(jobName, scheduledTime));
}
