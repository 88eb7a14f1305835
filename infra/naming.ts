import { createHash } from 'node:crypto';

/**
 * Physical names of the app's resources, derived from the app's name and each job's name, so
 * that functions can find each other's queues and the stores their tables without lookups or
 * cross-stack references.
 */
export class ResourceNames {
  constructor(readonly appName: string) {}

  get queueNamePrefix(): string {
    return `${this.appName}-`;
  }

  /** The job's function, queue and schedule share this name. */
  job(jobName: string): string {
    return `${this.appName}-${jobName}`;
  }

  deadLetterQueue(jobName: string): string {
    return `${this.job(jobName)}-dlq`;
  }

  get tables() {
    return {
      executions: `${this.appName}-executions`,
      jobState: `${this.appName}-job-state`,
      alertConfig: `${this.appName}-alert-config`,
    };
  }

  /** The group of the jobs' recurring schedules. */
  get scheduleGroup(): string {
    return this.appName;
  }

  /** The group of one-time schedules that `enqueue({ at })` creates beyond 15 minutes. */
  get oneOffScheduleGroup(): string {
    return `${this.appName}-runs`;
  }

  get schedulerRole(): string {
    return `${this.appName}-scheduler`;
  }

  get schedulerDeadLetterQueue(): string {
    return `${this.appName}-scheduler-dlq`;
  }

  get alarmTopic(): string {
    return `${this.appName}-alarms`;
  }

  get alertTopic(): string {
    return `${this.appName}-alerts`;
  }

  get apiFunction(): string {
    return `${this.appName}-api`;
  }
}

export const APP_NAME_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$|^[a-z]$/;

/** Limits of the names AWS gives resources, for checks at synth. */
export const NAME_LIMITS = {
  functionName: 64,
  scheduleName: 64,
  queueName: 80,
} as const;

/** A short stable hash of a name, for logical ids and shard assignment. */
export function stableHash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
