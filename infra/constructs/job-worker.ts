import { Duration, Names, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  functionTimeoutSeconds,
  maxReceiveCountFor,
  QUEUE_CLASS_SETTINGS,
  VISIBILITY_TIMEOUT_FACTOR,
} from '../../shared/delivery/queue-class-settings';
import type { RunMessage } from '../../shared/delivery/run-message';
import { SCHEDULE_DELIVERY_RETRY } from '../../shared/delivery/schedule-delivery';
import {
  DEPLOYMENT_APPLICATION_TAG,
  type DeploymentStrategy,
  LIVE_ALIAS,
} from '../../shared/job/deployment';
import type { AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { RUN_METRICS } from '../../shared/metrics/powertools-run-metrics';
import {
  DEPLOYMENT_ALARMS,
  JOB_ALARMS,
  metricsNamespace,
  WORKER_SERVICE_NAME,
} from '../../shared/naming/resource-names';
import { WORKER_ENVIRONMENT } from '../../shared/worker/worker-environment';
import { acknowledge, FUNCTION_REASONS, nagArn } from '../acknowledge';
import { firstBreachAlarm } from '../alarms';
import { type ResourceNames, sharedFunctionSettings } from '../naming';
import { InlinePolicyRole } from './inline-policy-role';

export { QUEUE_CLASS_SETTINGS };

export interface JobWorkerProps {
  readonly job: AnyNamedJobDefinition;
  readonly names: ResourceNames;
  readonly code: lambda.Code;
  /**
   * The entry in `code` that runs this job, as `<file>.<export>`.
   * @default 'index.handler'
   */
  readonly handler?: string;
  readonly alarmTopic: sns.ITopic;
  /** @default 90 */
  readonly retentionDays?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether the worker's trace every invocation with X-Ray (active tracing). Off by default: Lambda
   * traces the first request each second and 5% of the rest, so a job that runs less than once a
   * second would have every run traced, at $5 per million traces, more than the rest of a run
   * costs (see "What a run costs" in the README).
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * How a deploy moves the job's runs to its new code (`JobOptions.deployment`, or the app's
   * default), with the stack's CodeDeploy application and role. @default - none: as without
   * versions, the new code takes every run at once
   */
  readonly deployment?: JobDeployment;
}

/** A job's deployment by CodeDeploy, and what its shard shares between its jobs. */
export interface JobDeployment {
  readonly strategy: DeploymentStrategy;
  readonly application: codedeploy.ILambdaApplication;
  readonly role: iam.IRole;
}

/** The resources a job's deployment by CodeDeploy adds to its stack, beyond the job's own. */
export const RESOURCES_PER_DEPLOYED_JOB = 5;
/** And those its stack adds once, for all its jobs deployed so: the application and its role. */
export const RESOURCES_PER_STACK_WITH_DEPLOYMENTS = 2;

const DEPLOYMENT_CONFIGS: Readonly<Record<DeploymentStrategy, codedeploy.ILambdaDeploymentConfig>> =
  {
    allAtOnce: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
    canary10Percent5Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    canary10Percent10Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
    canary10Percent15Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
    canary10Percent30Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
    linear10PercentEvery1Minute: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
    linear10PercentEvery2Minutes: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
    linear10PercentEvery3Minutes: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
    linear10PercentEvery10Minutes:
      codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
  };

/**
 * Everything one job needs, from its definition alone: its queue and dead-letter queue, its
 * worker function fed by the queue, its schedule (if it has one) sending to the queue, and its
 * alarms. Its role may write only its own history and send only to the jobs it declares.
 */
