import { partition } from '@aws-sdk/core/client';

/**
 * An account in a region, with what the region's partition changes: ARNs say `aws-cn` in
 * China and endpoints end in `amazonaws.com.cn`. Taken from the SDK's own partition table, so
 * every region the SDK knows gets its right form.
 */
export interface AwsLocation {
  readonly region: string;
  readonly accountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov`… */
  readonly partition: string;
  /** `amazonaws.com`, `amazonaws.com.cn`… */
  readonly dnsSuffix: string;
}

export function awsLocation(region: string, accountId: string): AwsLocation {
  const { name, dnsSuffix } = partition(region);
  return { region, accountId, partition: name, dnsSuffix };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arnOf(location: AwsLocation, service: string, resource: string): string {
  return `arn:${location.partition}:${service}:${location.region}:${location.accountId}:${resource}`;
}

/** The URL of a queue, as SQS gives it for the region's partition. */
export function sqsQueueUrl(location: AwsLocation, queueName: string): string {
  return `https://sqs.${location.region}.${location.dnsSuffix}/${location.accountId}/${queueName}`;
}
