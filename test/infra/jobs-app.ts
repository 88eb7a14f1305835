import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { ServerlessJobs } from '../../infra/serverless-jobs';
import type { StackAssignment } from '../../infra/stack-assignment';
import type { JobsShardStack } from '../../infra/stacks/jobs-shard-stack';
import type { JobSource } from '../../infra/validate-jobs';
import { defineJob } from '../../shared/job/define-job';
import type { DeploymentStrategy } from '../../shared/job/deployment';
import type { AnyJobDefinition } from '../../shared/job/job-definition';

/** The first app of a file loads most of aws-cdk-lib: allow for a slow machine. */
export const SYNTH_TIMEOUT_MS = 30_000;

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const APP_NAME = 'acme';
export const SHARD_COUNT = 4;

export const RECURRING_JOB = 'daily-report';
export const ONE_OFF_JOB = 'year-end-close';
export const ON_DEMAND_JOB = 'send-email';

/** A year from now, as `at` takes a local time: 'YYYY-MM-DDTHH:mm:ss' (in UTC). */
export function aYearAhead(): string {
  return A_YEAR_AHEAD;
}

// Taken once, so that two apps a test builds a second apart give a job the same `at` time.
const A_YEAR_AHEAD = (() => {
  const time = new Date();
  time.setUTCFullYear(time.getUTCFullYear() + 1);
  return time.toISOString().slice(0, 19);
})();

/** A job as discovery hands it over: named, with its absolute and relative file. */
export function jobSource(definition: AnyJobDefinition): JobSource {
  const { name } = definition;
  if (name === undefined) throw new Error('test jobs need an explicit name');
  const relativeFile = `functions/jobs/${name}.job.ts`;
  return {
    definition: { ...definition, name, displayName: definition.displayName ?? name },
    file: `/project/${relativeFile}`,
    relativeFile,
  };
}

export function recurringJob(): JobSource {
  return jobSource(
    defineJob({
      name: RECURRING_JOB,
      schedule: { cron: '0 7 * * *', timezone: 'Europe/London' },
      retries: 2,
      timeout: '2 minutes',
      memoryMb: 512,
      queue: 'critical',
      enqueues: [ON_DEMAND_JOB],
      run: async () => {},
    }),
  );
}

export function oneOffJob(at = aYearAhead()): JobSource {
  return jobSource(
    defineJob({ name: ONE_OFF_JOB, schedule: { at, timezone: 'UTC' }, run: async () => {} }),
  );
}

export function onDemandJob(): JobSource {
  return jobSource(defineJob({ name: ON_DEMAND_JOB, queue: 'batch', run: async () => {} }));
}

export function threeJobs(): JobSource[] {
  return [recurringJob(), oneOffJob(), onDemandJob()];
}

export interface JobsAppOptions {
  /** @default threeJobs() */
  readonly jobs?: readonly JobSource[];
  /** @default APP_NAME */
  readonly appName?: string;
  /** Shards of the hash the app adopts when it has no assignment yet. @default SHARD_COUNT */
  readonly hashShardCount?: number;
  /** @default - none: the app adopts the hash assignment */
  readonly previousStackAssignment?: StackAssignment;
  /** Leave the stacks' account and region to deploy time, as infra/app.ts does. @default false */
  readonly environmentAgnostic?: boolean;
  /**
   * Run CDK's own CloudFormation validation at synth, as `cdk synth` does. Off for template
   * assertions, where it is most of the time a test takes and none of what it checks.
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
  /** @default - no email alerts */
  readonly alertEmailSender?: string;
  /** @default - alerts link no dashboard */
  readonly dashboardUrl?: string;
  /** @default - nobody is subscribed to the alarm topic */
  readonly alarmEmails?: readonly string[];
  /** @default - X-Ray tracing off */
  readonly tracing?: boolean;
  /** The app's default deployment strategy. @default - none */
  readonly deployment?: DeploymentStrategy;
}

