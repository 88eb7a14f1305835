import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RUN_SWEEPER_SETTINGS } from '../../infra/constructs/run-sweeper';
import {
  actionsOf,
  arn,
  buildJobsApp,
  logicalIdOf,
  type PolicyStatement,
  SYNTH_TIMEOUT_MS,
} from './jobs-app';

function sweeperApp() {
  const { jobs } = buildJobsApp();
  const sweeper = jobs.controlStack.runSweeper;
  return { jobs, sweeper, template: Template.fromStack(jobs.controlStack) };
}

function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  return Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }).Properties
        .PolicyDocument.Statement,
  );
}

describe('the run sweeper', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('is a function of the control stack named acme_run-sweeper, under 5 minutes', () => {
    const { template } = sweeperApp();

    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'acme_run-sweeper',
      Timeout: RUN_SWEEPER_SETTINGS.timeoutSeconds,
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
    });
    expect(RUN_SWEEPER_SETTINGS.timeoutSeconds).toBeLessThan(RUN_SWEEPER_SETTINGS.rateMinutes * 60);
  });

  it('runs every 5 minutes, from an EventBridge rule that alone may invoke it', () => {
    const { sweeper, template } = sweeperApp();
    const functionId = logicalIdOf(sweeper.function);

    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'acme_run-sweeper',
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(sweeper.rule), 'Arn'] },
    });
    // A failed sweep is not retried by Lambda: the next one does its work.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 0,
    });
  });

  it('may query the open-runs index, update runs, put missed ones, and read and mark job state, and nothing else in DynamoDB', () => {
    const { sweeper, template } = sweeperApp();

    const dynamoDb = statementsOfRole(template, logicalIdOf(sweeper.role)).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );

    expect(dynamoDb).toEqual([
      {
        Sid: 'ReadOpenRuns',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: arn('dynamodb', 'table/acme_executions/index/openRuns'),
      },
      {
        Sid: 'EndRunsConditionally',
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: arn('dynamodb', 'table/acme_executions'),
      },
      {
        Sid: 'RecordMissedRunsConditionally',
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: arn('dynamodb', 'table/acme_executions'),
      },
      {
        Sid: 'ReadJobStateAndMarkTicksChecked',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: arn('dynamodb', 'table/acme_job-state'),
      },
    ]);
  });

  it('alarms on the first 5 minutes with an error, to the alarm topic', () => {
    const { sweeper, template } = sweeperApp();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'acme_run-sweeper errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(sweeper.function) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [arn('sns', 'acme_alarms')],
    });
  });

  it('leaves the open-runs index to the sweeper: the API may not query it', () => {
    const { jobs, template } = sweeperApp();
    const apiRole = jobs.controlStack.apiFunction.role;
    if (!apiRole) throw new Error('the API function has no role');

    const resources = statementsOfRole(template, logicalIdOf(apiRole)).flatMap((statement) =>
      [statement.Resource].flat(),
    );

    expect(JSON.stringify(resources)).not.toContain('index/openRuns');
  });
});
