import { createHash } from 'node:crypto';
import {
  Annotations,
  ArnFormat,
  CustomResource,
  Duration,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  KEEP_PAUSED_PROPERTIES,
  keepPausedJobsProperty,
} from '../../shared/deploy/keep-paused-schedules';
import type { DeploymentStrategy } from '../../shared/job/deployment';
import type { AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { acknowledge } from '../acknowledge';
import {
  type JobDeployment,
  JobWorker,
  RESOURCES_PER_DEPLOYED_JOB,
  RESOURCES_PER_STACK_WITH_DEPLOYMENTS,
} from '../constructs/job-worker';
import type { WorkerCode } from '../function-code';
import type { ResourceNames } from '../naming';

export interface JobsShardStackProps extends StackProps {
  readonly jobs: readonly AnyNamedJobDefinition[];
  readonly names: ResourceNames;
  readonly codeFor: (jobName: string) => WorkerCode;
  readonly retentionDays?: number;
  readonly logRetention?: logs.RetentionDays;
  /** @default false (see `JobWorkerProps.tracing`) */
  readonly tracing?: boolean;
  /** How jobs without their own `deployment` go out. @default - none: all at once, unversioned */
  readonly deployment?: DeploymentStrategy;
}

/**
 * The jobs of one shard. Each job's constructs are named after the job, so a job keeps its
 * logical ids whichever other jobs come and go; nothing is exported per job. After the stack's
 * schedules change, its KeepPausedSchedules resource switches paused jobs' schedules off again.
 */
export class JobsShardStack extends Stack {
  readonly workers: ReadonlyMap<string, JobWorker>;
  /** Present when the stack has a job with a schedule. */
  readonly keepPausedSchedules?: CustomResource;

  constructor(scope: Construct, id: string, props: JobsShardStackProps) {
    super(scope, id, props);
    const { names } = props;
    const alarmTopic = sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.formatArn({ service: 'sns', resource: names.alarmTopic }),
    );
    const deploymentOf = deploymentsOf(this, props);
    const workers = new Map<string, JobWorker>();
    for (const job of props.jobs) {
      const deployment = deploymentOf(job);
      workers.set(
        job.name,
        new JobWorker(this, `Job-${job.name}`, {
          job,
          names,
          ...props.codeFor(job.name),
          alarmTopic,
          ...(props.retentionDays !== undefined ? { retentionDays: props.retentionDays } : {}),
          ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
          ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
          ...(deployment ? { deployment } : {}),
        }),
      );
    }
    this.workers = workers;

    const schedules = [...workers.values()].flatMap((worker) =>
      worker.schedule ? [worker.schedule] : [],
    );
    // A job declared paused gets its initial pause written here too, schedule or not.
    if (schedules.length === 0 && !props.jobs.some((job) => job.paused)) return;
    // CloudFormation invokes it after every schedule of the stack is in place, and again when one
    // of them changes (its digest does), which is when their states may have been reset, or when
    // the stack's jobs change (a new job's initial pause is written then).
    this.keepPausedSchedules = new CustomResource(this, 'KeepPausedSchedules', {
      resourceType: 'Custom::KeepPausedSchedules',
      serviceToken: this.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: names.pauseKeeperFunction,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      serviceTimeout: Duration.minutes(5),
      properties: {
        [KEEP_PAUSED_PROPERTIES.jobs]: keepPausedJobsProperty(
          props.jobs.map((job) => ({
            name: job.name,
            paused: job.paused,
            scheduled: job.schedule !== undefined,
          })),
        ),
        [KEEP_PAUSED_PROPERTIES.schedulesDigest]: schedulesDigest(this, schedules),
      },
    });
    for (const schedule of schedules) this.keepPausedSchedules.node.addDependency(schedule);
  }
}

/**
 * Each job's deployment by CodeDeploy, if it has one (its own `deployment`, or the app's), over
 * one CodeDeploy application and one service role for the stack, made only when a job needs
 * them. Synth says what they cost the stack in resources.
 */
function deploymentsOf(
  stack: Stack,
  props: JobsShardStackProps,
): (job: AnyNamedJobDefinition) => JobDeployment | undefined {
  const strategyOf = (job: AnyNamedJobDefinition) => job.deployment ?? props.deployment;
  const deployed = props.jobs.filter((job) => strategyOf(job) !== undefined);
  if (deployed.length === 0) return () => undefined;
  const application = new codedeploy.LambdaApplication(stack, 'Deployments', {
    applicationName: stack.stackName,
  });
  const role = new iam.Role(stack, 'DeploymentRole', {
    assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
    description: "CodeDeploy shifts the live aliases of this stack's jobs, watching their alarms",
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited'),
    ],
  });
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    "AWS's own limited policy for CodeDeploy's Lambda deployments: reading and updating aliases, reading alarms and invoking hook functions, which is what the deployment groups do; the role can be assumed by CodeDeploy only.",
  );
  const added = deployed.length * RESOURCES_PER_DEPLOYED_JOB + RESOURCES_PER_STACK_WITH_DEPLOYMENTS;
  Annotations.of(stack).addInfo(
    `${deployed.length} ${deployed.length === 1 ? 'job deploys' : 'jobs deploy'} by CodeDeploy (${deployed
      .map((job) => `${job.name}: ${strategyOf(job)}`)
      .join(
        ', ',
      )}): ${added} resources more in this stack, ${RESOURCES_PER_DEPLOYED_JOB} a job (a version, the live alias, a deployment group and two alarms) and ${RESOURCES_PER_STACK_WITH_DEPLOYMENTS} for the stack (its CodeDeploy application and role)`,
  );
  return (job) => {
    const strategy = strategyOf(job);
    return strategy === undefined ? undefined : { strategy, application, role };
  };
}

/**
 * A digest of every property of the schedules (all that AWS::Scheduler::Schedule has), as the
 * template will hold them: CloudFormation rewrites a schedule, state included, when any of them
 * changes.
 */
function schedulesDigest(stack: Stack, schedules: readonly scheduler.CfnSchedule[]): string {
  const definitions = schedules.map((schedule) =>
    stack.resolve({
      description: schedule.description,
      endDate: schedule.endDate,
      flexibleTimeWindow: schedule.flexibleTimeWindow,
      groupName: schedule.groupName,
      kmsKeyArn: schedule.kmsKeyArn,
      name: schedule.name,
      scheduleExpression: schedule.scheduleExpression,
      scheduleExpressionTimezone: schedule.scheduleExpressionTimezone,
      startDate: schedule.startDate,
      state: schedule.state,
      target: schedule.target,
    }),
  );
  return createHash('sha256').update(JSON.stringify(definitions)).digest('hex').slice(0, 32);
}
