import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
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
}

/**
 * The jobs of one shard. Each job's constructs are named after the job, so a job keeps its
 * logical ids whichever other jobs come and go; nothing is exported per job.
 */
export class JobsShardStack extends Stack {
  readonly workers: ReadonlyMap<string, JobWorker>;

  constructor(scope: Construct, id: string, props: JobsShardStackProps) {
    super(scope, id, props);
    const alarmTopic = sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.formatArn({ service: 'sns', resource: props.names.alarmTopic }),
    );
    const workers = new Map<string, JobWorker>();
    for (const job of props.jobs) {
      workers.set(
        job.name,
        new JobWorker(this, `Job-${job.name}`, {
          job,
          names: props.names,
          ...props.codeFor(job.name),
          alarmTopic,
          ...(props.retentionDays !== undefined ? { retentionDays: props.retentionDays } : {}),
          ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
        }),
      );
    }
    this.workers = workers;
  }
}
