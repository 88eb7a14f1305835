import { describe, expect, it } from 'vitest';
import { defineJob } from '../../shared/job/define-job';
import type { ResourceKind } from '../../shared/naming/resource-names';
import { ACCOUNT, buildJobsApp, jobSource, REGION, SYNTH_TIMEOUT_MS, threeJobs } from './jobs-app';
import {
  allResources,
  arnMatches,
  NAME_PROPERTIES,
  resolveValue,
  type TemplateResource,
} from './template-values';

/** The ARN of a named resource, as each service documents its ARN format. */
function arnOf(kind: ResourceKind, name: string, group?: string): string[] {
  const at = (service: string, resource: string) =>
    `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (kind) {
    case 'SQS queue':
      return [at('sqs', name)];
    case 'Lambda function':
      return [at('lambda', `function:${name}`)];
    case 'log group':
      return [at('logs', `log-group:${name}`), at('logs', `log-group:${name}:*`)];
    case 'schedule':
      return [at('scheduler', `schedule/${group}/${name}`)];
    case 'schedule group':
      return [at('scheduler', `schedule-group/${name}`), at('scheduler', `schedule/${name}/any`)];
    case 'DynamoDB table':
      return [at('dynamodb', `table/${name}`), at('dynamodb', `table/${name}/index/byJob`)];
    case 'SNS topic':
      return [at('sns', name)];
    case 'IAM role':
      return [`arn:aws:iam::${ACCOUNT}:role/${name}`];
    case 'CloudWatch alarm':
      return [at('cloudwatch', `alarm:${name}`)];
    case 'CloudWatch dashboard':
      return [`arn:aws:cloudwatch::${ACCOUNT}:dashboard/${name}`];
    case 'EventBridge rule':
      return [at('events', `rule/${name}`)];
  }
}

/** The ARNs of every resource an app names. */
function arnsOfApp(resources: readonly TemplateResource[]): string[] {
  return resources.flatMap((resource) => {
    const named = NAME_PROPERTIES[resource.Type];
    const name = named ? resource.Properties[named[1]] : undefined;
    if (!named || typeof name !== 'string') return [];
    const group = resource.Properties.GroupName;
    return arnOf(named[0], name, typeof group === 'string' ? group : undefined);
  });
}

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Principal?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Every statement of every policy an app makes: identity (separate, and inline in a role), trust,
 * topic, queue and key policies.
 */
function statementsOf(resources: readonly TemplateResource[]) {
  const documents: { owner: string; statements: Statement[]; isKeyPolicy: boolean }[] = [];
  for (const resource of resources) {
    const properties = resolveValue(resource.Properties) as Record<string, unknown>;
    const inline = ((properties.Policies ?? []) as { PolicyDocument: unknown }[]).map(
      (policy) => policy.PolicyDocument,
    );
    const own =
      properties.PolicyDocument ?? properties.AssumeRolePolicyDocument ?? properties.KeyPolicy;
    for (const document of [...(own ? [own] : []), ...inline]) {
      documents.push({
        owner: `${resource.stack}/${resource.logicalId}`,
        statements: (document as { Statement: Statement[] }).Statement,
        isKeyPolicy: resource.Type === 'AWS::KMS::Key',
      });
    }
  }
  return documents;
}

/** Actions with no resource-level permissions: AWS requires `"Resource": "*"` for them. */
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
]);

/** Every ARN pattern a statement grants or trusts: its resources and its source-ARN conditions. */
function patternsOf(statement: Statement, isKeyPolicy: boolean): string[] {
  const actions = [statement.Action ?? []].flat();
  const resources = [statement.Resource ?? []].flat().map(String);
  // In a key policy, "*" is the key itself.
  const granted = isKeyPolicy ? [] : resources;
  const conditions = Object.values(statement.Condition ?? {}).flatMap((values) =>
    Object.entries(values)
      .filter(([key]) => key.toLowerCase() === 'aws:sourcearn')
      .flatMap(([, value]) => [value].flat().map(String)),
  );
  return [...granted, ...conditions].filter(
    (pattern) =>
      !(pattern === '*' && actions.every((action) => ACTIONS_WITHOUT_RESOURCES.has(action))),
  );
}

function appResources(appName: string) {
  return allResources(buildJobsApp({ appName, jobs: threeJobs() }).jobs);
}

describe("an app's permissions, beside an app whose name starts with its own", () => {
  // The app "jobs" and the app "jobs-staging", deployed in one account and region.
  it(
    'match no resource of the other app, whichever of the two grants them',
    () => {
      const apps = { jobs: appResources('jobs'), 'jobs-staging': appResources('jobs-staging') };
      const reaches: string[] = [];

      for (const [grantor, other] of [
        ['jobs', 'jobs-staging'],
        ['jobs-staging', 'jobs'],
      ] as const) {
        const foreignArns = arnsOfApp(apps[other]);
        expect(foreignArns.length).toBeGreaterThan(30);
        for (const { owner, statements, isKeyPolicy } of statementsOf(apps[grantor])) {
          for (const statement of statements.filter((each) => each.Effect === 'Allow')) {
            for (const pattern of patternsOf(statement, isKeyPolicy)) {
              for (const arn of foreignArns.filter((foreign) => arnMatches(pattern, foreign))) {
                reaches.push(`${owner}: ${pattern} matches ${arn}`);
              }
            }
          }
        }
      }

      expect(reaches).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it('would have caught the old prefix "jobs-*", which matches the other app', () => {
    expect(
      arnMatches('arn:aws:sqs:*:*:jobs-*', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs-staging-x`),
    ).toBe(true);
    expect(
      arnMatches('arn:aws:sqs:*:*:jobs_*', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs-staging_x`),
    ).toBe(false);
  });
});

/** Whether the role's statements let it do `action` on `arn`: an Allow matches, no Deny does. */
function mayDo(statements: readonly Statement[], action: string, arn: string): boolean {
  const matching = (effect: Statement['Effect']) =>
    statements.some(
      (statement) =>
        statement.Effect === effect &&
        [statement.Action ?? []].flat().includes(action) &&
        [statement.Resource ?? []].flat().some((pattern) => arnMatches(String(pattern), arn)),
    );
  return matching('Allow') && !matching('Deny');
}

describe('the roles that send runs to any job of the app', () => {
  // A job whose own name ends in "-dlq": its queue is a job queue all the same.
  const sources = [
    ...threeJobs(),
    jobSource(defineJob({ name: 'billing-dlq', run: async () => {} })),
  ];
  const { jobs } = buildJobsApp({ jobs: sources });
  const resources = allResources(jobs);
  const policyOf = (roleLogicalIdPrefix: string) =>
    statementsOf(
      resources.filter(
        (resource) =>
          resource.Type === 'AWS::IAM::Policy' &&
          resource.logicalId.startsWith(roleLogicalIdPrefix),
      ),
    ).flatMap((document) => document.statements);
  const queueArns = arnsOfApp(resources.filter((resource) => resource.Type === 'AWS::SQS::Queue'));
  const jobQueueArns = new Set(
    sources.flatMap((source) => arnOf('SQS queue', jobs.names.job(source.definition.name))),
  );
  const jobQueues = queueArns.filter((arn) => jobQueueArns.has(arn));
  const deadLetterQueues = queueArns.filter((arn) => !jobQueueArns.has(arn));

  it.each([
    ['SchedulerRole', "Scheduler's role"],
    ['ApiFunctionRole', "the API's role"],
  ])('let %s (%s) send to every job queue and to no dead-letter queue', (prefix) => {
    const statements = policyOf(prefix);

    expect(jobQueues).toHaveLength(4);
    expect(deadLetterQueues).toHaveLength(6);
    expect(jobQueues.filter((arn) => !mayDo(statements, 'sqs:SendMessage', arn))).toEqual([]);
    const reachable = deadLetterQueues.filter((arn) => mayDo(statements, 'sqs:SendMessage', arn));
    expect(reachable).toEqual(
      prefix === 'SchedulerRole' ? [`arn:aws:sqs:${REGION}:${ACCOUNT}:acme_scheduler-dlq`] : [],
    );
  });

  // Scheduler's confused-deputy guidance: aws:SourceArn is the schedule group's ARN, and must
  // not be scoped to a schedule or a schedule name prefix.
  it("let Scheduler assume its role only for this app's recurring schedules, in this account", () => {
    const role = resources.find(
      (resource) =>
        resource.logicalId.startsWith('SchedulerRole') && resource.Type === 'AWS::IAM::Role',
    );
    const [trust] = statementsOf(role ? [role] : []).flatMap((document) => document.statements);
    const sourceArns = [trust?.Condition?.ArnLike?.['aws:SourceArn'] ?? []].flat().map(String);
    const schedule = (group: string) =>
      `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${group}`;

    expect(sourceArns.filter((pattern) => !/:schedule-group\/[^*/]+$/.test(pattern))).toEqual([]);
    expect(trust?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': ACCOUNT });
    expect(sourceArns.some((pattern) => arnMatches(pattern, schedule('acme_schedules')))).toBe(
      true,
    );
    // The one-time schedules of enqueue({ at }) have roles of their own, one per job.
    expect(sourceArns.some((pattern) => arnMatches(pattern, schedule('acme_runs')))).toBe(false);
    expect(
      sourceArns.some((pattern) => arnMatches(pattern, schedule('acme-staging_schedules'))),
    ).toBe(false);
  });
});
