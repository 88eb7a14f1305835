import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  type TableDefinition,
} from '../../shared/tables/table-definitions';
import { acknowledge, nagArn } from '../acknowledge';
import type { ResourceNames } from '../naming';

export interface DataStackProps extends StackProps {
  readonly names: ResourceNames;
}

/**
 * What outlives any deploy of the jobs: the tables (retained on delete, with point-in-time
 * recovery), and what every job stack uses by name: the schedule groups, the role and
 * dead-letter queue of Scheduler, and the topics alarms and alerts publish to.
 */
export class DataStack extends Stack {
  readonly executionsTable: dynamodb.Table;
  readonly jobStateTable: dynamodb.Table;
  readonly alertConfigTable: dynamodb.Table;
  readonly schedulerRole: iam.Role;
  readonly schedulerDeadLetterQueue: sqs.Queue;
  readonly alarmTopic: sns.Topic;
  readonly alertTopic: sns.Topic;
  readonly alertsDeadLetterQueue: sqs.Queue;

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
    // size long before 1,000 jobs, so it may send to the app's queues by their name prefix.
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      roleName: names.schedulerRole,
      description: 'EventBridge Scheduler sends run messages to the job queues of this app',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.formatArn({ service: 'sqs', resource: `${names.queueNamePrefix}*` })],
      }),
    );

    acknowledge(
      this.schedulerRole,
      `AwsSolutions-IAM5[Resource::${nagArn(this.schedulerRole, 'sqs', `${names.queueNamePrefix}*`)}]`,
      "Schedules send to every job queue of this app, and only to its queues (by their name prefix); one statement per queue would outgrow IAM's policy size with many jobs.",
    );
    for (const deadLetterQueue of [this.schedulerDeadLetterQueue]) {
      acknowledgeDeadLetterQueue(deadLetterQueue, 'EventBridge Scheduler');
    }

    // CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the alarm and alert topics of the jobs app',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    topicKey.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: names.alarmTopic,
      displayName: 'Jobs: CloudWatch alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      topicName: names.alertTopic,
      displayName: 'Jobs: run alerts by email',
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.alertsDeadLetterQueue = new sqs.Queue(this, 'AlertsDeadLetterQueue', {
      queueName: names.alertsDeadLetterQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeDeadLetterQueue(this.alertsDeadLetterQueue, 'the alerts function');
  }
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
