import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/bundling';
import { ALERTS_STREAM_SETTINGS } from '../../infra/constructs/alerts-function';
import type { ServerlessJobs } from '../../infra/serverless-jobs';
import {
  actionsOf,
  arn,
  buildJobsApp,
  getAtt,
  type JobsAppOptions,
  logicalIdOf,
  type PolicyStatement,
  SYNTH_TIMEOUT_MS,
} from './jobs-app';

const SENDER = 'Jobs <jobs@example.com>';

function controlTemplate(options: JobsAppOptions = {}): Template {
  const { jobs } = buildJobsApp(options);
  return Template.fromStack(jobs.controlStack);
}

/** Every statement of the policies of the roles in the template, with the role's logical id. */
function statementsByRole(template: Template): Map<string, PolicyStatement[]> {
  const byRole = new Map<string, PolicyStatement[]>();
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const { Roles, PolicyDocument } = (
      policy as {
        Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatement[] } };
      }
    ).Properties;
    for (const role of Roles) {
      byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...PolicyDocument.Statement]);
    }
  }
  return byRole;
}

function alertsStatements(jobs: ServerlessJobs): PolicyStatement[] {
  const template = Template.fromStack(jobs.controlStack);
  return statementsByRole(template).get(logicalIdOf(jobs.controlStack.alerts.role)) ?? [];
}

function statementsWith(statements: PolicyStatement[], prefix: string): PolicyStatement[] {
  return statements.filter((statement) =>
    actionsOf(statement).some((action) => action.startsWith(prefix) || action === '*'),
  );
}

