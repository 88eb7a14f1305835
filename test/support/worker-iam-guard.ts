import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { AnyJobDefinition } from '../../shared/job/job-definition';
import type { ResourceNames } from '../../shared/naming/resource-names';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  type TableNames,
} from '../../shared/tables/table-definitions';
import { buildJobsApp, jobSource, stackOf } from '../infra/jobs-app';

type TableRole = keyof TableNames;

/** One Allow statement of a worker's role about a DynamoDB table, as the template has it. */
export interface DynamoDbGrant {
  readonly actions: ReadonlySet<string>;
  readonly table: TableRole;
  /**
   * The index it is on (`table/<name>/index/<index>`, or `*`), absent for the table itself: IAM
   * authorizes a Query of an index against the index's ARN only.
   */
  readonly index?: string;
  /** `ForAllValues:StringEquals` on `dynamodb:LeadingKeys`: the partition keys it may touch. */
  readonly leadingKeys?: readonly string[];
}

/** A call the role would have refused, as IAM would report it. */
export interface Denial {
  readonly action: string;
  readonly table: string;
  readonly partitionKeys: readonly string[];
}

const PARTITION_KEYS: Record<TableRole, string> = {
  executions: EXECUTIONS_TABLE.partitionKey.name,
  jobState: JOB_STATE_TABLE.partitionKey.name,
  alertConfig: ALERT_CONFIG_TABLE.partitionKey.name,
};

/**
 * The DynamoDB statements of the role the CDK app gives `job`'s worker, read from its
 * synthesized template: what the worker may call on AWS, and on which items.
 */
export function workerDynamoDbGrants(job: AnyJobDefinition): DynamoDbGrant[] {
  const source = jobSource(job);
  const { jobs } = buildJobsApp({ jobs: [source] });
  const stack = stackOf(jobs, source.definition.name);
  return dynamoDbGrantsOf(
    [Template.fromStack(stack).toJSON() as TemplateJson],
    jobs.names.job(source.definition.name),
    jobs.names.tables,
  );
}

/** The DynamoDB statements of the role of one of the app's own functions, such as its alerts'. */
export function appFunctionDynamoDbGrants(functionName: (names: ResourceNames) => string) {
  const { jobs } = buildJobsApp();
  const templates = jobs.node
    .findAll()
    .filter((node): node is Stack => node instanceof Stack)
    .map((stack) => Template.fromStack(stack).toJSON() as TemplateJson);
  return dynamoDbGrantsOf(templates, functionName(jobs.names), jobs.names.tables);
}

interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

function dynamoDbGrantsOf(
  templates: readonly TemplateJson[],
  functionName: string,
  tableNames: TableNames,
): DynamoDbGrant[] {
  const template = templates.find((candidate) =>
    Object.values(candidate.Resources).some(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        resource.Properties.FunctionName === functionName,
    ),
  );
  const functionEntry = Object.values(template?.Resources ?? {}).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      resource.Properties.FunctionName === functionName,
  );
  if (!template || !functionEntry) throw new Error(`no function ${functionName} in the app`);
  const roleId = (functionEntry.Properties.Role as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  const tableRoles = new Map(
    (Object.entries(tableNames) as [TableRole, string][]).map(([role, name]) => [name, role]),
  );
  // The role's policies: inline in the role, and any AWS::IAM::Policy attached to it.
  const documents: { Statement: Statement[] }[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Role' && logicalId === roleId) {
      const inline = (resource.Properties.Policies ?? []) as {
        PolicyDocument: { Statement: Statement[] };
      }[];
      documents.push(...inline.map((policy) => policy.PolicyDocument));
    }
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties.Roles as { Ref: string }[];
    if (roles.some((role) => role.Ref === roleId)) {
      documents.push(resource.Properties.PolicyDocument as { Statement: Statement[] });
    }
  }
  const grants: DynamoDbGrant[] = [];
  for (const document of documents) {
    for (const statement of document.Statement) {
      const actions = [statement.Action].flat().filter((action) => action.startsWith('dynamodb:'));
      if (statement.Effect !== 'Allow' || actions.length === 0) continue;
      for (const arn of [statement.Resource].flat()) {
        const [, tableName, index] =
          /:table\/([^/]+)(?:\/index\/([^/]+))?$/.exec(flattenJoin(arn)) ?? [];
        const table = tableName === undefined ? undefined : tableRoles.get(tableName);
        if (!table) continue;
        const leadingKeys =
          statement.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];
        grants.push({
          actions: new Set(actions),
          table,
          ...(index !== undefined ? { index } : {}),
          ...(leadingKeys ? { leadingKeys: [leadingKeys].flat() } : {}),
        });
      }
    }
  }
  if (grants.length === 0) throw new Error(`no DynamoDB grants found for ${functionName}`);
  return grants;
}

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : '*')).join(join[0]);
  return '';
}

/**
 * Makes `client` answer as DynamoDB would under the worker's role: a call the role's statements
 * do not allow (another action, another table, or an item under another partition key than
 * `dynamodb:LeadingKeys` allows) fails with AccessDeniedException, and is recorded. The IAM rule
 * it stands for: with `ForAllValues:StringEquals` on `dynamodb:LeadingKeys`, every partition key
 * value a request names must be in the list.
 */
export function enforceWorkerGrants(
  client: DynamoDBClient,
  grants: readonly DynamoDbGrant[],
  tables: TableNames,
): Denial[] {
  const denials: Denial[] = [];
  const roleOf = new Map(
    (Object.entries(tables) as [TableRole, string][]).map(([role, name]) => [name, role]),
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = `dynamodb:${String(context.commandName).replace(/Command$/, '')}`;
      const input = args.input as Record<string, unknown>;
      const tableName = String(input.TableName);
      const table = roleOf.get(tableName);
      const partitionKeys = table ? partitionKeysOf(input, PARTITION_KEYS[table]) : [];
      const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
      const allowed = grants.some(
        (grant) =>
          grant.table === table &&
          (index === undefined
            ? grant.index === undefined
            : grant.index === index || grant.index === '*') &&
          grant.actions.has(action) &&
          (grant.leadingKeys === undefined ||
            (partitionKeys.length > 0 &&
              partitionKeys.every((key) => grant.leadingKeys?.includes(key)))),
      );
      if (!allowed) {
        denials.push({ action, table: tableName, partitionKeys });
        const resource = `table/${tableName}${index === undefined ? '' : `/index/${index}`}`;
        throw Object.assign(
          new Error(
            `User: worker is not authorized to perform: ${action} on resource: ${resource} (partition keys ${partitionKeys.join(', ') || 'none'}) because no identity-based policy allows the ${action} action`,
          ),
          { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } },
        );
      }
      return next(args);
    },
    { step: 'initialize', name: 'emulateWorkerIamPolicy', priority: 'low' },
  );
  return denials;
}

/** The partition key values a single-item request names, marshalled or not. */
function partitionKeysOf(input: Record<string, unknown>, keyName: string): string[] {
  const item = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const value = item?.[keyName];
  if (typeof value === 'string') return [value];
  const marshalled = (value as { S?: string } | undefined)?.S;
  return marshalled === undefined ? [] : [marshalled];
}
