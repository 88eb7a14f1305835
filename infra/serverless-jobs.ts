import { CfnResource, type Environment, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { JobsError } from '../shared/errors';
import { DEPLOYMENT_STRATEGIES, type DeploymentStrategy } from '../shared/job/deployment';
import { bundleJobCode, type FunctionCode } from './function-code';
import { APP_NAME_PATTERN, ResourceNames } from './naming';
import {
  assignJobsToStacks,
  groupByStack,
  HASH_SHARD_COUNT,
  jobStackName,
  MAX_RESOURCES_PER_STACK,
  STACK_ASSIGNMENT_FILE,
  type StackAssignment,
} from './stack-assignment';
import { ControlStack } from './stacks/control-stack';
import { DataStack } from './stacks/data-stack';
import { JobsShardStack } from './stacks/jobs-shard-stack';
import { type JobSource, validateJobsForDeployment } from './validate-jobs';

export interface ServerlessJobsProps {
  /** The jobs to deploy, as `discoverJobs()` finds them. */
  readonly jobs: readonly JobSource[];
  /**
   * Prefixes every resource name: tables, queues, functions, schedules. Lower-case kebab, at
   * most 24 characters.
   * @default 'jobs'
   */
  readonly appName?: string;
  /**
   * The stack each job was assigned to, as `job-stacks.txt` beside `cdk.json` holds it (read it
   * with `parseStackAssignment`). Every job keeps its stack; a new job goes to a stack with room,
   * and a stack is added when every stack is full. `stackAssignment` on the construct is the
   * assignment after this synth, to write back.
   * @default - no assignment yet: each job stays in the stack a hash of its name put it in (as
   * apps deployed before the file did), and a job that does not fit there goes to a stack with room
   */
  readonly previousStackAssignment?: StackAssignment;
  /**
   * Only for an app deployed before `job-stacks.txt` existed, with no assignment yet: the number
   * of shards its jobs were spread over by hash (its `-c jobs:shardCount`).
   * @default 16
   */
  readonly hashShardCount?: number;
  /** Days runs stay in history. @default 90 */
  readonly retentionDays?: number;
  /**
   * How long the logs of the workers and of the alerts function are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The address alert emails are sent from, such as `jobs@example.com` or
   * `Jobs <jobs@example.com>`. Verify it in Amazon SES, in the app's region, first: the address
   * itself or its domain (and, while the account is in the SES sandbox, each recipient too).
   * The alerts function may send from this address and no other.
   * @default - no email alerts: the alerts function gets no SES permission, and an alert for
   * email recipients is recorded as not delivered, saying that email is not configured
   */
  readonly alertEmailSender?: string;
  /**
   * Who hears the app's CloudWatch alarms (dead letters, worker errors, runs near their timeout,
   * undelivered ticks, failing alerts, a failing run sweeper): each address is subscribed to the alarm topic by email,
   * and must confirm once from the message SNS sends it.
   * @default - nobody: subscribe to the `<app>_alarms` topic yourself (email, chat, paging)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * The address of a dashboard that shows runs, for a link to the run in each alert.
   * @default - alerts carry no link
   */
  readonly dashboardUrl?: string;
  /**
   * Whether the job workers and the alerts function trace every invocation with X-Ray. Off by
   * default: most runs of a job that runs less than once a second would be traced, at $5 per
   * million traces (see "What a run costs" in the README).
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * How the new code of jobs without their own `deployment` goes out: a job then runs behind its
   * `live` alias, which CodeDeploy shifts by this strategy and moves back when the job's alarms
   * fire (see `JobOptions.deployment`).
   * @default - none: all at once, without versions (a job may still set its own)
   */
  readonly deployment?: DeploymentStrategy;
  /** The folder with `functions/` and the job files. @default process.cwd() */
  readonly projectRoot?: string;
  /**
   * Whether functions bundle the AWS SDK or use the Lambda runtime's.
   * @default 'bundle' (it loads faster: see bench/lambda-bundle.bench.ts)
   */
  readonly awsSdk?: 'bundle' | 'runtime';
  /** Where the bundles are built, before CDK stages them. @default `<projectRoot>/.cache/lambda` */
  readonly bundleDir?: string;
  /**
   * @default - esbuild bundles every function: one bundle per shard, whose functions each load
   * only their own job file, one for the API, one for the alerts function, and one each for the
   * keep-paused function and the run sweeper
   */
  readonly code?: FunctionCode;
  /** @default - the CLI's account and region */
  readonly env?: Environment;
}

/**
 * Turns job definitions into a deployable app: a data stack (tables and what every job shares),
 * a control stack (the REST API, the alerts function and the dashboard) and the jobs spread over
 * shard stacks, each job with its queue, dead-letter queue, worker, schedule and alarms.
 */
export class ServerlessJobs extends Construct {
  readonly names: ResourceNames;
  readonly dataStack: DataStack;
  readonly controlStack: ControlStack;
  readonly shardStacks: readonly JobsShardStack[];
  /** The stack of every job after this synth: what `job-stacks.txt` must hold. */
  readonly stackAssignment: StackAssignment;

  constructor(scope: Construct, id: string, props: ServerlessJobsProps) {
    super(scope, id);
    const appName = props.appName ?? 'jobs';
    if (!APP_NAME_PATTERN.test(appName)) {
      throw new JobsError(
        `appName must be lower-case kebab of 1 to 24 characters starting with a letter, got "${appName}"`,
      );
    }
    const deployment: unknown = props.deployment;
    if (deployment !== undefined && !DEPLOYMENT_STRATEGIES.some((name) => name === deployment)) {
      throw new JobsError(
        `deployment (-c jobs:deployment) must be one of ${DEPLOYMENT_STRATEGIES.join(', ')} (CDK's names of Lambda's deployment configurations), got ${JSON.stringify(deployment)}`,
      );
    }
    const hashShardCount = props.hashShardCount ?? HASH_SHARD_COUNT;
    if (!Number.isInteger(hashShardCount) || hashShardCount < 1 || hashShardCount > 200) {
      throw new JobsError(
        `hashShardCount (-c jobs:shardCount) must be a whole number from 1 to 200, got ${hashShardCount}`,
      );
    }
    const names = new ResourceNames(appName);
    this.names = names;
    validateJobsForDeployment(props.jobs, names);
    const stackAssignment = assignJobsToStacks({
      jobNames: props.jobs.map((source) => source.definition.name),
      hashShardCount,
      ...(props.previousStackAssignment ? { previous: props.previousStackAssignment } : {}),
    });
    this.stackAssignment = stackAssignment;
    const code =
      props.code ??
      bundleJobCode({
        projectRoot: props.projectRoot ?? process.cwd(),
        jobs: props.jobs,
        appName,
        stackAssignment,
        ...(props.awsSdk ? { awsSdk: props.awsSdk } : {}),
        ...(props.bundleDir ? { outDir: props.bundleDir } : {}),
      });
    const jobs = props.jobs.map((source) => source.definition);
    const env = props.env ? { env: props.env } : {};

    this.dataStack = new DataStack(this, `${appName}-data`, {
      stackName: `${appName}-data`,
      description: `Jobs app "${appName}": tables (retained on delete), schedule groups, alarm topic`,
      names,
      pauseKeeperCode: code.keepPaused,
      ...(props.alarmEmails !== undefined ? { alarmEmails: props.alarmEmails } : {}),
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
      ...env,
    });
    this.controlStack = new ControlStack(this, `${appName}-control`, {
      stackName: `${appName}-control`,
      description: `Jobs app "${appName}": REST API, alerts, run sweeper and dashboard`,
      names,
      jobs,
      code: code.api,
      sweepCode: code.sweep,
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
      alerts: {
        code: code.alerts,
        executionsTable: tableInterface(this.dataStack.executionsTable),
        ...(props.alertEmailSender !== undefined ? { emailSender: props.alertEmailSender } : {}),
        ...(props.dashboardUrl !== undefined ? { dashboardUrl: props.dashboardUrl } : {}),
        ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
        ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
      },
      ...env,
    });
    this.controlStack.addStackDependency(this.dataStack);

    // A stack exists only while it holds jobs: `cdk deploy --all` deploys no empty stack.
    const stacks = groupByStack(jobs, (job) => job.name, stackAssignment);
    this.shardStacks = [...stacks].map(([index, stackJobs]) => {
      const stackId = jobStackName(appName, index);
      const stack = new JobsShardStack(this, stackId, {
        stackName: stackId,
        description: `Jobs app "${appName}": jobs of stack ${index} (see ${STACK_ASSIGNMENT_FILE})`,
        jobs: stackJobs,
        names,
        codeFor: (jobName) => code.worker(jobName),
        ...(props.retentionDays !== undefined ? { retentionDays: props.retentionDays } : {}),
        ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
        ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
        ...(props.deployment !== undefined ? { deployment: props.deployment } : {}),
        ...env,
      });
      stack.addStackDependency(this.dataStack);
      stack.node.addValidation({ validate: () => stackCapacityProblems(stack) });
      return stack;
    });
  }
}

/**
 * `table` as the ITable that CDK's event sources take. A Table is one, through TableBase, but
 * aws-cdk-lib types its tableStreamArn `string | undefined` where ITable has `?: string`, which
 * exactOptionalPropertyTypes tells apart (aws/aws-cdk#37996): the compiler needs the check.
 */
function tableInterface(table: dynamodb.Table): dynamodb.ITable {
  const value: unknown = table;
  if (value instanceof dynamodb.TableBase) return value;
  throw new JobsError(
    `The table ${table.node.path} must be a DynamoDB TableBase, as every Table is`,
  );
}

function stackCapacityProblems(stack: Stack): string[] {
  const resources = stack.node.findAll().filter((node) => node instanceof CfnResource).length;
  if (resources <= MAX_RESOURCES_PER_STACK) return [];
  return [
    `${stack.stackName} holds ${resources} resources, over the ${MAX_RESOURCES_PER_STACK} this app allows a stack (CloudFormation's limit is 500). Its jobs were put there by hand in ${STACK_ASSIGNMENT_FILE}, or grew (a job with a deployment by CodeDeploy adds 5, and its stack 2 once): move the lines of jobs not yet deployed to a new stack number, or split the stack's jobs into new apps`,
  ];
}
