import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RESOURCES_PER_DEPLOYED_JOB } from '../../infra/constructs/job-worker';
import { defineJob } from '../../shared/job/define-job';
import {
  buildJobsApp,
  jobSource,
  logicalIdOf,
  ON_DEMAND_JOB,
  onDemandJob,
  RECURRING_JOB,
  recurringJob,
  SYNTH_TIMEOUT_MS,
  stackOf,
  workerOf,
} from './jobs-app';

const CANARY_JOB = 'nightly-billing';

function canaryJob() {
  return jobSource(
    defineJob({
      name: CANARY_JOB,
      schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
      deployment: 'canary10Percent5Minutes',
      run: async () => {},
    }),
  );
}

/** An app where one job deploys by canary and the others as before. */
function appWithCanary() {
  return buildJobsApp({
    jobs: [canaryJob(), recurringJob(), onDemandJob()],
    // Every job in one stack, so that the stack shows both kinds side by side.
    hashShardCount: 1,
  });
}

/** The same app, the job with no deployment: as it was before it gained one. */
function appWithoutCanary() {
  return buildJobsApp({
    jobs: [
      jobSource(
        defineJob({
          name: CANARY_JOB,
          schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
          run: async () => {},
        }),
      ),
      recurringJob(),
      onDemandJob(),
    ],
    hashShardCount: 1,
  });
}

