import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ServerlessJobs } from '../../infra/serverless-jobs';
import type { ResourceKind } from '../../shared/naming/resource-names';
import { ACCOUNT, REGION } from './jobs-app';

/** A resource as a synthesized template holds it. */
export interface TemplateResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** Every resource of every stack of the app. */
export function allResources(jobs: ServerlessJobs): TemplateResource[] {
  const stacks = jobs.node.findAll().filter((node): node is Stack => node instanceof Stack);
  return stacks.flatMap((stack) => {
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    return Object.entries(template.Resources).map(([logicalId, resource]) => ({
      stack: stack.stackName,
      logicalId,
      Type: resource.Type,
      Properties: resource.Properties ?? {},
    }));
  });
}

/**
 * A template value as CloudFormation would resolve it in the test account and region, in the
 * `aws` partition (or the one given): pseudo parameters substituted and `Fn::Join` joined.
 * References to other resources resolve to `<ref:LogicalId>`, which matches no name.
 */
export function resolveValue(value: unknown, partition = 'aws'): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, partition));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': partition,
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[String(object.Ref)] ?? `<ref:${String(object.Ref)}>`;
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolveValue(part, partition))).join(separator);
  }
  if ('Fn::GetAtt' in object) return `<getatt:${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  return Object.fromEntries(
    Object.entries(object).map(([key, item]) => [key, resolveValue(item, partition)]),
  );
}

/**
 * IAM's ARN matching, as AWS documents it for Resource elements and the ArnLike condition: an
 * ARN is six colon-separated parts matched one by one, the last (the resource) taking the rest
 * of the string; `*` matches any run of characters within a part and `?` any one character.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const split = (value: string) => {
    const parts = value.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const patternParts = split(pattern);
  const arnParts = split(arn);
  if (patternParts.length !== arnParts.length) return false;
  return patternParts.every((part, index) => {
    const expression = part
      .split('')
      .map((char) =>
        char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${expression}$`).test(arnParts[index] ?? '');
  });
}

/** Where each kind of resource keeps the name AWS wants unique, in a template. */
export const NAME_PROPERTIES: Readonly<Record<string, readonly [ResourceKind, string]>> = {
  'AWS::SQS::Queue': ['SQS queue', 'QueueName'],
  'AWS::Lambda::Function': ['Lambda function', 'FunctionName'],
  'AWS::Logs::LogGroup': ['log group', 'LogGroupName'],
  'AWS::Scheduler::Schedule': ['schedule', 'Name'],
  'AWS::Scheduler::ScheduleGroup': ['schedule group', 'Name'],
  'AWS::DynamoDB::Table': ['DynamoDB table', 'TableName'],
  'AWS::SNS::Topic': ['SNS topic', 'TopicName'],
  'AWS::IAM::Role': ['IAM role', 'RoleName'],
  'AWS::CloudWatch::Alarm': ['CloudWatch alarm', 'AlarmName'],
  'AWS::CloudWatch::Dashboard': ['CloudWatch dashboard', 'DashboardName'],
  'AWS::Events::Rule': ['EventBridge rule', 'Name'],
};
