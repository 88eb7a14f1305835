import { JobsError } from '../errors';

/** Lower-case kebab, starting with a letter, at most 24 characters: never contains `_`. */
export const APP_NAME_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$|^[a-z]$/;

/**
 * The namespaces in which AWS wants a physical name unique (per account and region, or per
 * schedule group for schedules): two resources of one kind with one name cannot both exist.
 */
export type ResourceKind =
  | 'SQS queue'
  | 'Lambda function'
  | 'log group'
  | 'schedule'
  | 'schedule group'
  | 'DynamoDB table'
  | 'SNS topic'
  | 'IAM role'
  | 'CloudWatch alarm'
  | 'CloudWatch dashboard'
  | 'EventBridge rule';

/** A name the app gives a resource, and who it belongs to: a job, or the app itself. */
export interface PhysicalName {
  readonly kind: ResourceKind;
  readonly name: string;
  /** The job whose resource this is; absent for the app's own resources. */
  readonly job?: string;
  /** What the resource is, for messages: "the alerts function", "the queue". */
  readonly role: string;
}

/** What the names of a job's resources depend on. */
export interface NamedJob {
  readonly name: string;
  readonly schedule?: unknown;
  /** Its own deployment strategy, when it deploys by CodeDeploy. */
  readonly deployment?: unknown;
}

/** The alarms every job gets, by the words that end their names. */
export const JOB_ALARMS = {
  deadLetters: 'dead letters',
  workerErrors: 'worker errors',
  nearTimeout: 'near timeout',
} as const;

/** The alarms a job deployed by CodeDeploy gets besides, which its deployments watch. */
export const DEPLOYMENT_ALARMS = {
  errors: 'deployment errors',
  failedAttempts: 'deployment failed attempts',
} as const;

type JobAlarm =
  | (typeof JOB_ALARMS)[keyof typeof JOB_ALARMS]
  | (typeof DEPLOYMENT_ALARMS)[keyof typeof DEPLOYMENT_ALARMS];

/** The `service` the workers' logs and metrics carry (Powertools' service name). */
export const WORKER_SERVICE_NAME = 'jobs-worker';

/** The alarms of the alerts function, by the words that end their names. */
export const ALERTS_ALARMS = {
  deadLetters: 'dead letters',
  errors: 'errors',
  lag: 'lag',
} as const;

/**
 * Physical names of an app's resources, derived from the app's name and each job's name, so
 * that functions find each other's queues and tables without lookups or cross-stack references.
 *
 * Every name starts with `<app>_`. Neither app names nor job names may contain `_`, so the first
 * `_` of a name ends the app's name: no resource of app `jobs` can be named like one of app
 * `jobs-staging`, and an IAM pattern `jobs_*` never matches `jobs-staging_*`. Within an app,
 * `collisions()` finds any two resources of one kind that would get one name.
 */
export class ResourceNames {
  readonly appName: string;

  constructor(appName: string) {
    if (!APP_NAME_PATTERN.test(appName)) {
      throw new JobsError(
        `appName must be lower-case kebab of 1 to 24 characters starting with a letter, got "${appName}"`,
      );
    }
    this.appName = appName;
  }

  /** Starts every name of this app's resources, and no other app's. */
  get prefix(): string {
    return `${this.appName}_`;
  }

  /** The job's function, queue and recurring schedule share this name. */
  job(jobName: string): string {
    return `${this.prefix}${jobName}`;
  }

  /** A job's dead-letter queue. Every dead-letter queue the app consumes ends in `_dlq`. */
  jobDeadLetterQueue(jobName: string): string {
    return deadLetterQueueOf(this.job(jobName));
  }

  /** The job whose queue this is (`job()` read backwards), or undefined for any other name. */
  jobOfQueue(queueName: string): string | undefined {
    if (!queueName.startsWith(this.prefix)) return undefined;
    const jobName = queueName.slice(this.prefix.length);
    return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(jobName) ? jobName : undefined;
  }

  /** The name of a Lambda function's log group. */
  logGroup(functionName: string): string {
    return `/aws/lambda/${functionName}`;
  }

  jobAlarm(jobName: string, alarm: JobAlarm): string {
    return `${this.job(jobName)} ${alarm}`;
  }

  get tables() {
    return {
      executions: `${this.prefix}executions`,
      jobState: `${this.prefix}job-state`,
      alertConfig: `${this.prefix}alert-config`,
    };
  }

  /** The group of the jobs' recurring schedules. */
  get scheduleGroup(): string {
    return `${this.prefix}schedules`;
  }

  /** The group of one-time schedules that `enqueue({ at })` creates beyond 15 minutes. */
  get oneOffScheduleGroup(): string {
    return `${this.prefix}runs`;
  }

  get schedulerRole(): string {
    return `${this.prefix}scheduler`;
  }

  /**
   * Where Scheduler puts the ticks and one-off runs it could not deliver. Not `_dlq`: the
   * Scheduler role, which is denied the dead-letter queues of jobs, must send to this one.
   */
  get schedulerDeadLetterQueue(): string {
    return `${this.prefix}scheduler-dlq`;
  }

  /** Goes off when Scheduler could not send a tick or a one-off run to its queue. */
  get schedulerDeadLettersAlarm(): string {
    return `${this.prefix}scheduler undelivered runs`;
  }

  get alarmTopic(): string {
    return `${this.prefix}alarms`;
  }

  get apiFunction(): string {
    return `${this.prefix}api`;
  }

  /** The function that reads the executions table's stream and sends alerts. */
  get alertsFunction(): string {
    return `${this.prefix}alerts`;
  }