describe('a job deployed by canary', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('runs behind a live alias of a published version, which CodeDeploy updates', () => {
    const { jobs } = appWithCanary();
    const worker = workerOf(jobs, CANARY_JOB);
    const template = Template.fromStack(stackOf(jobs, CANARY_JOB));

    const alias = template.findResources('AWS::Lambda::Alias')[logicalIdOf(worker.alias ?? worker)];

    expect(alias).toMatchObject({
      Properties: {
        Name: 'live',
        FunctionName: { Ref: logicalIdOf(worker.function) },
        FunctionVersion: { 'Fn::GetAtt': [expect.stringMatching(/CurrentVersion/), 'Version'] },
      },
      // CloudFormation hands the alias's update to CodeDeploy (AWS::Lambda::Alias's
      // UpdatePolicy, CodeDeployLambdaAliasUpdate): a deploy shifts it as the group says.
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: expect.anything(),
          DeploymentGroupName: expect.anything(),
        },
      },
    });
    template.hasResource('AWS::Lambda::Version', {
      Properties: { FunctionName: { Ref: logicalIdOf(worker.function) } },
      // Kept when a deploy publishes the next one: a rollback moves the alias back to it.
      DeletionPolicy: 'Retain',
    });
  });

  it('has its queue invoke the alias, so that a batch runs on the version that took it', () => {
    const { jobs } = appWithCanary();
    const worker = workerOf(jobs, CANARY_JOB);
    const template = Template.fromStack(stackOf(jobs, CANARY_JOB));

    const [mapping] = Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(worker.queue), 'Arn'] } },
      }),
    ) as { Properties: { FunctionName: unknown } }[];

    // `<function name>:live`, the alias's qualified name, which Lambda takes as FunctionName.
    expect(mapping?.Properties.FunctionName).toEqual({
      'Fn::Join': [
        '',
        [
          {
            'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalIdOf(worker.alias ?? worker) }] }],
          },
          ':live',
        ],
      ],
    });
  });

  it('keeps the queue mapping it had without one, so that a deploy points it at the alias in place', () => {
    const mappingsOf = (jobsApp: ReturnType<typeof appWithCanary>) =>
      Object.keys(
        Template.fromStack(stackOf(jobsApp.jobs, CANARY_JOB)).findResources(
          'AWS::Lambda::EventSourceMapping',
        ),
      ).sort();
    const before = appWithoutCanary();

    // The same logical id: CloudFormation updates its FunctionName (no interruption) rather
    // than creating a second mapping of the queue beside the first.
    expect(mappingsOf(appWithCanary())).toEqual(mappingsOf(before));
  });

  it('shifts by its strategy, watching two alarms of its live runs, and rolls back on either', () => {
    const { jobs } = appWithCanary();
    const worker = workerOf(jobs, CANARY_JOB);
    const template = Template.fromStack(stackOf(jobs, CANARY_JOB));
    const alarmId = (id: string) => {
      const alarm = worker.node.findChild(id);
      return logicalIdOf(alarm);
    };

    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: `acme_${CANARY_JOB}`,
      // CodeDeploy's name for CDK's LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES.
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: {
        DeploymentType: 'BLUE_GREEN',
        DeploymentOption: 'WITH_TRAFFIC_CONTROL',
      },
      AlarmConfiguration: {
        Enabled: true,
        Alarms: [
          { Name: { Ref: alarmId('DeploymentErrorsAlarm') } },
          { Name: { Ref: alarmId('DeploymentFailedAttemptsAlarm') } },
        ],
      },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `acme_${CANARY_JOB} deployment errors`,
      MetricName: 'Errors',
      Dimensions: Match.arrayWith([
        {
          Name: 'Resource',
          Value: { 'Fn::Join': ['', [{ Ref: logicalIdOf(worker.function) }, ':live']] },
        },
      ]),
    });
    // Every failed attempt, retried or not, as the worker's EMF lines name them: a job's own
    // errors never reach the alias's Errors.
    const workerMetric = (name: string) => ({
      MetricStat: {
        Metric: {
          Namespace: 'Jobs/acme',
          MetricName: name,
          Dimensions: Match.arrayWith([
            { Name: 'JobName', Value: CANARY_JOB },
            { Name: 'service', Value: 'jobs-worker' },
          ]),
        },
        Period: 60,
        Stat: 'Sum',
      },
      ReturnData: false,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `acme_${CANARY_JOB} deployment failed attempts`,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(retried, 0) + FILL(failed, 0)' }),
        Match.objectLike({ Id: 'retried', ...workerMetric('Retries') }),
        Match.objectLike({ Id: 'failed', ...workerMetric('RunsFailed') }),
      ]),
    });
  });

  it('shares one CodeDeploy application and one role per stack, which only CodeDeploy may assume', () => {
    const { jobs } = appWithCanary();
    const template = Template.fromStack(stackOf(jobs, CANARY_JOB));

    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ComputePlatform: 'Lambda' });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'codedeploy.amazonaws.com' },
          },
        ],
      },
    });
  });

  it('says at synth what the canary costs its stack in resources', () => {
    const { jobs } = appWithCanary();

    Annotations.fromStack(stackOf(jobs, CANARY_JOB)).hasInfo(
      '*',
      Match.stringLikeRegexp(
        `1 job deploys by CodeDeploy \\(${CANARY_JOB}: canary10Percent5Minutes\\): ${RESOURCES_PER_DEPLOYED_JOB + 2} resources more`,
      ),
    );
  });

  it('costs its stack exactly what synth says', () => {
    const count = (jobsApp: ReturnType<typeof appWithCanary>) =>
      Object.keys(Template.fromStack(stackOf(jobsApp.jobs, CANARY_JOB)).toJSON().Resources).length;
    const withCanary = count(appWithCanary());
    const without = count(appWithoutCanary());

    expect(withCanary - without).toBe(RESOURCES_PER_DEPLOYED_JOB + 2);
  });
});

describe('a job without a deployment', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('synthesizes as before: no version, no alias, no CodeDeploy, its queue invoking the function', () => {
    const { jobs } = buildJobsApp({ jobs: [recurringJob(), onDemandJob()], hashShardCount: 1 });
    const worker = workerOf(jobs, RECURRING_JOB);
    const template = Template.fromStack(stackOf(jobs, RECURRING_JOB));

    template.resourceCountIs('AWS::Lambda::Alias', 0);
    template.resourceCountIs('AWS::Lambda::Version', 0);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    template.resourceCountIs('AWS::CodeDeploy::Application', 0);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(worker.queue), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(worker.function) },
    });
    expect(worker.alias).toBeUndefined();
  });

  it('takes the app’s default deployment, and a job’s own beats it', () => {
    const { jobs } = buildJobsApp({
      jobs: [canaryJob(), recurringJob(), onDemandJob()],
      hashShardCount: 1,
      deployment: 'linear10PercentEvery1Minute',
    });
    const template = Template.fromStack(stackOf(jobs, ON_DEMAND_JOB));

    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: `acme_${ON_DEMAND_JOB}`,
      DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: `acme_${CANARY_JOB}`,
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    });
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
  });
});