describe('AlertsFunction', { timeout: SYNTH_TIMEOUT_MS }, () => {
  describe('stream', () => {
    it('reads the new images of the executions table, exported by the data stack', () => {
      const { jobs } = buildJobsApp();
      const data = Template.fromStack(jobs.dataStack);

      data.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'acme_executions',
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
      const [exportId] = Object.keys(
        data.findOutputs('*', {
          Value: getAtt(logicalIdOf(jobs.dataStack.executionsTable), 'StreamArn'),
        }),
      );
      Template.fromStack(jobs.controlStack).hasResourceProperties(
        'AWS::Lambda::EventSourceMapping',
        {
          EventSourceArn: { 'Fn::ImportValue': `acme-data:${exportId}` },
          FunctionName: { Ref: logicalIdOf(jobs.controlStack.alerts.function) },
        },
      );
    });

    it('retries a failed batch from its first failed record, halving it, a few times', () => {
      const template = controlTemplate();

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        StartingPosition: 'LATEST',
        BatchSize: ALERTS_STREAM_SETTINGS.batchSize,
        MaximumRetryAttempts: ALERTS_STREAM_SETTINGS.retryAttempts,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRecordAgeInSeconds: ALERTS_STREAM_SETTINGS.maxRecordAgeHours * 3600,
      });
    });

    it('sends a batch that fails every retry to the acme_alerts_dlq queue', () => {
      const template = controlTemplate();

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        DestinationConfig: { OnFailure: { Destination: arn('sqs', 'acme_alerts_dlq') } },
      });
    });

    it('is invoked only for inserted or modified runs whose latest attempt has ended', () => {
      const template = controlTemplate();

      const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      const filters = (
        mapping as { Properties: { FilterCriteria: { Filters: { Pattern: string }[] } } }
      ).Properties.FilterCriteria.Filters;
      expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['running'] }] } } },
        },
      ]);
    });
  });

  describe('function', () => {
    it('runs as acme_alerts on Node 24, arm64, traced, logging JSON to its own log group', () => {
      const { jobs } = buildJobsApp();
      const template = Template.fromStack(jobs.controlStack);

      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: '/aws/lambda/acme_alerts',
        RetentionInDays: 30,
      });
      const [logGroupId] = Object.keys(
        template.findResources('AWS::Logs::LogGroup', {
          Properties: { LogGroupName: '/aws/lambda/acme_alerts' },
        }),
      );
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'acme_alerts',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: Match.absent(),
        Timeout: ALERTS_STREAM_SETTINGS.timeoutSeconds,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
      });
    });

    it('is told its table, its app and how to reach the deployed API from the CLI', () => {
      const template = controlTemplate();

      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'acme_alerts',
        Environment: {
          Variables: Match.objectLike({
            JOBS_ALERT_CONFIG_TABLE: 'acme_alert-config',
            JOBS_APP_NAME: 'acme',
            JOBS_ALERT_COMMAND_PREFIX: 'npx jobctl --remote acme-control',
            JOBS_ALERT_EMAIL_SENDER: Match.absent(),
            JOBS_DASHBOARD_URL: Match.absent(),
          }),
        },
      });
    });

    it('is told the email sender and the dashboard when the app has them', () => {
      const template = controlTemplate({
        alertEmailSender: SENDER,
        dashboardUrl: 'https://jobs.example.com',
      });

      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'acme_alerts',
        Environment: {
          Variables: Match.objectLike({
            JOBS_ALERT_EMAIL_SENDER: SENDER,
            JOBS_DASHBOARD_URL: 'https://jobs.example.com',
          }),
        },
      });
    });

    it.each(['jobs', 'jobs@', 'Jobs <jobs@example>', 'a@b.c, d@e.f'])(
      'refuses the sender "%s", saying what it takes',
      (sender) => {
        expect(() => buildJobsApp({ alertEmailSender: sender })).toThrow(
          `alertEmailSender must be an email address known at synth, such as "jobs@example.com" or "Jobs <jobs@example.com>", verified in Amazon SES (the address or its domain), got "${sender}"`,
        );
      },
    );

    it.each([
      ['dead letters', 'ApproximateNumberOfMessagesVisible'],
      ['errors', 'Errors'],
      ['lag', 'IteratorAge'],
    ])('raises the "acme_alerts %s" alarm on the alarm topic', (name, metric) => {
      const template = controlTemplate();

      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `acme_alerts ${name}`,
        MetricName: metric,
        AlarmActions: [arn('sns', 'acme_alarms')],
      });
    });
  });

  describe('permissions', () => {
    it('reads only the secrets tagged jobs:app=acme, in its account and region', () => {
      const { jobs } = buildJobsApp();

      expect(statementsWith(alertsStatements(jobs), 'secretsmanager:')).toEqual([
        {
          Sid: 'ReadWebhookSecretsOfThisApp',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: arn('secretsmanager', 'secret:*'),
          Condition: { StringEquals: { 'aws:ResourceTag/jobs:app': 'acme' } },
        },
      ]);
    });

    it('reads and writes the acme_alert-config table only: configs, throttle and alert log', () => {
      const { jobs } = buildJobsApp();

      const tables = statementsWith(alertsStatements(jobs), 'dynamodb:').filter(
        (statement) => !actionsOf(statement).some((action) => action.includes('Stream')),
      );
      expect(tables).toEqual([
        {
          Sid: 'AlertConfigThrottleAndLog',
          Effect: 'Allow',
          Action: [
            'dynamodb:GetItem',
            'dynamodb:Query',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
          ],
          Resource: arn('dynamodb', 'table/acme_alert-config'),
        },
      ]);
    });

    it('may not send email when the app has no sender', () => {
      const { jobs } = buildJobsApp();

      expect(statementsWith(alertsStatements(jobs), 'ses:')).toEqual([]);
    });

    it("sends email only from the sender, by the address's or its domain's SES identity", () => {
      const { jobs } = buildJobsApp({ alertEmailSender: SENDER });

      expect(statementsWith(alertsStatements(jobs), 'ses:')).toEqual([
        {
          Sid: 'SendAlertEmail',
          Effect: 'Allow',
          Action: 'ses:SendEmail',
          Resource: [arn('ses', 'identity/jobs@example.com'), arn('ses', 'identity/example.com')],
          Condition: { StringEquals: { 'ses:FromAddress': 'jobs@example.com' } },
        },
      ]);
    });

    it('gives no job worker, and not the API, any secret, email or wildcard action', () => {
      const { jobs } = buildJobsApp({ alertEmailSender: SENDER });
      const alertsRole = logicalIdOf(jobs.controlStack.alerts.role);

      const others = [...jobs.shardStacks, jobs.controlStack, jobs.dataStack].flatMap((stack) =>
        [...statementsByRole(Template.fromStack(stack))]
          .filter(([role]) => stack !== jobs.controlStack || role !== alertsRole)
          .flatMap(([, statements]) => statements),
      );
      expect(others.length).toBeGreaterThan(0);
      expect(statementsWith(others, 'secretsmanager:')).toEqual([]);
      expect(statementsWith(others, 'ses:')).toEqual([]);
    });

    it('leaves every job stack as it was, whatever the alerts are configured with', () => {
      const plain = buildJobsApp().jobs;
      const configured = buildJobsApp({
        alertEmailSender: SENDER,
        dashboardUrl: 'https://jobs.example.com',
      }).jobs;

      const templates = (jobs: ServerlessJobs) =>
        jobs.shardStacks.map((stack) => Template.fromStack(stack).toJSON());
      expect(templates(configured)).toEqual(templates(plain));
    });
  });

  describe('cdk-nag checks', { timeout: 60_000 }, () => {
    it('pass with an email sender: every finding is fixed or acknowledged', () => {
      const { app } = buildJobsApp({
        environmentAgnostic: true,
        cloudFormationValidation: true,
        alertEmailSender: SENDER,
      });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

      expect(() => app.synth()).not.toThrow();
    });
  });
});

