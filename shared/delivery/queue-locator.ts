/** Where a job's queue is: its URL to send to, its ARN for a Scheduler target. */
export interface QueueAddress {
  readonly url: string;
  readonly arn: string;
}

/** Finds each job's queue. Deployed, queues are named by convention, so no lookup is needed. */
export interface QueueLocator {
  queueFor(jobName: string): QueueAddress;
}

export interface ConventionalQueueLocatorOptions {
  readonly region: string;
  readonly accountId: string;
  /** Queue names are `<prefix><jobName>`. */
  readonly queueNamePrefix: string;
  /**
   * The URL up to the account id, for SQS stand-ins.
   * @default `https://sqs.<region>.amazonaws.com`
   */
  readonly endpoint?: string;
}

/** The queue named `<prefix><jobName>` in one account and region. */
export function conventionalQueueLocator(options: ConventionalQueueLocatorOptions): QueueLocator {
  const endpoint = (options.endpoint ?? `https://sqs.${options.region}.amazonaws.com`).replace(
    /\/+$/,
    '',
  );
  return {
    queueFor(jobName) {
      const name = `${options.queueNamePrefix}${jobName}`;
      return {
        url: `${endpoint}/${options.accountId}/${name}`,
        arn: `arn:aws:sqs:${options.region}:${options.accountId}:${name}`,
      };
    },
  };
}

/** The URL of the queue an SQS event record came from (`eventSourceARN`). */
export function queueUrlFromArn(arn: string, endpoint?: string): string {
  const match = /^arn:aws[\w-]*:sqs:([\w-]+):(\d+):(.+)$/.exec(arn);
  if (!match)
    throw new Error(
      `"${arn}" is not the ARN of an SQS queue (arn:aws:sqs:<region>:<account>:<name>)`,
    );
  const [, region, accountId, name] = match;
  const base = (endpoint ?? `https://sqs.${region}.amazonaws.com`).replace(/\/+$/, '');
  return `${base}/${accountId}/${name}`;
}
