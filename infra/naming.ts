import { createHash } from 'node:crypto';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { WORKER_ENVIRONMENT } from '../shared/worker/worker-environment';

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

  /** The function that reads the executions table's stream and sends alerts. */
  get alertsFunction(): string {
    return `${this.appName}-alerts`;
  }

  /** Where the alerts function's stream batches go once their retries are spent. */
  get alertsDeadLetterQueue(): string {
    return `${this.appName}-alerts-dlq`;
  }
}

export const APP_NAME_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$|^[a-z]$/;

/**
 * The settings every function of the app shares: the Node.js options, and where the tables and
 * queues are (read by `readWorkerEnvironment`). Also the fields every function's props share.
 */
export function sharedFunctionSettings(names: ResourceNames, account: string, serviceName: string) {
  return {
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    environment: {
      POWERTOOLS_SERVICE_NAME: serviceName,
      [WORKER_ENVIRONMENT.executionsTable]: names.tables.executions,
      [WORKER_ENVIRONMENT.jobStateTable]: names.tables.jobState,
      [WORKER_ENVIRONMENT.alertConfigTable]: names.tables.alertConfig,
      [WORKER_ENVIRONMENT.queueNamePrefix]: names.queueNamePrefix,
      [WORKER_ENVIRONMENT.accountId]: account,
    },
  } satisfies Partial<lambda.FunctionProps>;
}

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