// esbuild bundles the AWS SDK into each output: a build takes a few seconds on a busy machine.
const BUILD_TIMEOUT_MS = 60_000;
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const ALERT_CODE =
  /client-sesv2|client-secrets-manager|shared\/alerts\/notifiers\/|alert-evaluator|functions\/alerts/;

const projects: string[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Bundles one job file (under the repository, so that `#shared` resolves) as shard-00. */
async function bundleOneJob() {
  const dir = join(REPO_ROOT, '.cache', `test-alerts-bundle-${randomUUID()}`);
  projects.push(dir);
  await mkdir(join(dir, 'jobs'), { recursive: true });
  const file = join(dir, 'jobs', 'alpha.job.ts');
  await writeFile(
    file,
    "import { defineJob } from '#shared';\nexport default defineJob({ displayName: 'Alpha', run: async () => {} });\n",
  );
  return bundleFunctions({
    projectRoot: REPO_ROOT,
    outDir: join(dir, 'out'),
    workers: [{ id: 'shard-00', jobs: [{ name: 'alpha', file }] }],
  });
}

/** The project files a function's code was built from, as its source maps name them. */
async function sourcesOf(folder: string): Promise<string[]> {
  const sources = new Set<string>();
  for (const map of (await readdir(folder, { recursive: true })).filter((f) =>
    f.endsWith('.map'),
  )) {
    const parsed = JSON.parse(await readFile(join(folder, map), 'utf8')) as { sources: string[] };
    for (const source of parsed.sources) sources.add(source);
  }
  return [...sources];
}

describe('the alerts bundle', { timeout: BUILD_TIMEOUT_MS }, () => {
  it('holds the alerts code, the SES and Secrets Manager clients, and the workers none of it', async () => {
    const bundles = await bundleOneJob();

    const alerts = await sourcesOf(bundles.alertsDir);
    const worker = await sourcesOf(bundles.workerDir('shard-00'));
    const api = await sourcesOf(bundles.apiDir);

    expect(alerts).toContain('functions/alerts.ts');
    expect(alerts.some((source) => source.includes('@aws-sdk/client-sesv2'))).toBe(true);
    expect(alerts.some((source) => source.includes('@aws-sdk/client-secrets-manager'))).toBe(true);
    expect(worker.filter((source) => ALERT_CODE.test(source))).toEqual([]);
    expect(api.filter((source) => ALERT_CODE.test(source))).toEqual([]);
  });

  it('starts in a fresh node, as Lambda starts it, and answers an empty batch', async () => {
    const bundles = await bundleOneJob();
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundles.alertsDir, 'index.mjs')).href)});
      process.stdout.write(JSON.stringify(await handler({ Records: [] })));
    `;

    const started = spawnSync(process.execPath, ['--input-type=module', '--eval', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        JOBS_ALERT_CONFIG_TABLE: 'app_alert-config',
        JOBS_APP_NAME: 'app',
      },
      encoding: 'utf8',
    });

    expect(started.stderr).toBe('');
    expect(JSON.parse(started.stdout)).toEqual({ batchItemFailures: [] });
  });
});
