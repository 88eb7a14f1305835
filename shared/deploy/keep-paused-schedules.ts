import * as z from 'zod/mini';
import {
  applyPauseStatesToSchedules,
  type ScheduledPausableJob,
} from '../control/schedule-pause-states';
import { JobsError } from '../errors';
import { silentLogger } from '../logging/silent-logger';
import type { JobStateStore } from '../ports/job-state-store';
import type { Logger } from '../ports/logger';
import type { ScheduleControl } from '../ports/schedule-control';
import type { CustomResourceWork } from './custom-resource';

/**
 * The properties of a shard stack's KeepPausedSchedules resource. CloudFormation hands a custom
 * resource its properties as strings, so the jobs travel as one JSON string.
 */
export const KEEP_PAUSED_PROPERTIES = {
  /** `[{ name, paused, scheduled }]`: the stack's jobs. */
  jobs: 'Jobs',
  /**
   * A digest of the stack's schedules as deployed: it changes whenever CloudFormation rewrites
   * a schedule, which is when the step must run again.
   */
  schedulesDigest: 'SchedulesDigest',
} as const;

const jobsSchema = z.array(
  z.strictObject({ name: z.string(), paused: z.boolean(), scheduled: z.boolean() }),
);

/** The jobs a KeepPausedSchedules resource names, as the stack wrote them. */
export function keepPausedJobsProperty(jobs: readonly ScheduledPausableJob[]): string {
  return JSON.stringify(jobs.map(({ name, paused, scheduled }) => ({ name, paused, scheduled })));
}

/** What the step reads and switches. */
export interface KeepPausedPorts {
  readonly jobStateStore: Pick<JobStateStore, 'get' | 'setInitialPauseState'>;
  readonly scheduleControl: ScheduleControl;
}

export interface KeepPausedOptions {
  /** @default - a logger that drops everything */
  readonly logger?: Logger;
  /**
   * How long it may switch schedules before it answers with what is left as failed, well within
   * the resource's service timeout and the function's own. @default 90000
   */
  readonly timeBudgetMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/**
 * After each deploy that changed a schedule of the stack: paused jobs' schedules off again,
 * resumed ones on. Nothing it meets fails the deploy (a failed custom resource would roll the
 * stack back, and the rollback would fail the same way): a schedule it cannot switch, a table
 * it cannot read, even ports it cannot build, are logged as an error, which the function's
 * alarm sees (an alarm on its error log lines, in the data stack); the worker skips a paused
 * job's ticks all the same. Only properties that no construct of this app writes fail it.
 */
export function keepPausedSchedules(
  ports: KeepPausedPorts | (() => KeepPausedPorts),
  options: KeepPausedOptions = {},
): CustomResourceWork {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  return async (event) => {
    const startedAt = now();
    const text = event.ResourceProperties[KEEP_PAUSED_PROPERTIES.jobs];
    const parsed = jobsSchema.safeParse(jsonOrUndefined(String(text)));
    if (!parsed.success) {
      throw new JobsError(
        `${KEEP_PAUSED_PROPERTIES.jobs} must be the JSON list of the stack's jobs ({ name, paused, scheduled }), got ${String(text).slice(0, 200)}: redeploy with the construct that wrote it`,
      );
    }
    let built: KeepPausedPorts;
    try {
      built = typeof ports === 'function' ? ports() : ports;
    } catch (error) {
      logger.error("Paused jobs' schedules were not checked: the function cannot start", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        jobs: parsed.data.map((job) => job.name),
      });
      return { Paused: '', Failed: String(parsed.data.length) };
    }
    const result = await applyPauseStatesToSchedules(parsed.data, built, {
      now,
      deadline: startedAt + (options.timeBudgetMs ?? 90_000),
    });
    if (result.failed.length > 0) {
      logger.error(
        "Some paused jobs' schedules could not be switched off again; the worker still skips their ticks",
        { failed: result.failed },
      );
    }
    return { Paused: result.paused.join(',').slice(0, 1000), Failed: String(result.failed.length) };
  };
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
