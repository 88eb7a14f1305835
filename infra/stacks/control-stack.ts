import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ROUTES } from '../../shared/api/api-routes';
import type { AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { EXECUTIONS_TABLE, OPEN_RUNS_INDEX } from '../../shared/tables/table-definitions';
import { WORKER_ENVIRONMENT } from '../../shared/worker/worker-environment';
import { acknowledge, FUNCTION_REASONS, nagArn } from '../acknowledge';
import { AlertsFunction } from '../constructs/alerts-function';
import { RunSweeper } from '../constructs/run-sweeper';
import { grantSwitchSchedules } from '../grants';
import { type ResourceNames, sharedFunctionSettings } from '../naming';
import { jobQueuePatterns } from './data-stack';

export interface ControlStackProps extends StackProps {
  readonly names: ResourceNames;
  readonly jobs: readonly AnyNamedJobDefinition[];
  readonly code: lambda.Code;
  readonly alerts: ControlStackAlertsProps;
  /** The run sweeper's code (it needs no job's). */
  readonly sweepCode: lambda.Code;
  /** How long the run sweeper's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** What the alerts function needs from the app. */
export interface ControlStackAlertsProps {
  readonly code: lambda.Code;
  /** The data stack's executions table, whose stream feeds the function. */
  readonly executionsTable: dynamodb.ITable;
  /** @default - no email alerts (see `AlertsFunctionProps.emailSender`) */
  readonly emailSender?: string;
  /** @default - alerts link no dashboard */
  readonly dashboardUrl?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default false (see `AlertsFunctionProps.tracing`) */
  readonly tracing?: boolean;
}

/**
 * The REST API (IAM-authenticated: callers sign with SigV4) in front of one function that
 * shares its handler with the local runtime, the alerts function fed by the executions table's
 * stream, the run sweeper that ends runs no worker will end, and the app's CloudWatch
 * dashboard: the app's functions that are not jobs, whose code holds every job and changes with
 * them, while the data stack keeps only what must last.
 */
export class ControlStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly apiFunction: lambda.Function;
  readonly alerts: AlertsFunction;
  readonly runSweeper: RunSweeper;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ControlStackProps) {
    super(scope, id, props);
    const { names } = props;

    const logGroup = new logs.LogGroup(this, 'ApiFunctionLogs', {
      logGroupName: names.logGroup(names.apiFunction),
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'ApiFunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The jobs REST API: reads history, triggers, retries, pauses and resumes',
    });
    logGroup.grantWrite(role);
    const settings = sharedFunctionSettings(names, this.account, names.apiFunction);
    this.apiFunction = new lambda.Function(this, 'ApiFunction', {
      functionName: names.apiFunction,
      description: 'The jobs REST API',
      code: props.code,
      ...settings,
      memorySize: 512,
      timeout: Duration.seconds(29),
      role,
      logGroup,
      environment: {
        ...settings.environment,
        [WORKER_ENVIRONMENT.recurringScheduleGroup]: names.scheduleGroup,
      },
    });
    grantApiAccess(role, names, this);
    acknowledge(this.apiFunction, 'Serverless-LambdaDLQ', FUNCTION_REASONS.lambdaDlq);
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', FUNCTION_REASONS.xray);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagArn(role, 'sqs', `${names.prefix}*`)}]`,
      "\"Trigger now\" and retry may send to any job of this app, and only to this app's queues (by their name prefix, which no other app's names start with), never to a dead-letter queue (denied); one statement per queue would outgrow IAM's policy size with many jobs.",
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagArn(role, 'sqs', `${names.prefix}*_dlq`)}]`,
      "An operator lists and redrives the dead letters of any job of this app, and only of this app's jobs (by their name prefix and the _dlq suffix); one statement per queue would outgrow IAM's policy size with many jobs.",
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagArn(role, 'scheduler', `schedule/${names.scheduleGroup}/*`)}]`,
      'Pause and resume switch any recurring schedule of this app, and only those in its own schedule group.',
    );

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: names.apiFunction,
      description: 'Jobs REST API (IAM auth: sign requests with SigV4)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const stage = new apigw.HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // Variables HTTP APIs support (REST APIs' standard set has some they do not).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            route: '$context.routeKey',
            status: '$context.status',
            caller: '$context.identity.userArn',
            sourceIp: '$context.identity.sourceIp',
            latencyMs: '$context.responseLatency',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction);
    // The handler's own route table: API Gateway answers any other route with 404 before the
    // function runs, so a route the handler serves must be here too.
    for (const route of API_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
      });
    }

    // `npx jobctl --remote <this stack>` reads the API's URL from this output, by its id
    // (API_URL_OUTPUT in cli/remote-api.ts).
    new CfnOutput(this, 'ApiUrl', {
      value: stage.url,
      description: 'The jobs REST API (SigV4): npx jobctl --remote <this stack> list',
    });

    const alarmTopic = sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.formatArn({ service: 'sns', resource: names.alarmTopic }),
    );
    this.alerts = new AlertsFunction(this, 'Alerts', {
      names,
      code: props.alerts.code,
      // The stream's ARN is the one value this stack takes from the data stack by reference:
      // it carries the stream's creation time, so it cannot be derived from the table's name.
      executionsTable: props.alerts.executionsTable,
      deadLetterQueue: sqs.Queue.fromQueueArn(
        this,
        'AlertsDeadLetterQueue',
        this.formatArn({ service: 'sqs', resource: names.alertsDeadLetterQueue }),
      ),
      alarmTopic,
      // The command each alert suggests reaches this deployed app's API.
      commandPrefix: `npx jobctl --remote ${this.stackName}`,
      ...(props.alerts.emailSender !== undefined ? { emailSender: props.alerts.emailSender } : {}),
      ...(props.alerts.dashboardUrl !== undefined
        ? { dashboardUrl: props.alerts.dashboardUrl }
        : {}),
      ...(props.alerts.logRetention !== undefined
        ? { logRetention: props.alerts.logRetention }
        : {}),
      ...(props.alerts.tracing !== undefined ? { tracing: props.alerts.tracing } : {}),
    });

    this.runSweeper = new RunSweeper(this, 'RunSweeper', {
      names,
      code: props.sweepCode,
      alarmTopic,
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
    });

    this.dashboard = appDashboard(this, names, this.api);
  }
}

function grantApiAccess(role: iam.Role, names: ResourceNames, stack: Stack): void {
  const tableArn = (name: string) =>
    stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: name });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadHistory',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [
        tableArn(names.tables.executions),
        // Every index of history; the open runs are the sweep's.
        ...EXECUTIONS_TABLE.globalIndexes
          .filter((index) => index.indexName !== OPEN_RUNS_INDEX)
          .map((index) => `${tableArn(names.tables.executions)}/index/${index.indexName}`),
      ],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      // A cancel request is two attributes of the run's item, written under a condition.
      sid: 'CancelRuns',
      actions: ['dynamodb:UpdateItem'],
      resources: [tableArn(names.tables.executions)],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PauseAndResume',
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [tableArn(names.tables.jobState)],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      // Query: each job's hourly run stats are entries of the job there (stats#<hour>).
      sid: 'ShowAndSetAlertConfig',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      resources: [tableArn(names.tables.alertConfig)],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'HealthCheckTables',
      actions: ['dynamodb:DescribeTable'],
      resources: Object.values(names.tables).map(tableArn),
    }),
  );
  const { allowed, denied } = jobQueuePatterns(stack, names);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'HealthCheckQueues',
      actions: ['sqs:GetQueueAttributes'],
      resources: allowed,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      // List and redrive: a redrive sends the run back with SendMessage to the job's own queue.
      sid: 'ReadAndRedriveDeadLetters',
      actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
      resources: denied,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'TriggerAndRetry',
      actions: ['sqs:SendMessage'],
      resources: allowed,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'NeverToDeadLetterQueues',
      effect: iam.Effect.DENY,
      actions: ['sqs:SendMessage'],
      resources: [
        ...denied,
        stack.formatArn({ service: 'sqs', resource: names.schedulerDeadLetterQueue }),
      ],
    }),
  );
  grantSwitchSchedules(role, names, stack);
}

/**
 * One dashboard for the whole app, built from metric searches, so that its size does not grow
 * with the number of jobs. CloudWatch search has no prefix match: a quoted term must equal a
 * whole name, and an unquoted one matches names that contain its tokens (words split at
 * punctuation), so the app's name, unquoted, finds every function and queue of the app.
 */
