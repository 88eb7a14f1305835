import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { OPEN_RUNS_INDEX } from '../../shared/tables/table-definitions';
import { acknowledge, FUNCTION_REASONS } from '../acknowledge';
import { firstBreachAlarm } from '../alarms';
import { type ResourceNames, sharedFunctionSettings } from '../naming';

export interface RunSweeperProps {
  readonly names: ResourceNames;
  readonly code: lambda.Code;
  /** Where its alarm (the sweep failed) publishes. */
  readonly alarmTopic: sns.ITopic;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** How often the sweep runs, and how long one may take. */
export const RUN_SWEEPER_SETTINGS = {
  rateMinutes: 5,
  timeoutSeconds: 120,
  memoryMb: 256,
} as const;

/**
 * The run sweeper: a function that an EventBridge rule invokes every 5 minutes, which reads the
 * executions table's open-runs index and ends the runs no worker or delivery will end (see
 * shared/sweep): a last attempt whose worker died, an attempt whose retry never came. What it
 * ends reaches the alerts function through the table's stream, as any outcome does.
 *
 * An EventBridge rule rather than a Scheduler schedule: EventBridge invokes the function under
 * the function's own resource policy, limited to this rule, so there is no role to assume; and
 * the sweep stays out of the jobs' schedule group, whose schedules the API and the keep-paused
 * function switch on and off, so that pausing every job never stops it. A fixed rate needs none
 * of Scheduler's time zones or one-time schedules, and a missed invocation costs nothing the
 * next one, 5 minutes later, does not do.
 *
 * Then it compares each job's cron or `at` schedule with its runs and records the ticks that
 * started none as `missed` (shared/sweep/missed-runs.ts), so its bundle holds every job.
 *
 * Its role may query the open-runs index, update the executions table's items and put new ones
 * (every write conditional on the run as the sweep read it, or on its absence), and read and
 * update the job-state table's items (each job's mark of how far its ticks were checked).
 */
export class RunSweeper extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RunSweeperProps) {
    super(scope, id);
    const { names } = props;
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.logGroup(names.runSweeperFunction),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Ends the runs that no worker will end: dead last attempts, lost retries',
    });
    logGroup.grantWrite(this.role);
    const settings = sharedFunctionSettings(names, stack.account, names.runSweeperFunction);
    this.function = new lambda.Function(this, 'Function', {
      functionName: names.runSweeperFunction,
      description:
        'Ends the runs that no worker will end (dead last attempts, lost retries) and reports missed ticks',
      code: props.code,
      ...settings,
      memorySize: RUN_SWEEPER_SETTINGS.memoryMb,
      timeout: Duration.seconds(RUN_SWEEPER_SETTINGS.timeoutSeconds),
      role: this.role,
      logGroup,
    });
    // A failed sweep is not retried: the next one, minutes later, does the same work.
    this.function.configureAsyncInvoke({ retryAttempts: 0 });

    const tableArn = stack.formatArn({
      service: 'dynamodb',
      resource: 'table',
      resourceName: names.tables.executions,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOpenRuns',
        actions: ['dynamodb:Query'],
        resources: [`${tableArn}/index/${OPEN_RUNS_INDEX}`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EndRunsConditionally',
        actions: ['dynamodb:UpdateItem'],
        resources: [tableArn],
      }),
    );
    // A tick that started no run is written only where the tick has no run (a conditional put).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RecordMissedRunsConditionally',
        actions: ['dynamodb:PutItem'],
        resources: [tableArn],
      }),
    );
    // Each job's pause state and the mark of how far its ticks were checked.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadJobStateAndMarkTicksChecked',
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

    this.rule = new events.Rule(this, 'Schedule', {
      ruleName: names.runSweeperRule,
      description: 'Runs the run sweeper, which ends runs no worker will end',
      schedule: events.Schedule.rate(Duration.minutes(RUN_SWEEPER_SETTINGS.rateMinutes)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });

    firstBreachAlarm(this, 'ErrorsAlarm', {
      alarmName: names.runSweeperErrorsAlarm,
      alarmDescription:
        "The run sweeper failed (it could not read the open runs, or could not end one, or timed out): runs whose worker died may stay running, and lost retries unreported, until it works again. See the function's log",
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    }).addAlarmAction(new actions.SnsAction(props.alarmTopic));

    acknowledge(
      this.function,
      'Serverless-LambdaDLQ',
      'The rule invokes the sweeper every 5 minutes, and a failed invocation is neither retried nor kept: the next one does the same work from the index, so a dead-letter queue would hold nothing to act on. Its errors alarm tells someone it fails.',
    );
    acknowledge(
      this.function,
      'Serverless-LambdaAsyncFailureDestination',
      'The rule invokes the sweeper with a scheduled event that carries nothing: a failed invocation has nothing worth keeping at a destination, and the next one, 5 minutes later, does the same work. Its errors alarm tells someone it fails.',
    );
    acknowledge(
      this.rule,
      'Serverless-EventBusDLQ',
      'The rule delivers a scheduled event that carries nothing to the sweeper, with retries: an event it could not deliver has nothing worth keeping, and the next one, 5 minutes later, does the same work.',
    );
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', FUNCTION_REASONS.xray);
  }
}
