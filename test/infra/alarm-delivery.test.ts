import { describe, expect, it } from 'vitest';
import { ACCOUNT, buildJobsApp, REGION, SYNTH_TIMEOUT_MS } from './jobs-app';
import { allResources, arnMatches, resolveValue, type TemplateResource } from './template-values';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const CLOUDWATCH = { Service: 'cloudwatch.amazonaws.com' };

/**
 * Whether a resource policy lets a CloudWatch alarm do `action`: a statement allows the
 * CloudWatch service principal, and its confused-deputy conditions (`aws:SourceAccount`,
 * `aws:SourceArn`) hold for this alarm, as AWS documents for alarms' SNS actions.
 */
function allowsAlarm(statements: readonly Statement[], action: string, alarmArn: string): boolean {
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    if (JSON.stringify(statement.Principal) !== JSON.stringify(CLOUDWATCH)) return false;
    const actions = [statement.Action ?? []].flat();
    if (!actions.some((granted) => arnMatches(`a:b:c:d:e:${granted}`, `a:b:c:d:e:${action}`))) {
      return false;
    }
    const account = statement.Condition?.StringEquals?.['aws:SourceAccount'];
    const sourceArns = [statement.Condition?.ArnLike?.['aws:SourceArn'] ?? []].flat().map(String);
    return account === ACCOUNT && sourceArns.some((pattern) => arnMatches(pattern, alarmArn));
  });
}

function statementsOf(resource: TemplateResource | undefined, property: string): Statement[] {
  const document = resolveValue(resource?.Properties[property]) as
    | { Statement: Statement[] }
    | undefined;
  return document?.Statement ?? [];
}

describe('every alarm of the app', () => {
  const { jobs } = buildJobsApp();
  const resources = allResources(jobs);
  const alarms = resources.filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
  // An alarm names its topic by ARN, or by Ref within the topic's own stack.
  const topicByArn = new Map<string, TemplateResource>(
    resources
      .filter((resource) => resource.Type === 'AWS::SNS::Topic')
      .flatMap((topic) => [
        [`arn:aws:sns:${REGION}:${ACCOUNT}:${String(topic.Properties.TopicName)}`, topic] as const,
        [`<ref:${topic.logicalId}>`, topic] as const,
      ]),
  );

  it('notifies a topic of the app', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(12);
    const actions = alarms.map((alarm) => resolveValue(alarm.Properties.AlarmActions));

    expect(actions.every((list) => Array.isArray(list) && list.length === 1)).toBe(true);
    expect(actions.flat().every((arn) => topicByArn.has(String(arn)))).toBe(true);
  });

  // A topic policy replaces SNS's default one, which let the account's principals publish; with
  // only the TLS Deny of enforceSSL in it, no alarm could publish, and the alarm's history would
  // be the only place saying so.
  it('may publish to its topic, by the topic policy', () => {
    const refused = alarms.filter((alarm) => {
      const alarmArn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${String(alarm.Properties.AlarmName)}`;
      const topicArn = String((resolveValue(alarm.Properties.AlarmActions) as string[])[0]);
      const topic = topicByArn.get(topicArn);
      const policies = resources.filter(
        (resource) =>
          resource.Type === 'AWS::SNS::TopicPolicy' &&
          JSON.stringify(resource.Properties.Topics) ===
            JSON.stringify([{ Ref: topic?.logicalId }]),
      );
      const statements = policies.flatMap((policy) => statementsOf(policy, 'PolicyDocument'));
      return !allowsAlarm(statements, 'sns:Publish', alarmArn);
    });

    expect(refused.map((alarm) => alarm.Properties.AlarmName)).toEqual([]);
  });

  // CloudWatch encrypts what it publishes to a topic under a customer managed key with that key
  // itself: the key's policy must let it (an account-root statement does not cover a service).
  it("may use its topic's key to publish", () => {
    const refused = alarms.filter((alarm) => {
      const alarmArn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${String(alarm.Properties.AlarmName)}`;
      const topic = topicByArn.get(
        String((resolveValue(alarm.Properties.AlarmActions) as string[])[0]),
      );
      const keyRef = topic?.Properties.KmsMasterKeyId as { 'Fn::GetAtt'?: string[] } | undefined;
      const key = resources.find(
        (resource) =>
          resource.Type === 'AWS::KMS::Key' && resource.logicalId === keyRef?.['Fn::GetAtt']?.[0],
      );
      const statements = statementsOf(key, 'KeyPolicy');
      return !(
        allowsAlarm(statements, 'kms:Decrypt', alarmArn) &&
        allowsAlarm(statements, 'kms:GenerateDataKey', alarmArn)
      );
    });

    expect(refused.map((alarm) => alarm.Properties.AlarmName)).toEqual([]);
  });

  it(
    "does not let another app's alarms publish to this app's topic",
    () => {
      const topicPolicy = resources.find((resource) => resource.Type === 'AWS::SNS::TopicPolicy');
      const statements = statementsOf(topicPolicy, 'PolicyDocument');

      expect(
        allowsAlarm(
          statements,
          'sns:Publish',
          `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:acme-staging_daily-report dead letters`,
        ),
      ).toBe(false);
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('the alarm topic', () => {
  it('has each address of alarmEmails subscribed by email', () => {
    const { jobs } = buildJobsApp({ alarmEmails: ['ops@example.com', 'oncall@example.com'] });

    const subscriptions = allResources(jobs).filter(
      (resource) => resource.Type === 'AWS::SNS::Subscription',
    );

    expect(subscriptions.map((subscription) => subscription.Properties)).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com' }),
      expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@example.com' }),
    ]);
  });

  it('refuses an address that is not one, saying what it takes', () => {
    expect(() => buildJobsApp({ alarmEmails: ['ops at example.com'] })).toThrow(
      'alarmEmails must be email addresses, such as "ops@example.com", got "ops at example.com"',
    );
  });
});
