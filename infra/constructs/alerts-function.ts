import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JobsError } from '../../shared/errors';
import { ALERTS_ALARMS } from '../../shared/naming/resource-names';
import { WORKER_ENVIRONMENT } from '../../shared/worker/worker-environment';
import { acknowledge, FUNCTION_REASONS, nagArn } from '../acknowledge';
import { type ResourceNames, sharedFunctionSettings } from '../naming';

export interface AlertsFunctionProps {
  readonly names: ResourceNames;
  readonly code: lambda.Code;
  /** The executions table; its stream (new images) feeds the function. */
  readonly executionsTable: dynamodb.ITable;
  /** Where a batch of stream records goes once its retries are spent, or it is too old. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where the function's alarms (errors, lag, dead letters) publish. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The address alert emails are sent from, such as `jobs@example.com` or
   * `Jobs <jobs@example.com>`: an identity verified in Amazon SES in the app's region, the
   * address itself or its domain. The function may send from this address only.
   * @default - no email alerts: the function gets no SES permission, and an alert to email
   * recipients is recorded as not delivered, saying that email is not configured
   */
  readonly emailSender?: string;
  /** The dashboard's address, for a link to the run in each alert. @default - no link */
  readonly dashboardUrl?: string;
  /**
   * How the CLI is invoked for this app, for the command each alert suggests.
   * @default 'npx jobctl'
   */
  readonly commandPrefix?: string;
  /** How long the function's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether the function traces every invocation with X-Ray (active tracing). Off by default:
   * Lambda traces the first request each second and 5% of the rest, so an app whose runs end
   * less than once a second would have every alert check traced, at $5 per million traces.
   * @default false
   */
  readonly tracing?: boolean;
}

/**
 * The tag a Slack or Teams webhook secret needs, with the app's name as its value, for the
 * alerts function to read it: `WEBHOOK_SECRET_APP_TAG` of shared/alerts/notifiers, which names
 * it in errors. Not imported from there: that module loads the Secrets Manager client into
 * every synth.
 */
export const WEBHOOK_SECRET_TAG = 'jobs:app';

/** How the executions table's stream feeds the alerts function. */
export const ALERTS_STREAM_SETTINGS = {
  batchSize: 100,
  /** Retries of a failed batch (from the first failed record), after its first try. */
  retryAttempts: 3,
  /** An alert later than this is dropped, to the dead-letter queue, rather than sent. */
  maxRecordAgeHours: 6,
  /** Enough for a full batch whose alerts all go out, each channel with its retries. */
  timeoutSeconds: 300,
  memoryMb: 256,
} as const;

/**
 * The alerts pipeline in AWS: a function fed by the executions table's stream, invoked only
 * for attempts that have ended, that applies each job's alert rules and notifies email (SES),
 * Slack and Teams (webhook URLs in Secrets Manager). A batch is retried from its first record
 * that failed (split in halves when the function itself fails); once its retries are spent, or
 * it is too old, the dead-letter queue gets where it was in the stream (not the records, which
 * the stream keeps for 24 hours), and an alarm goes off.
 *
 * Its role may read and write the alert-config table (the configs, the throttle's counters and
 * the alert log live there), send email from the configured sender only, and read only the
 * secrets tagged `jobs:app` with the app's name.
 */
export class AlertsFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AlertsFunctionProps) {
    super(scope, id);
    const { names } = props;
    const stack = Stack.of(this);
    const sender = props.emailSender === undefined ? undefined : parseSender(props.emailSender);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.logGroup(names.alertsFunction),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The jobs alerts: reads the executions stream, notifies email, Slack and Teams',
    });
    logGroup.grantWrite(this.role);
    const settings = sharedFunctionSettings(names, stack.account, names.alertsFunction);
    this.function = new lambda.Function(this, 'Function', {
      functionName: names.alertsFunction,
      description: 'Sends the alerts of ended runs: email, Slack, Teams',
      code: props.code,
      ...settings,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      memorySize: ALERTS_STREAM_SETTINGS.memoryMb,
      timeout: Duration.seconds(ALERTS_STREAM_SETTINGS.timeoutSeconds),
      role: this.role,
      logGroup,
      environment: {
        ...settings.environment,
        [WORKER_ENVIRONMENT.appName]: names.appName,
        ...(props.emailSender !== undefined
          ? { [WORKER_ENVIRONMENT.alertEmailSender]: props.emailSender }
          : {}),
        ...(props.dashboardUrl !== undefined
          ? { [WORKER_ENVIRONMENT.dashboardUrl]: props.dashboardUrl }
          : {}),
        ...(props.commandPrefix !== undefined
          ? { [WORKER_ENVIRONMENT.alertCommandPrefix]: props.commandPrefix }
          : {}),
      },
    });

    this.function.addEventSource(
      new DynamoEventSource(props.executionsTable, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: ALERTS_STREAM_SETTINGS.batchSize,
        retryAttempts: ALERTS_STREAM_SETTINGS.retryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.hours(ALERTS_STREAM_SETTINGS.maxRecordAgeHours),
        onFailure: new SqsDlq(props.deadLetterQueue),
        // The item's top-level status is its latest attempt's: a run that starts, or starts
        // again, does not invoke the function; one that ends does. (REMOVE, by TTL, has no
        // new image.)
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { NewImage: { status: { S: lambda.FilterRule.notEquals('running') } } },
          }),
        ],
      }),
    );

    grantAlertsAccess(this.role, names, stack, sender);
    this.addAlarms(props, names);
    acknowledgeAlertsFindings(this, names, props.tracing ?? false);
  }

  private addAlarms(props: AlertsFunctionProps, names: ResourceNames): void {
    const period = Duration.minutes(5);
    const alarmAction = new actions.SnsAction(props.alarmTopic);
    // Each alarm fires on one bad period: alerts that fail are alerts no one receives.
    const alarm = (
      id: string,
      name: (typeof ALERTS_ALARMS)[keyof typeof ALERTS_ALARMS],
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
    ) =>
      new cloudwatch.Alarm(this, id, {
        alarmName: names.alertsAlarm(name),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    alarm(
      'DeadLettersAlarm',
      ALERTS_ALARMS.deadLetters,
      'Alerts were dropped: stream batches that failed every retry, or waited too long, are in the alerts dead-letter queue (their stream positions, not the runs)',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: 'Maximum',
      }),
      1,
    );
    alarm(
      'ErrorsAlarm',
      ALERTS_ALARMS.errors,
      'The alerts function failed (crashed or timed out): alerts are late, and are retried',
      this.function.metricErrors({ period, statistic: 'Sum' }),
      1,
    );
    alarm(
      'LagAlarm',
      ALERTS_ALARMS.lag,
      'Alerts are over 15 minutes behind the runs they are about: the alerts function is failing or throttled',
      this.function.metric('IteratorAge', { period, statistic: 'Maximum' }),
      Duration.minutes(15).toMilliseconds(),
    );
  }
}

