import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildJobsApp, type JobsAppOptions, ON_DEMAND_JOB, stackOf } from './jobs-app';

// cdk-nag's rules run over every template at synth: far slower than building the app.
const NAG_TIMEOUT_MS = 60_000;

/**
 * The app as infra/app.ts builds it and `cdk synth` checks it: account and region left to deploy
 * time, CDK's CloudFormation validation and the cdk-nag packs on.
 */
function checkedJobsApp(
  options: { environmentAgnostic?: boolean } & Pick<
    JobsAppOptions,
    'alarmEmails' | 'alertEmailSender' | 'dashboardUrl' | 'tracing' | 'deployment'
  > = {},
) {
  const { environmentAgnostic, ...rest } = options;
  const built = buildJobsApp({
    environmentAgnostic: environmentAgnostic ?? true,
    cloudFormationValidation: true,
    ...rest,
  });
  Validations.of(built.app).addPlugins(
    new AwsSolutionsChecks(built.app),
    new ServerlessChecks(built.app),
  );
  return built;
}

describe('cdk-nag checks', { timeout: NAG_TIMEOUT_MS }, () => {
  it('pass on the app with the three jobs: every finding is fixed or acknowledged', () => {
    const { app } = checkedJobsApp();

    expect(() => app.synth()).not.toThrow();
  });

  it('pass with every option infra/app.ts takes from the context: alarm emails, an email sender, a dashboard, tracing', () => {
    const { app } = checkedJobsApp({
      alarmEmails: ['ops@example.com', 'oncall@example.com'],
      alertEmailSender: 'Jobs <jobs@example.com>',
      dashboardUrl: 'https://jobs.example.com',
      tracing: true,
    });

    expect(() => app.synth()).not.toThrow();
  });

  it('pass on an app whose jobs deploy by canary, with their aliases, deployment groups and role', () => {
    const { app } = checkedJobsApp({ deployment: 'canary10Percent5Minutes' });

    expect(() => app.synth()).not.toThrow();
  });

  it('pass on an app deployed to a given account and region too', () => {
    const { app } = checkedJobsApp({ environmentAgnostic: false });

    expect(() => app.synth()).not.toThrow();
  });

  it('fail synth on an unacknowledged finding', () => {
    const { app, jobs } = checkedJobsApp();
    new sqs.Queue(stackOf(jobs, ON_DEMAND_JOB), 'PlainQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4[\s\S]*Jobs\/acme-shard-\d\d\/PlainQueue/);
  });

  it('give every acknowledgement a reason of at least 40 characters', () => {
    const { app } = checkedJobsApp();

    const acknowledgements = app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, unknown>).map(([rule, reason]) => ({
            path: construct.node.path,
            rule,
            reason,
          })),
        ),
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    const unexplained = acknowledgements.filter(
      ({ reason }) => typeof reason !== 'string' || reason.trim().length < 40,
    );
    expect(unexplained).toEqual([]);
  });
});
