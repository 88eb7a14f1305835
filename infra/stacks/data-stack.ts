import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { JobsError } from '../../shared/errors';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  type TableDefinition,
} from '../../shared/tables/table-definitions';
import { acknowledge, nagArn } from '../acknowledge';
import { firstBreachAlarm } from '../alarms';
import { PauseKeeper } from '../constructs/pause-keeper';
import type { ResourceNames } from '../naming';

export interface DataStackProps extends StackProps {
  readonly names: ResourceNames;
  /** The code of the function that keeps paused jobs' schedules off across deploys. */
  readonly pauseKeeperCode: lambda.Code;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Subscribed to the alarm topic by email. @default - none */
  readonly alarmEmails?: readonly string[];
}

/**
 * What outlives any deploy of the jobs: the tables (retained on delete, with point-in-time
 * recovery), and what every job stack uses by name: the schedule groups, the role and
 * dead-letter queue of Scheduler, the topic alarms publish to, and the function that keeps
 * paused jobs' schedules off across deploys.
 */
export class DataStack extends Stack {
  readonly executionsTable: dynamodb.Table;
  readonly jobStateTable: dynamodb.Table;
  readonly alertConfigTable: dynamodb.Table;
  readonly schedulerRole: iam.Role;
  readonly schedulerDeadLetterQueue: sqs.Queue;
  readonly alarmTopic: sns.Topic;
  readonly alertsDeadLetterQueue: sqs.Queue;
  readonly pauseKeeper: PauseKeeper;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { names } = props;

    this.executionsTable = table(this, 'Executions', EXECUTIONS_TABLE, names.tables.executions);
    this.jobStateTable = table(this, 'JobState', JOB_STATE_TABLE, names.tables.jobState);
    this.alertConfigTable = table(
      this,
      'AlertConfig',
      ALERT_CONFIG_TABLE,
      names.tables.alertConfig,
    );

    new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', { name: names.scheduleGroup });
    new scheduler.CfnScheduleGroup(this, 'OneOffScheduleGroup', {
      name: names.oneOffScheduleGroup,
    });

    this.schedulerDeadLetterQueue = new sqs.Queue(this, 'SchedulerDeadLetterQueue', {
      queueName: names.schedulerDeadLetterQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // One role for every schedule of the app: a statement per queue would outgrow IAM's policy
    // size long before 1,000 jobs, so it may send to the app's queues by their name prefix
    // (`<app>_`, which no other app's names start with), and not to their dead-letter queues.
    // Scheduler assumes it only for the app's recurring schedules (the one-time ones that jobs
    // make have a role per job, see JobWorker): the confused-deputy conditions AWS documents for
    // Scheduler's execution role, whose aws:SourceArn is the schedule group's ARN (never a
    // schedule's, nor a schedule name prefix, which Scheduler would refuse).
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      roleName: names.schedulerRole,
      description: 'EventBridge Scheduler sends run messages to the job queues of this app',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: names.scheduleGroup,
            }),
          },
        },
      }),
    });
    const { allowed, denied } = jobQueuePatterns(this, names);
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendRunsToJobQueues',
        actions: ['sqs:SendMessage'],
        resources: allowed,
      }),
    );
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverToDeadLetterQueues',
        effect: iam.Effect.DENY,
        actions: ['sqs:SendMessage'],
        resources: denied,
      }),
    );

    acknowledge(
      this.schedulerRole,
      `AwsSolutions-IAM5[Resource::${nagArn(this.schedulerRole, 'sqs', `${names.prefix}*`)}]`,
      "Schedules send to every job queue of this app, and only to its queues (by their name prefix, which no other app's names start with), never to a dead-letter queue (denied); one statement per queue would outgrow IAM's policy size with many jobs.",
    );
    for (const deadLetterQueue of [this.schedulerDeadLetterQueue]) {
      acknowledgeDeadLetterQueue(deadLetterQueue, 'EventBridge Scheduler');
    }

    // CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key. A topic policy
    // replaces SNS's default one, so the alarms' right to publish must be in it; both it and the
    // key's grant hold only for this app's alarms, in this account (the confused-deputy
    // conditions AWS documents for CloudWatch).
    const fromThisAppsAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${names.prefix}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com', {
      conditions: fromThisAppsAlarms,
    });
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the alarm topic of the jobs app',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    topicKey.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: names.alarmTopic,
      displayName: 'Jobs: CloudWatch alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    for (const email of props.alarmEmails ?? []) {
      if (!EMAIL_PATTERN.test(email)) {
        throw new JobsError(
          `alarmEmails must be email addresses, such as "ops@example.com", got "${email}"`,
        );
      }
      const subscription = this.alarmTopic.addSubscription(
        new subscriptions.EmailSubscription(email),
      );
      acknowledge(
        subscription,
        'Serverless-SNSRedrivePolicy',
        "An email subscription to the alarm topic: SNS retries email delivery itself, and an alarm notice it gave up on would wait in a queue that only another alarm on this same topic could report; the alarm's state and history stay in CloudWatch either way.",
      );
    }
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisAppPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: fromThisAppsAlarms,
      }),
    );
    this.alertsDeadLetterQueue = new sqs.Queue(this, 'AlertsDeadLetterQueue', {
      queueName: names.alertsDeadLetterQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeDeadLetterQueue(this.alertsDeadLetterQueue, 'the alerts function');

    firstBreachAlarm(this, 'SchedulerDeadLettersAlarm', {
      alarmName: names.schedulerDeadLettersAlarm,
      alarmDescription:
        "EventBridge Scheduler could not send ticks or one-off runs to their job's queue, after its retries: they are in the Scheduler dead-letter queue and did not run",
      metric: this.schedulerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
    }).addAlarmAction(new actions.SnsAction(this.alarmTopic));

    this.pauseKeeper = new PauseKeeper(this, 'PauseKeeper', {
      names,
      code: props.pauseKeeperCode,
      alarmTopic: this.alarmTopic,
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
    });
  }
}

const EMAIL_PATTERN = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * What a principal that sends runs to any job of the app may reach: the app's queues by their
 * name prefix, less every dead-letter queue (the jobs' and the alerts function's end in `_dlq`;
 * Scheduler's own is named apart, so that Scheduler may send to it).
 */
export function jobQueuePatterns(
  stack: Stack,
  names: ResourceNames,
): { readonly allowed: string[]; readonly denied: string[] } {
  const queueArn = (resource: string) => stack.formatArn({ service: 'sqs', resource });
  return { allowed: [queueArn(`${names.prefix}*`)], denied: [queueArn(`${names.prefix}*_dlq`)] };
}

/** Queues that are dead-letter queues of services, which cdk-nag cannot see as such. */
function acknowledgeDeadLetterQueue(queue: sqs.Queue, of: string): void {
  const reason = `This is the dead-letter queue of ${of}, not a queue that is consumed: it needs no dead-letter queue of its own, and its messages are inspected by hand.`;
  acknowledge(queue, 'AwsSolutions-SQS3', reason);
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', reason);
}

function table(
  scope: Construct,
  id: string,
  definition: TableDefinition,
  tableName: string,
): dynamodb.Table {
  const attribute = (key: { name: string; type: 'S' | 'N' }) => ({
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  });
  const created = new dynamodb.Table(scope, id, {
    tableName,
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    ...(definition.timeToLiveAttribute
      ? { timeToLiveAttribute: definition.timeToLiveAttribute }
      : {}),
    ...(definition.stream ? { stream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
  });
  for (const index of definition.globalIndexes) {
    created.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return created;
}