  alertsAlarm(alarm: (typeof ALERTS_ALARMS)[keyof typeof ALERTS_ALARMS]): string {
    return `${this.alertsFunction} ${alarm}`;
  }

  /** Where the alerts function's stream batches go once their retries are spent. */
  get alertsDeadLetterQueue(): string {
    return `${this.prefix}alerts_dlq`;
  }

  /** The function a deploy runs to switch paused jobs' schedules off again. */
  get pauseKeeperFunction(): string {
    return `${this.prefix}keep-paused`;
  }

  /** Goes off when the function that keeps paused schedules off logs an error. */
  get pauseKeeperErrorsAlarm(): string {
    return `${this.pauseKeeperFunction} errors`;
  }

  /** The function that ends the runs no worker will end: see shared/sweep. */
  get runSweeperFunction(): string {
    return `${this.prefix}run-sweeper`;
  }

  /** The EventBridge rule that invokes the run sweeper every few minutes. */
  get runSweeperRule(): string {
    return this.runSweeperFunction;
  }

  /** Goes off when the run sweeper fails. */
  get runSweeperErrorsAlarm(): string {
    return `${this.runSweeperFunction} errors`;
  }

  get dashboard(): string {
    return `${this.prefix}jobs`;
  }

  /** Every named resource of one job. */
  ofJob(job: NamedJob): PhysicalName[] {
    const of = (kind: ResourceKind, name: string, role: string): PhysicalName => ({
      kind,
      name,
      job: job.name,
      role,
    });
    const functionName = this.job(job.name);
    return [
      of('SQS queue', this.job(job.name), 'queue'),
      of('SQS queue', this.jobDeadLetterQueue(job.name), 'dead-letter queue'),
      of('Lambda function', functionName, 'worker function'),
      of('log group', this.logGroup(functionName), "worker's log group"),
      ...(job.schedule ? [of('schedule', this.job(job.name), 'schedule')] : []),
      ...[
        ...Object.values(JOB_ALARMS),
        // A job deployed by the app's default deployment has them too; job names have no spaces,
        // so theirs never meet another job's.
        ...(job.deployment !== undefined ? Object.values(DEPLOYMENT_ALARMS) : []),
      ].map((alarm) => of('CloudWatch alarm', this.jobAlarm(job.name, alarm), `"${alarm}" alarm`)),
    ];
  }

  /** Every named resource the app makes beside its jobs. */
  ofApp(): PhysicalName[] {
    const of = (kind: ResourceKind, name: string, role: string): PhysicalName => ({
      kind,
      name,
      role,
    });
    const functions: [string, string][] = [
      [this.apiFunction, 'REST API function'],
      [this.alertsFunction, 'alerts function'],
      [this.pauseKeeperFunction, 'function that keeps paused schedules off'],
      [this.runSweeperFunction, 'run sweeper function'],
    ];
    return [
      of('DynamoDB table', this.tables.executions, 'executions table'),
      of('DynamoDB table', this.tables.jobState, 'job-state table'),
      of('DynamoDB table', this.tables.alertConfig, 'alert-config table'),
      of('schedule group', this.scheduleGroup, 'schedule group'),
      of('schedule group', this.oneOffScheduleGroup, 'one-off schedule group'),
      of('IAM role', this.schedulerRole, "Scheduler's role"),
      of('SQS queue', this.schedulerDeadLetterQueue, "Scheduler's dead-letter queue"),
      of('SQS queue', this.alertsDeadLetterQueue, "alerts function's dead-letter queue"),
      of('SNS topic', this.alarmTopic, 'alarm topic'),
      of('CloudWatch alarm', this.schedulerDeadLettersAlarm, "Scheduler's undelivered-runs alarm"),
      of('CloudWatch alarm', this.pauseKeeperErrorsAlarm, "keep-paused function's errors alarm"),
      of('EventBridge rule', this.runSweeperRule, "run sweeper's schedule"),
      of('CloudWatch alarm', this.runSweeperErrorsAlarm, "run sweeper's errors alarm"),
      of('CloudWatch dashboard', this.dashboard, 'dashboard'),
      ...functions.flatMap(([name, role]) => [
        of('Lambda function', name, role),
        of('log group', this.logGroup(name), `${role}'s log group`),
      ]),
      ...Object.values(ALERTS_ALARMS).map((alarm) =>
        of('CloudWatch alarm', this.alertsAlarm(alarm), `alerts function's "${alarm}" alarm`),
      ),
    ];
  }

  /** Every pair of resources of one kind that the app would give one name. */
  collisions(jobs: readonly NamedJob[]): NameCollision[] {
    const taken = new Map<string, PhysicalName>();
    const found: NameCollision[] = [];
    for (const entry of [...this.ofApp(), ...jobs.flatMap((job) => this.ofJob(job))]) {
      const key = `${entry.kind}\u0000${entry.name}`;
      const first = taken.get(key);
      if (first) found.push({ first, second: entry });
      else taken.set(key, entry);
    }
    return found;
  }
}

/** The dead-letter queue of the queue named `queueName`. */
export function deadLetterQueueOf(queueName: string): string {
  return `${queueName}_dlq`;
}

/** Two resources of one kind with one name: CloudFormation would fail to create the second. */
export interface NameCollision {
  readonly first: PhysicalName;
  readonly second: PhysicalName;
}

/** The CloudWatch namespace of an app's metrics: the runs' metrics and its alarms' own. */
export function metricsNamespace(appName: string): string {
  return `Jobs/${appName}`;
}