/** The sender's address, and the domain whose SES identity may stand for it. */
interface Sender {
  readonly address: string;
  readonly domain: string;
}

const SENDER_PATTERN =
  /^(?:[^<>]*<\s*([^\s<>@]+@([^\s<>@]+\.[^\s<>@]+))\s*>|([^\s<>@]+@([^\s<>@]+\.[^\s<>@]+)))$/;

function parseSender(sender: string): Sender {
  const match = Token.isUnresolved(sender) ? null : SENDER_PATTERN.exec(sender.trim());
  const address = match?.[1] ?? match?.[3];
  const domain = match?.[2] ?? match?.[4];
  if (!address || !domain) {
    throw new JobsError(
      `alertEmailSender must be an email address known at synth, such as "jobs@example.com" or "Jobs <jobs@example.com>", verified in Amazon SES (the address or its domain), got "${sender}"`,
    );
  }
  return { address, domain: domain.toLowerCase() };
}

function grantAlertsAccess(
  role: iam.Role,
  names: ResourceNames,
  stack: Stack,
  sender: Sender | undefined,
): void {
  // Configs are read; the throttle's counters and the alert log are entries of the same table
  // (an alert's claim is deleted again when nothing was sent, so that a retry may send it).
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AlertConfigThrottleAndLog',
      actions: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      resources: [
        stack.formatArn({
          service: 'dynamodb',
          resource: 'table',
          resourceName: names.tables.alertConfig,
        }),
      ],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadWebhookSecretsOfThisApp',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [webhookSecretsArn(stack)],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${WEBHOOK_SECRET_TAG}`]: names.appName },
      },
    }),
  );
  if (!sender) return;
  // SES authorizes a send against the address's own identity when it is verified, else its
  // domain's; either way only this From address.
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'SendAlertEmail',
      actions: ['ses:SendEmail'],
      resources: [sender.address, sender.domain].map((identity) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      ),
      conditions: { StringEquals: { 'ses:FromAddress': sender.address } },
    }),
  );
}

function webhookSecretsArn(scope: Stack): string {
  return scope.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function acknowledgeAlertsFindings(
  alerts: AlertsFunction,
  names: ResourceNames,
  tracing: boolean,
): void {
  acknowledge(
    alerts.function,
    'Serverless-LambdaDLQ',
    "Lambda function DLQs apply to asynchronous invocations only; this function is invoked synchronously by the stream's event source mapping, whose on-failure destination is the alerts dead-letter queue.",
  );
  if (!tracing) {
    acknowledge(alerts.function, 'Serverless-LambdaTracing', FUNCTION_REASONS.tracingOff);
  }
  acknowledge(
    alerts.role,
    'AwsSolutions-IAM5[Resource::*]',
    `${tracing ? `${FUNCTION_REASONS.xray} ` : ''}Reading a DynamoDB stream needs dynamodb:ListStreams, which has no resource-level permissions either; the stream's records are readable from the executions table's stream only.`,
  );
  acknowledge(
    alerts.role,
    `AwsSolutions-IAM5[Resource::${nagArn(alerts.role, 'secretsmanager', 'secret:*')}]`,
    `Webhook secrets are named in the alert-config table at run time, so they cannot be listed at deploy; the grant is GetSecretValue only, in this account and region, and only on secrets tagged ${WEBHOOK_SECRET_TAG}=${names.appName}.`,
  );
}
