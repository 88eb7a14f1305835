import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, buildJobsApp, getAtt, SYNTH_TIMEOUT_MS } from './jobs-app';

const TABLES = ['acme-executions', 'acme-job-state', 'acme-alert-config'];

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

    it.each(['acme-executions', 'acme-alert-config'])(
      'lets DynamoDB delete the items of %s when their expiresAt passes',
      (name) => {
        const template = dataTemplate();

        template.hasResourceProperties('AWS::DynamoDB::Table', {
          TableName: name,
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        });
      },
    );

    it('keeps the items of acme-job-state without expiry', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'acme-job-state',
        TimeToLiveSpecification: Match.absent(),
      });
    });

    it('indexes acme-executions by job, by recent runs and by recent failures', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'acme-executions',
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
        ],
      });
    });

    it('streams new images of acme-executions, which the alerts read', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'acme-executions',
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
    });

    it.each(['acme-job-state', 'acme-alert-config'])('streams nothing from %s', (name) => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: name,
        StreamSpecification: Match.absent(),
      });
    });
  });

  describe('scheduling', () => {
    it.each(['acme', 'acme-runs'])('creates the %s schedule group', (name) => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: name });
    });

    it('lets only EventBridge Scheduler of this account assume the scheduler role', () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'acme-scheduler',
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
            }),
          ],
        },
      });
    });

    it("lets the scheduler role send only to the app's acme-* queues", () => {
      const template = dataTemplate();

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^SchedulerRole') }],
        PolicyDocument: {
          Statement: [
            { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arn('sqs', 'acme-*') },
          ],
        },
      });
    });
  });

  describe('topics', () => {
    it.each(['acme-alarms', 'acme-alerts'])('encrypts the %s topic with the topic key', (name) => {
      const template = dataTemplate();

      const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: name,
        KmsMasterKeyId: getAtt(keyId ?? 'a KMS key', 'Arn'),
      });
    });

    it('rotates the topic key and lets CloudWatch alarms use it', () => {
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
            }),
          ]),
        },
      });
    });
  });

  it.each(['acme-scheduler-dlq', 'acme-alerts-dlq'])(
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
