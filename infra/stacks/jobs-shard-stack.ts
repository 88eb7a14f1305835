import { createHash } from 'node:crypto';
import { ArnFormat, CustomResource, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  KEEP_PAUSED_PROPERTIES,
  keepPausedJobsProperty,
} from '../../shared/deploy/keep-paused-schedules';
import type { AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { JobWorker } from '../constructs/job-worker';
import type { WorkerCode } from '../function-code';
import type { ResourceNames } from '../naming';

export interface JobsShardStackProps extends StackProps {
  readonly jobs: readonly AnyNamedJobDefinition[];
  readonly names: ResourceNames;
  readonly codeFor: (jobName: string) => WorkerCode;
  readonly retentionDays?: number;
  readonly logRetention?: logs.RetentionDays;
  /** @default false (see `JobWorkerProps.tracing`) */
  readonly tracing?: boolean;
}

/**
 * The jobs of one shard. Each job's constructs are named after the job, so a job keeps its
 * logical ids whichever other jobs come and go; nothing is exported per job. After the stack's
 * schedules change, its KeepPausedSchedules resource switches paused jobs' schedules off again.
 */
export class JobsShardStack extends Stack {
  readonly workers: ReadonlyMap<string, JobWorker>;
  /** Present when the stack has a job with a schedule. */
  readonly keepPausedSchedules?: CustomResource;

  constructor(scope: Construct, id: string, props: JobsShardStackProps) {
    super(scope, id, props);
    const { names } = props;
    const alarmTopic = sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.formatArn({ service: 'sns', resource: names.alarmTopic }),
    );
    const workers = new Map<string, JobWorker>();
    for (const job of props.jobs) {
      workers.set(
        job.name,
        new JobWorker(this, `Job-${job.name}`, {
          job,
          names,
          ...props.codeFor(job.name),
          alarmTopic,
          ...(props.retentionDays !== undefined ? { retentionDays: props.retentionDays } : {}),
          ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
          ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
        }),
      );
    }
    this.workers = workers;

    const schedules = [...workers.values()].flatMap((worker) =>
      worker.schedule ? [worker.schedule] : [],
    );
    // A job declared paused gets its initial pause written here too, schedule or not.
    if (schedules.length === 0 && !props.jobs.some((job) => job.paused)) return;
    // CloudFormation invokes it after every schedule of the stack is in place, and again when one
    // of them changes (its digest does), which is when their states may have been reset, or when
    // the stack's jobs change (a new job's initial pause is written then).
    this.keepPausedSchedules = new CustomResource(this, 'KeepPausedSchedules', {
      resourceType: 'Custom::KeepPausedSchedules',
      serviceToken: this.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: names.pauseKeeperFunction,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      serviceTimeout: Duration.minutes(5),
      properties: {
        [KEEP_PAUSED_PROPERTIES.jobs]: keepPausedJobsProperty(
          props.jobs.map((job) => ({
            name: job.name,
            paused: job.paused,
            scheduled: job.schedule !== undefined,
          })),
        ),
        [KEEP_PAUSED_PROPERTIES.schedulesDigest]: schedulesDigest(this, schedules),
      },
    });
    for (const schedule of schedules) this.keepPausedSchedules.node.addDependency(schedule);
  }
}

/**
 * A digest of every property of the schedules (all that AWS::Scheduler::Schedule has), as the
 * template will hold them: CloudFormation rewrites a schedule, state included, when any of them
 * changes.
 */
function schedulesDigest(stack: Stack, schedules: readonly scheduler.CfnSchedule[]): string {
  const definitions = schedules.map((schedule) =>
    stack.resolve({
      description: schedule.description,
      endDate: schedule.endDate,
      flexibleTimeWindow: schedule.flexibleTimeWindow,
      groupName: schedule.groupName,
      kmsKeyArn: schedule.kmsKeyArn,
      name: schedule.name,
      scheduleExpression: schedule.scheduleExpression,
      scheduleExpressionTimezone: schedule.scheduleExpressionTimezone,
      startDate: schedule.startDate,
      state: schedule.state,
      target: schedule.target,
    }),
  );
  return createHash('sha256').update(JSON.stringify(definitions)).digest('hex').slice(0, 32);
}
