import { JobsError } from '../errors';
import { type AwsLocation, arnOf, awsLocation } from '../naming/aws-location';
import { APP_NAME_PATTERN, ResourceNames } from '../naming/resource-names';
import type { TableNames } from '../tables/table-definitions';

/** The environment variables the deployed functions read; the CDK stack sets them. */
export const WORKER_ENVIRONMENT = {
  executionsTable: 'JOBS_EXECUTIONS_TABLE',
  jobStateTable: 'JOBS_JOB_STATE_TABLE',
  alertConfigTable: 'JOBS_ALERT_CONFIG_TABLE',
  accountId: 'JOBS_ACCOUNT_ID',
  scheduleGroup: 'JOBS_SCHEDULE_GROUP',
  recurringScheduleGroup: 'JOBS_RECURRING_SCHEDULE_GROUP',
  schedulerRoleArn: 'JOBS_SCHEDULER_ROLE_ARN',
  retentionDays: 'JOBS_RETENTION_DAYS',
  /** Which of the jobs bundled together a worker function runs. */
  jobName: 'JOBS_JOB_NAME',
  /** The app's name (`ServerlessJobsProps.appName`): every resource's name derives from it. */
  appName: 'JOBS_APP_NAME',
  /** The address alert emails are sent from; unset when email alerts are not configured. */
  alertEmailSender: 'JOBS_ALERT_EMAIL_SENDER',
  /** The dashboard's base URL, for links to a run in alerts; unset when there is none. */
  dashboardUrl: 'JOBS_DASHBOARD_URL',
  /** How alerts tell someone to look at a run with the CLI, such as `npx jobctl --remote x`. */
  alertCommandPrefix: 'JOBS_ALERT_COMMAND_PREFIX',
} as const;

/** A deployed function's configuration, read from its environment. */
export interface WorkerEnvironment {
  readonly location: AwsLocation;
  /** The names of the app's queues, schedules and functions. */
  readonly names: ResourceNames;
  readonly tables: TableNames;
  /** Absent when the app has no one-off Scheduler support configured. */
  readonly oneOff?: {
    readonly groupName: string;
    readonly roleArn: string;
    /** The app's Scheduler dead-letter queue, for runs Scheduler could not send. */
    readonly deadLetterArn: string;
  };
  readonly retentionDays?: number;
  /** The group of the jobs' recurring schedules, which the API switches off while paused. */
  readonly recurringScheduleGroup?: string;
  /** The Lambda function version that runs, recorded on each execution. */
  readonly codeVersion?: string;
}

/** Reads the environment, naming every missing or malformed variable at once. */
export function readWorkerEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkerEnvironment {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set`);
    return value ?? '';
  };
  const region = required('AWS_REGION');
  const tables = {
    executions: required(WORKER_ENVIRONMENT.executionsTable),
    jobState: required(WORKER_ENVIRONMENT.jobStateTable),
    alertConfig: required(WORKER_ENVIRONMENT.alertConfigTable),
  };
  const appName = required(WORKER_ENVIRONMENT.appName);
  if (appName !== '' && !APP_NAME_PATTERN.test(appName)) {
    problems.push(
      `${WORKER_ENVIRONMENT.appName} must be the app's name (lower-case kebab), got "${appName}"`,
    );
  }
  const accountId = required(WORKER_ENVIRONMENT.accountId);
  const groupName = env[WORKER_ENVIRONMENT.scheduleGroup];
  const roleArn = env[WORKER_ENVIRONMENT.schedulerRoleArn];
  if (Boolean(groupName) !== Boolean(roleArn)) {
    problems.push(
      `${WORKER_ENVIRONMENT.scheduleGroup} and ${WORKER_ENVIRONMENT.schedulerRoleArn} must be set together`,
    );
  }
  const retentionText = env[WORKER_ENVIRONMENT.retentionDays];
  const retentionDays = retentionText === undefined ? undefined : Number(retentionText);
  if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && retentionDays > 0)) {
    problems.push(
      `${WORKER_ENVIRONMENT.retentionDays} must be a whole number of days, got "${retentionText}"`,
    );
  }
  if (problems.length > 0) {
    throw new JobsError(
      `The function's environment is incomplete: ${problems.join('; ')}. These are set by the CDK stack; redeploy it, or set them when running the handler elsewhere.`,
    );
  }
  const codeVersion = env.AWS_LAMBDA_FUNCTION_VERSION;
  const recurringScheduleGroup = env[WORKER_ENVIRONMENT.recurringScheduleGroup];
  const location = awsLocation(region, accountId);
  const names = new ResourceNames(appName);
  const deadLetterArn = arnOf(location, 'sqs', names.schedulerDeadLetterQueue);
  return {
    location,
    names,
    tables,
    ...(groupName && roleArn ? { oneOff: { groupName, roleArn, deadLetterArn } } : {}),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
    ...(recurringScheduleGroup ? { recurringScheduleGroup } : {}),
    ...(codeVersion ? { codeVersion } : {}),
  };
}

/**
 * The environment of one job's function. A shard's functions share one code asset, in which
 * each job has its own entry, `<job>.mjs`; the stack names that entry as the handler and the job
 * in `JOBS_JOB_NAME`. Both come from the same deploy, so if they disagree, the function fails
 * at start rather than run another job's messages.
 */
export function readJobWorkerEnvironment(
  jobName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkerEnvironment {
  const configured = env[WORKER_ENVIRONMENT.jobName];
  if (configured !== jobName) {
    throw new JobsError(
      `This function's handler, ${jobName}.handler, runs job "${jobName}", but ${WORKER_ENVIRONMENT.jobName} is ${configured ? `"${configured}"` : 'not set'}: the CDK stack sets both; redeploy the app`,
    );
  }
  return readWorkerEnvironment(env);
}