export class JobWorker extends Construct {
  readonly function: lambda.Function;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule?: scheduler.CfnSchedule;
  /**
   * The role Scheduler assumes for the one-time schedules that `enqueue({ at })` makes beyond
   * 15 minutes: it may send only to the jobs this one declares. Present when it declares any.
   */
  readonly laterRunsRole?: iam.Role;
  /** The `live` alias the queue invokes, when the job deploys by CodeDeploy. */
  readonly alias?: lambda.Alias;
  readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: JobWorkerProps) {
    super(scope, id);
    const { job, names } = props;
    const stack = Stack.of(this);
    const functionTimeout = functionTimeoutSeconds(job.timeoutSeconds);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: names.jobDeadLetterQueue(job.name),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: names.job(job.name),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      visibilityTimeout: Duration.seconds(functionTimeout * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(4),
      // A safety net: the worker moves a run whose retries are spent itself (see
      // maxReceiveCountFor), so receives that ran nothing never cost a job a retry.
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: maxReceiveCountFor(job.retries),
      },
    });

    denyInsecureTransport(this, [this.queue, this.deadLetterQueue]);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.logGroup(names.job(job.name)),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new InlinePolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Worker of job ${job.name}`,
    });
    if (job.enqueues.length > 0) this.laterRunsRole = laterRunsRole(this, job, names);
    const settings = sharedFunctionSettings(names, stack.account, job.name);
    this.function = new lambda.Function(this, 'Function', {
      functionName: names.job(job.name),
      description: (job.description ?? job.displayName).slice(0, 256),
      code: props.code,
      ...settings,
      handler: props.handler ?? settings.handler,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      // A deploy publishes a new version and keeps the last: CodeDeploy shifts runs between the
      // two, and `jobctl rollback` moves the alias back to an earlier one.
      ...(props.deployment
        ? { currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN } }
        : {}),
      memorySize: job.memoryMb,
      timeout: Duration.seconds(functionTimeout),
      role,
      logGroup,
      environment: {
        ...settings.environment,
        [WORKER_ENVIRONMENT.jobName]: job.name,
        [WORKER_ENVIRONMENT.retentionDays]: String(props.retentionDays ?? 90),
        ...(job.enqueues.length > 0
          ? {
              [WORKER_ENVIRONMENT.scheduleGroup]: names.oneOffScheduleGroup,
              [WORKER_ENVIRONMENT.schedulerRoleArn]: this.laterRunsRole?.roleArn ?? '',
            }
          : {}),
      },
    });
    grantJobAccess(role, job, names, stack, this.laterRunsRole);
    logGroup.grantWrite(role);

    // Deployed by CodeDeploy, the queue invokes the alias, which a deployment shifts from version
    // to version: a batch runs wholly on the version that took it, which its runs record.
    if (props.deployment) {
      // A Version is an IVersion, which exactOptionalPropertyTypes cannot see (aws/aws-cdk#37996).
      const version: unknown = this.function.currentVersion;
      this.alias = new lambda.Alias(this, 'Live', {
        aliasName: LIVE_ALIAS,
        version: version as lambda.IVersion,
        description: `The version of job ${job.name} its queue invokes`,
      });
    }
    const queueSettings = QUEUE_CLASS_SETTINGS[job.queue];
    // The mapping stays where SqsEventSource put it (under the function, with its logical id)
    // whatever it invokes, so that a job that gains a deployment has its mapping updated in place
    // to the alias (FunctionName updates with no interruption) rather than a second mapping of
    // the same queue created beside the first.
    const invoked: unknown = this.alias ?? this.function;
    new lambda.EventSourceMapping(
      this.function,
      `SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`,
      {
        target: invoked as lambda.IFunction,
        eventSourceArn: this.queue.queueArn,
        batchSize: queueSettings.batchSize,
        ...(queueSettings.maxBatchingWindowSeconds !== undefined
          ? { maxBatchingWindow: Duration.seconds(queueSettings.maxBatchingWindowSeconds) }
          : {}),
        maxConcurrency: queueSettings.maxConcurrency,
        reportBatchItemFailures: true,
      },
    );
    this.queue.grantConsumeMessages(role);
    // The worker changes a message's visibility to retry it after a backoff, and moves a run
    // whose retries are spent, or that can never run, to the dead-letter queue itself.
    this.queue.grant(role, 'sqs:ChangeMessageVisibility');
    this.deadLetterQueue.grant(role, 'sqs:SendMessage');

    if (job.schedule) {
      const tick: RunMessage & Record<string, string> = {
        job: job.name,
        trigger: 'schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        scheduleArn: '<aws.scheduler.schedule-arn>',
        triggeredBy: 'scheduler',
      };
      this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
        name: names.job(job.name),
        groupName: names.scheduleGroup,
        description: `Ticks of job ${job.name}: ${job.schedule.source}`.slice(0, 512),
        scheduleExpression: job.schedule.expression,
        scheduleExpressionTimezone: job.schedule.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        // Where a deploy leaves it: a pause or resume since is applied again by the shard's
        // KeepPausedSchedules step, which runs after the schedules change.
        state: job.paused ? 'DISABLED' : 'ENABLED',
        target: {
          arn: this.queue.queueArn,
          roleArn: schedulerRoleArn(stack, names),
          input: JSON.stringify(tick),
          retryPolicy: SCHEDULE_DELIVERY_RETRY,
          deadLetterConfig: {
            arn: stack.formatArn({ service: 'sqs', resource: names.schedulerDeadLetterQueue }),
          },
        },
      });
    }

    acknowledgeJobFindings(this, job, names, props.tracing ?? false);

    const alarmAction = new actions.SnsAction(props.alarmTopic);
    const alarms = [
      firstBreachAlarm(this, 'DeadLettersAlarm', {
        alarmName: names.jobAlarm(job.name, JOB_ALARMS.deadLetters),
        alarmDescription: `Job ${job.name} has messages in its dead-letter queue: runs that failed every attempt or could never run`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
      }),
      firstBreachAlarm(this, 'ErrorsAlarm', {
        alarmName: names.jobAlarm(job.name, JOB_ALARMS.workerErrors),
        alarmDescription: `The worker of job ${job.name} failed (crashed or timed out), not the job: a job's own failures are in its history`,
        metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      }),
      firstBreachAlarm(this, 'DurationAlarm', {
        alarmName: names.jobAlarm(job.name, JOB_ALARMS.nearTimeout),
        alarmDescription: `A run of job ${job.name} took over 80% of its ${job.timeoutSeconds} s timeout`,
        metric: this.function.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: Math.round(job.timeoutSeconds * 1000 * 0.8),
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(alarmAction);

    if (props.deployment && this.alias) {
      this.deploymentGroup = deploymentGroupOf(this, job, names, props.deployment, this.alias);
      // Where `jobctl versions` and `rollback` find the job's deployments.
      Tags.of(this.function).add(
        DEPLOYMENT_APPLICATION_TAG,
        props.deployment.application.applicationName,
      );
    }
  }
}

