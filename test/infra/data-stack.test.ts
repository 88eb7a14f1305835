import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ResourceNames } from '../../shared/naming/resource-names';
import { ACCOUNT, APP_NAME, arn, buildJobsApp, getAtt, SYNTH_TIMEOUT_MS } from './jobs-app';

const names = new ResourceNames(APP_NAME);
const TABLES = ['acme_executions', 'acme_job-state', 'acme_alert-config'];

/** The confused-deputy conditions that let only this app's alarms, in this account, use a grant. */
const FROM_THIS_APPS_ALARMS = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': arn('cloudwatch', 'alarm:acme_*') },
};

function dataTemplate(): Template {
  const { jobs } = buildJobsApp();
  return Template.fromStack(jobs.dataStack);
}

function keySchema(partitionKey: string, sortKey: string) {
  return [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    { AttributeName: sortKey, KeyType: 'RANGE' },
  ];
}

describe('DataStack', { timeout: SYNTH_TIMEOUT_MS }, () => {
  describe('tables', () => {
    it.each(TABLES)(
      'keeps the %s table when the stack is deleted or the table replaced',
      (name) => {
        const template = dataTemplate();

        template.hasResource('AWS::DynamoDB::Table', {
          Properties: Match.objectLike({ TableName: name }),
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        });
      },
    );

    it.each(TABLES)('turns on point-in-time recovery for %s', (name) => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it.each(['acme_executions', 'acme_alert-config'])(
      'lets DynamoDB delete the items of %s when their expiresAt passes',
      (name) => {
        const template = dataTemplate();

        template.hasResourceProperties('AWS::DynamoDB::Table', {
          TableName: name,
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        });
      },
    );

    it('keeps the items of acme_job-state without expiry', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'acme_job-state',
        TimeToLiveSpecification: Match.absent(),
      });
    });

    it('indexes acme_executions by job, by recent runs, by recent failures and by open runs', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: names.tables.executions,
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byJob',
            KeySchema: keySchema('jobName', 'startedKey'),
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'recentRuns',
            KeySchema: keySchema('startedDay', 'startedKey'),
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'recentFailures',
            KeySchema: keySchema('failedDay', 'failedKey'),
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'openRuns',
            KeySchema: keySchema('openBucket', 'sweepAt'),
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    it('streams new images of acme_executions, which the alerts read', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: names.tables.executions,
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
    });

    it.each(['acme_job-state', 'acme_alert-config'])('streams nothing from %s', (name) => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: name,
        StreamSpecification: Match.absent(),
      });
    });
  });

  describe('scheduling', () => {
    it.each(['acme_schedules', 'acme_runs'])('creates the %s schedule group', (name) => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: name });
    });

    it("lets only EventBridge Scheduler of this account, for the app's recurring schedule group, assume the acme_scheduler role", () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'acme_scheduler',
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': ACCOUNT },
                ArnLike: {
                  'aws:SourceArn': arn('scheduler', 'schedule-group/acme_schedules'),
                },
              },
            }),
          ],
        },
      });
    });

    it("lets the scheduler role send only to the app's acme_* queues, and never to a _dlq dead-letter queue", () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^SchedulerRole') }],
        PolicyDocument: {
          Statement: [
            {
              Sid: 'SendRunsToJobQueues',
              Action: 'sqs:SendMessage',
              Effect: 'Allow',
              Resource: arn('sqs', 'acme_*'),
            },
            {
              Sid: 'NeverToDeadLetterQueues',
              Action: 'sqs:SendMessage',
              Effect: 'Deny',
              Resource: arn('sqs', 'acme_*_dlq'),
            },
          ],
        },
      });
    });

    it('raises the "acme_scheduler undelivered runs" alarm on the alarm topic when the Scheduler dead-letter queue holds a message', () => {
      const template = dataTemplate();

      const [queueId] = Object.keys(
        template.findResources('AWS::SQS::Queue', {
          Properties: { QueueName: names.schedulerDeadLetterQueue },
        }),
      );
      const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'acme_scheduler undelivered runs',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(queueId ?? 'a queue', 'QueueName') }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topicId ?? 'a topic' }],
      });
    });
  });

  describe('topics', () => {
    it('encrypts the acme_alarms topic, its only topic, with the topic key', () => {
      const template = dataTemplate();

      const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: 'acme_alarms',
        KmsMasterKeyId: getAtt(keyId ?? 'a KMS key', 'Arn'),
      });
    });

    it('lets only CloudWatch alarms of this app, in this account, publish to the alarm topic', () => {
      const template = dataTemplate();

      const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId ?? 'a topic' }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'AlarmsOfThisAppPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: topicId ?? 'a topic' },
              Condition: FROM_THIS_APPS_ALARMS,
            },
          ]),
        },
      });
    });

    it('rotates the topic key and lets only CloudWatch alarms of this app, in this account, use it', () => {
      const template = dataTemplate();

      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: FROM_THIS_APPS_ALARMS,
            }),
          ]),
        },
      });
    });
  });

  it.each(['acme_scheduler-dlq', 'acme_alerts_dlq'])(
    'creates the %s dead-letter queue, encrypted, keeping messages 14 days',
    (name) => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: name,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
      });
    },
  );

  it('creates nothing per job', () => {
    const template = dataTemplate();

    expect(JSON.stringify(template.toJSON())).not.toMatch(/daily-report|year-end|send-email/);
  });
});
