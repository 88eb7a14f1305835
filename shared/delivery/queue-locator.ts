import { partition } from '@aws-sdk/core/client';
import { type AwsLocation, arnOf, sqsQueueUrl } from '../naming/aws-location';
import type { ResourceNames } from '../naming/resource-names';

/** Where a queue is: its URL to send to, its ARN for a Scheduler target. */
export interface QueueAddress {
  readonly url: string;
  readonly arn: string;
}

/** Finds each job's queues. Deployed, queues are named by convention, so no lookup is needed. */
export interface QueueLocator {
  queueFor(jobName: string): QueueAddress;
  /** Where a run goes once its job's retries are spent, or when it can never run. */
  deadLetterQueueFor(jobName: string): QueueAddress;
}

export interface ConventionalQueueLocatorOptions {
  readonly names: ResourceNames;
  readonly location: AwsLocation;
  /**
   * The URL up to the account id, for SQS stand-ins.
   * @default SQS's endpoint in the location's region and partition
   */
  readonly endpoint?: string;
}

/** The app's queues, named by `ResourceNames`, in one account and region. */
export function conventionalQueueLocator(options: ConventionalQueueLocatorOptions): QueueLocator {
  const { names, location } = options;
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const addressOf = (name: string): QueueAddress => ({
    url: endpoint ? `${endpoint}/${location.accountId}/${name}` : sqsQueueUrl(location, name),
    arn: arnOf(location, 'sqs', name),
  });
  return {
    queueFor: (jobName) => addressOf(names.job(jobName)),
    deadLetterQueueFor: (jobName) => addressOf(names.jobDeadLetterQueue(jobName)),
  };
}

const QUEUE_ARN = /^arn:(aws[\w-]*):sqs:([\w-]+):(\d+):([\w-]+)$/;

/** The URL of the queue an SQS event record came from (`eventSourceARN`), in any partition. */
export function queueUrlFromArn(arn: string, endpoint?: string): string {
  const match = QUEUE_ARN.exec(arn);
  if (!match) {
    throw new Error(
      `"${arn}" is not the ARN of an SQS queue (arn:<partition>:sqs:<region>:<account>:<name>)`,
    );
  }
  const [, , region = '', accountId = '', name = ''] = match;
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${accountId}/${name}`;
  return `https://sqs.${region}.${partition(region).dnsSuffix}/${accountId}/${name}`;
}