/** One of the worker's run metrics of the job, as its Powertools Metrics write them. */
function runMetric(
  names: ResourceNames,
  job: AnyNamedJobDefinition,
  metricName: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(names.appName),
    metricName,
    // As functions/worker.ts's Powertools Metrics write them: the job and the service.
    dimensionsMap: { JobName: job.name, service: WORKER_SERVICE_NAME },
    period,
    statistic: 'Sum',
  });
}

/**
 * The job's CodeDeploy deployment group: it shifts the `live` alias to each new version as the
 * strategy says, watching two alarms of the alias's runs, and moves it back when either fires
 * (or the deployment fails or is stopped).
 */
function deploymentGroupOf(
  worker: JobWorker,
  job: AnyNamedJobDefinition,
  names: ResourceNames,
  deployment: JobDeployment,
  alias: lambda.Alias,
): codedeploy.LambdaDeploymentGroup {
  const period = Duration.minutes(1);
  const canaryAlarms = [
    firstBreachAlarm(worker, 'DeploymentErrorsAlarm', {
      alarmName: names.jobAlarm(job.name, DEPLOYMENT_ALARMS.errors),
      alarmDescription: `The live alias of job ${job.name} failed an invocation (crash or timeout): a deployment in progress rolls back`,
      metric: alias.metricErrors({ period, statistic: 'Sum' }),
    }),
    firstBreachAlarm(worker, 'DeploymentFailedAttemptsAlarm', {
      alarmName: names.jobAlarm(job.name, DEPLOYMENT_ALARMS.failedAttempts),
      alarmDescription: `An attempt of a run of job ${job.name} failed (retried or not): a deployment in progress rolls back`,
      // A job's own errors are caught and reported per message, so the alias's Errors never
      // see them; and a failed attempt's retry may land on the other version. So every failed
      // attempt counts: those the worker retries and those that end their run.
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(retried, 0) + FILL(failed, 0)',
        label: 'Failed attempts',
        period,
        usingMetrics: {
          retried: runMetric(names, job, RUN_METRICS.retried, period),
          failed: runMetric(names, job, RUN_METRICS.failed, period),
        },
      }),
    }),
  ];
  return new codedeploy.LambdaDeploymentGroup(worker, 'Deployment', {
    application: deployment.application,
    deploymentGroupName: names.job(job.name),
    alias,
    deploymentConfig: DEPLOYMENT_CONFIGS[deployment.strategy],
    alarms: canaryAlarms,
    role: deployment.role,
    autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
  });
}

/**
 * What `enforceSSL` does, for both of the job's queues in one policy: each queue gets the whole
 * policy, and a statement about the other queue's ARN does not apply to it.
 */
function denyInsecureTransport(worker: JobWorker, queues: readonly sqs.Queue[]): void {
  const policy = new sqs.QueuePolicy(worker, 'QueuesPolicy', { queues: [...queues] });
  policy.document.addStatements(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sqs:*'],
      resources: queues.map((queue) => queue.queueArn),
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  );
}