function appDashboard(
  stack: Stack,
  names: ResourceNames,
  api: apigw.HttpApi,
): cloudwatch.Dashboard {
  const search = (label: string, query: string, statistic: string) =>
    new cloudwatch.MathExpression({
      label,
      expression: `SEARCH('${query}', '${statistic}', 300)`,
      usingMetrics: {},
      period: Duration.minutes(5),
    });
  const functions = `{AWS/Lambda,FunctionName} ${dashboardSearchTerm('FunctionName', names)}`;
  const queues = `{AWS/SQS,QueueName} ${dashboardSearchTerm('QueueName', names)}`;
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard', {
    dashboardName: names.dashboard,
    defaultInterval: Duration.hours(6),
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Worker invocations by job',
      left: [search('invocations', `${functions} MetricName="Invocations"`, 'Sum')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Worker errors by job (crashes and timeouts)',
      left: [search('errors', `${functions} MetricName="Errors"`, 'Sum')],
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Run duration by job (max)',
      left: [search('duration', `${functions} MetricName="Duration"`, 'Maximum')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Messages waiting, and in dead-letter queues (_dlq)',
      left: [
        search('visible', `${queues} MetricName="ApproximateNumberOfMessagesVisible"`, 'Maximum'),
      ],
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'REST API requests and errors',
      left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
      width: 24,
    }),
  );
  return dashboard;
}

/** The search term, a partial match, that finds the app's resources by one dimension. */
export function dashboardSearchTerm(dimension: string, names: ResourceNames): string {
  return `${dimension}=${names.appName}`;
}
