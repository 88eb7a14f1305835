import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Accepts one cdk-nag finding on one construct (and its children), with the reason. Findings are
 * acknowledged where the resource is made, so that the reason sits next to what it excuses.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The reasons that come up for every function of this app. */
export const FUNCTION_REASONS = {
  lambdaDlq:
    "Lambda function DLQs apply to asynchronous invocations only; this function is invoked synchronously (by the SQS event source mapping or API Gateway), and failed messages go to the queue's own dead-letter queue.",
  tracingOff:
    'X-Ray tracing is off unless the app sets `tracing: true`: Lambda would trace most runs of a job that runs less than once a second, at $5 per million traces, more than the rest of a run costs; each run is in the execution history, with its full error, and in the logs.',
  xray: 'X-Ray tracing is on; xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so CDK grants them on "*".',
} as const;

/**
 * An ARN as cdk-nag prints it in a finding's id: intrinsic values as `<AWS::Region>` and
 * `<AWS::AccountId>`, concrete ones (a stack with an `env`) as themselves.
 */
export function nagArn(scope: IConstruct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}