function acknowledgeJobFindings(
  worker: JobWorker,
  job: AnyNamedJobDefinition,
  names: ResourceNames,
  tracing: boolean,
): void {
  acknowledge(worker.function, 'Serverless-LambdaDLQ', FUNCTION_REASONS.lambdaDlq);
  acknowledge(
    worker.function,
    'Serverless-LambdaEventSourceMappingDestination',
    "On-failure destinations exist for stream and Kafka sources only; for this SQS source, the worker moves runs that failed every attempt to the queue's dead-letter queue, and the queue's redrive policy backs it up.",
  );
  if (tracing) {
    acknowledge(worker, 'AwsSolutions-IAM5[Resource::*]', FUNCTION_REASONS.xray);
    // The same "*", seen in the role's inline policy, which this rule reads (and a separate
    // AWS::IAM::Policy it does not).
    acknowledge(worker, 'Serverless-LambdaStarPermissions', FUNCTION_REASONS.xray);
  } else {
    acknowledge(worker.function, 'Serverless-LambdaTracing', FUNCTION_REASONS.tracingOff);
  }
  acknowledge(
    worker.deadLetterQueue,
    'Serverless-SQSRedrivePolicy',
    "This is the dead-letter queue of the job's queue: the end of the line, watched by an alarm; its messages are inspected and redriven by hand, not moved to yet another queue.",
  );
  if (job.enqueues.length > 0) {
    acknowledge(
      worker,
      `AwsSolutions-IAM5[Resource::${nagArn(worker, 'scheduler', `schedule/${names.oneOffScheduleGroup}/*`)}]`,
      "enqueue({ at }) beyond 15 minutes creates one-time schedules whose names are run ids, known only at run time; the grant is limited to CreateSchedule in the app's own one-off group.",
    );
  }
}

export function schedulerRoleArn(stack: Stack, names: ResourceNames): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: names.schedulerRole,
  });
}

/** History and state for this job only; the queues of the jobs it declares, and nothing else. */
function grantJobAccess(
  role: iam.Role,
  job: AnyNamedJobDefinition,
  names: ResourceNames,
  stack: Stack,
  laterRuns: iam.Role | undefined,
): void {
  const tableArn = (name: string) =>
    stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: name });
  const ownItemsOnly = {
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [job.name] },
  };
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'OwnHistory',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [tableArn(names.tables.executions)],
      conditions: ownItemsOnly,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'OwnState',
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [tableArn(names.tables.jobState)],
      conditions: ownItemsOnly,
    }),
  );
  if (job.enqueues.length === 0 || !laterRuns) return;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'EnqueueDeclaredJobs',
      actions: ['sqs:SendMessage'],
      resources: job.enqueues.map((target) =>
        stack.formatArn({ service: 'sqs', resource: names.job(target) }),
      ),
    }),
  );
  // Enqueues more than 15 minutes ahead become one-time schedules in the app's own group.
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ScheduleLaterRuns',
      actions: ['scheduler:CreateSchedule'],
      resources: [
        stack.formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${names.oneOffScheduleGroup}/*`,
        }),
      ],
    }),
  );
  // Only its own later-runs role, which may send only to the jobs it declares: the app's
  // Scheduler role, which may send to every job, would let it start any job.
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PassLaterRunsRole',
      actions: ['iam:PassRole'],
      resources: [laterRuns.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
}

/**
 * Scheduler's role for the job's one-time schedules: assumed only for schedules of the app's
 * one-off group (aws:SourceArn is the schedule group's ARN, as Scheduler's confused-deputy
 * guidance requires), sending only to the jobs the job declares, and to Scheduler's dead-letter
 * queue for a run it cannot deliver.
 */
function laterRunsRole(worker: JobWorker, job: AnyNamedJobDefinition, names: ResourceNames) {
  const stack = Stack.of(worker);
  const laterRuns = new InlinePolicyRole(worker, 'LaterRunsRole', {
    description: `EventBridge Scheduler sends the later runs job ${job.name} enqueues`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: names.oneOffScheduleGroup,
          }),
        },
      },
    }),
  });
  laterRuns.addToPolicy(
    new iam.PolicyStatement({
      sid: 'SendToDeclaredJobs',
      actions: ['sqs:SendMessage'],
      resources: [
        ...job.enqueues.map((target) =>
          stack.formatArn({ service: 'sqs', resource: names.job(target) }),
        ),
        stack.formatArn({ service: 'sqs', resource: names.schedulerDeadLetterQueue }),
      ],
    }),
  );
  return laterRuns;
}