export interface JobsApp {
  readonly app: App;
  readonly jobs: ServerlessJobs;
}

/** A fresh app with inline code, so that nothing is bundled. */
export function buildJobsApp(options: JobsAppOptions = {}): JobsApp {
  const app = new App({
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
  const jobs = new ServerlessJobs(app, 'Jobs', {
    jobs: options.jobs ?? threeJobs(),
    appName: options.appName ?? APP_NAME,
    hashShardCount: options.hashShardCount ?? SHARD_COUNT,
    ...(options.previousStackAssignment
      ? { previousStackAssignment: options.previousStackAssignment }
      : {}),
    code: {
      worker: (jobName) => ({
        code: lambda.Code.fromInline('export const handler = () => {}'),
        handler: `${jobName}.handler`,
      }),
      api: lambda.Code.fromInline('export const handler = () => {}'),
      alerts: lambda.Code.fromInline('export const handler = () => {}'),
      keepPaused: lambda.Code.fromInline('export const handler = () => {}'),
      sweep: lambda.Code.fromInline('export const handler = () => {}'),
    },
    ...(options.environmentAgnostic ? {} : { env: { account: ACCOUNT, region: REGION } }),
    ...(options.alertEmailSender !== undefined
      ? { alertEmailSender: options.alertEmailSender }
      : {}),
    ...(options.dashboardUrl !== undefined ? { dashboardUrl: options.dashboardUrl } : {}),
    ...(options.alarmEmails !== undefined ? { alarmEmails: options.alarmEmails } : {}),
    ...(options.tracing !== undefined ? { tracing: options.tracing } : {}),
    ...(options.deployment !== undefined ? { deployment: options.deployment } : {}),
  });
  return { app, jobs };
}

/** The shard stack that holds the job. */
export function stackOf(jobs: ServerlessJobs, jobName: string): JobsShardStack {
  const stack = jobs.shardStacks.find((shard) => shard.workers.has(jobName));
  if (!stack) throw new Error(`no shard stack holds job ${jobName}`);
  return stack;
}

export function workerOf(jobs: ServerlessJobs, jobName: string) {
  const worker = stackOf(jobs, jobName).workers.get(jobName);
  if (!worker) throw new Error(`no worker for job ${jobName}`);
  return worker;
}

export function templateOf(jobs: ServerlessJobs, jobName: string): Template {
  return Template.fromStack(stackOf(jobs, jobName));
}

/** The logical id of a construct's CloudFormation resource, such as a queue's AWS::SQS::Queue. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

/** An ARN as `Stack.formatArn` renders it in the test account and region. */
export function arn(service: string, resource: string, region: string = REGION) {
  return {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, `:${service}:${region}:${ACCOUNT}:${resource}`],
    ],
  };
}

export function getAtt(logicalId: string, attribute: string) {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of the policies of the job's role: inline, and any attached to it. */
export function roleStatements(jobs: ServerlessJobs, jobName: string): PolicyStatement[] {
  const role = workerOf(jobs, jobName).function.role;
  if (!role) throw new Error(`the function of job ${jobName} has no role`);
  return statementsOfRole(templateOf(jobs, jobName), logicalIdOf(role));
}

/** Every statement of a role's policies in the template: inline, and any attached to it. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  type Document = { Statement: PolicyStatement[] };
  const role = template.toJSON().Resources[roleLogicalId] as
    | { Properties: { Policies?: { PolicyDocument: Document }[] } }
    | undefined;
  if (!role) throw new Error(`no role ${roleLogicalId} in the template`);
  const inline = (role.Properties.Policies ?? []).map((policy) => policy.PolicyDocument);
  const attached = Object.values(
    template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleLogicalId }] },
    }),
  ).map(
    (policy) => (policy as { Properties: { PolicyDocument: Document } }).Properties.PolicyDocument,
  );
  return [...inline, ...attached].flatMap((document) => document.Statement);
}

export function actionsOf(statement: PolicyStatement): readonly string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}
