import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { metricsNamespace } from '../../shared/naming/resource-names';
import { acknowledge, FUNCTION_REASONS, nagArn } from '../acknowledge';
import { firstBreachAlarm } from '../alarms';
import { grantSwitchSchedules } from '../grants';
import { type ResourceNames, sharedFunctionSettings } from '../naming';

export interface PauseKeeperProps {
  readonly names: ResourceNames;
  readonly code: lambda.Code;
  /** Where its alarm (an error logged: a schedule left on) publishes. */
  readonly alarmTopic: sns.ITopic;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The function behind each shard stack's KeepPausedSchedules resource. CloudFormation writes a
 * schedule's whole definition, its state included, whenever a deploy changes it, which would
 * switch a paused job's schedule back on; after the stack's schedules change, this function
 * switches paused jobs' schedules off again (and resumed ones on), reading the job-state table.
 * Shard stacks reach it by its name, so no stack exports anything per shard.
 */
export class PauseKeeper extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: PauseKeeperProps) {
    super(scope, id);
    const { names } = props;
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.logGroup(names.pauseKeeperFunction),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "After a deploy, switches paused jobs' schedules off again",
    });
    logGroup.grantWrite(role);
    const settings = sharedFunctionSettings(names, stack.account, names.pauseKeeperFunction);
    this.function = new lambda.Function(this, 'Function', {
      functionName: names.pauseKeeperFunction,
      description: "Switches paused jobs' schedules off again after a deploy",
      code: props.code,
      ...settings,
      memorySize: 256,
      // Under the resource's 5-minute service timeout; the step answers within 90 s anyway.
      timeout: Duration.minutes(2),
      role,
      logGroup,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndSetInitialPauseStates',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [
          stack.formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: names.tables.jobState,
          }),
        ],
      }),
    );
    grantSwitchSchedules(role, names, stack);

    // A schedule it could not switch is logged as an error, not thrown (a deploy must not roll
    // back for it, and the worker skips a paused job's ticks anyway): this alarm tells someone.
    const errors = new logs.MetricFilter(this, 'ErrorLines', {
      logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
      metricNamespace: metricsNamespace(names.appName),
      metricName: 'PauseKeeperErrors',
      metricValue: '1',
    });
    firstBreachAlarm(this, 'ErrorsAlarm', {
      alarmName: names.pauseKeeperErrorsAlarm,
      alarmDescription:
        "After a deploy, a paused job's schedule could not be switched off again (its ticks are still skipped and recorded as such): see the function's log, then pause the job again",
      metric: errors.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
    }).addAlarmAction(new actions.SnsAction(props.alarmTopic));

    acknowledge(
      this.function,
      'Serverless-LambdaDLQ',
      "CloudFormation invokes a custom resource's function asynchronously; this one always answers CloudFormation itself (success, or failure with the reason), and an invocation lost even so ends in the resource's 5-minute service timeout, a failed deploy anyone sees: a dead-letter queue would hold nothing to act on.",
    );
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', FUNCTION_REASONS.xray);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagArn(role, 'scheduler', `schedule/${names.scheduleGroup}/*`)}]`,
      "It switches any recurring schedule of this app, and only those in the app's own schedule group.",
    );
  }
}
