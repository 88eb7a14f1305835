import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_URL_OUTPUT } from '../../cli/remote-api';
import { API_ROUTES, routeKeyOf } from '../../shared/api/api-routes';
import { arn, buildJobsApp, REGION, SYNTH_TIMEOUT_MS } from './jobs-app';

function controlTemplate(): Template {
  const { jobs } = buildJobsApp();
  return Template.fromStack(jobs.controlStack);
}

function routes(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (route) => (route as { Properties: Record<string, unknown> }).Properties,
  );
}

describe('ControlStack', { timeout: SYNTH_TIMEOUT_MS }, () => {
  describe('API', () => {
    it('is an HTTP API named acme_api', () => {
      const template = controlTemplate();

      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        Name: 'acme_api',
        ProtocolType: 'HTTP',
      });
    });

    it('requires IAM (SigV4) authorization on every route', () => {
      const template = controlTemplate();

      const authorizations = routes(template).map((route) => route.AuthorizationType);
      expect(authorizations).toEqual(API_ROUTES.map(() => 'AWS_IAM'));
    });

    it('has exactly one route per entry of API_ROUTES', () => {
      const template = controlTemplate();

      const routeKeys = routes(template).map((route) => route.RouteKey);
      expect(routeKeys.sort()).toEqual(API_ROUTES.map(routeKeyOf).sort());
    });

    it('logs every request to its access log group as JSON', () => {
      const template = controlTemplate();

      const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
      const settings = (stage as { Properties: { AccessLogSettings: Record<string, unknown> } })
        .Properties.AccessLogSettings;
      expect(settings.DestinationArn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'],
      });
      expect(JSON.parse(String(settings.Format))).toMatchObject({
        requestId: '$context.requestId',
        route: '$context.routeKey',
        status: '$context.status',
        caller: '$context.identity.userArn',
      });
    });

    it('outputs the URL of its $default stage as ApiUrl, where `jobctl --remote` reads it', () => {
      const template = controlTemplate();

      const apiId = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))[0];
      template.hasOutput(API_URL_OUTPUT, {
        Value: {
          'Fn::Join': [
            '',
            ['https://', { Ref: apiId }, `.execute-api.${REGION}.`, { Ref: 'AWS::URLSuffix' }, '/'],
          ],
        },
      });
    });

    it('throttles the default stage to 50 requests a second, bursts of 100', () => {
      const template = controlTemplate();

      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
    });
  });

  describe('API function role', () => {
    /** The API function's role has these statements, among others. */
    function expectApiRolePolicy(statements: readonly object[]): void {
      controlTemplate().hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^ApiFunctionRole') }],
        PolicyDocument: { Statement: Match.arrayWith([...statements]) },
      });
    }

    it('may query acme_executions and each of its indexes', () => {
      expectApiRolePolicy([
        Match.objectLike({
          Effect: 'Allow',
          Action: Match.arrayWith(['dynamodb:Query']),
          Resource: [
            arn('dynamodb', 'table/acme_executions'),
            arn('dynamodb', 'table/acme_executions/index/byJob'),
            arn('dynamodb', 'table/acme_executions/index/recentRuns'),
            arn('dynamodb', 'table/acme_executions/index/recentFailures'),
          ],
        }),
      ]);
    });

    it("may send to the app's acme_* queues, to trigger and retry runs", () => {
      expectApiRolePolicy([
        Match.objectLike({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: arn('sqs', 'acme_*'),
        }),
      ]);
    });

    it('may update runs in acme_executions, to record cancel requests, and nothing else there', () => {
      expectApiRolePolicy([
        Match.objectLike({
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: arn('dynamodb', 'table/acme_executions'),
        }),
      ]);
    });

    it("may read, hold and delete messages of the jobs' dead-letter queues only, to list and redrive them", () => {
      expectApiRolePolicy([
        Match.objectLike({
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
          Resource: arn('sqs', 'acme_*_dlq'),
        }),
      ]);
    });

    it('may describe the three tables and read the queues’ attributes, for GET /health', () => {
      // IAM authorizes DescribeTable against the table's ARN and GetQueueAttributes against the
      // queue's: both name the resource, not a wildcard over the account.
      expectApiRolePolicy([
        Match.objectLike({
          Effect: 'Allow',
          Action: 'dynamodb:DescribeTable',
          Resource: [
            arn('dynamodb', 'table/acme_executions'),
            arn('dynamodb', 'table/acme_job-state'),
            arn('dynamodb', 'table/acme_alert-config'),
          ],
        }),
        Match.objectLike({
          Effect: 'Allow',
          Action: 'sqs:GetQueueAttributes',
          Resource: arn('sqs', 'acme_*'),
        }),
      ]);
    });

    it("may never send to a dead-letter queue: the jobs' and alerts' acme_*_dlq, and acme_scheduler-dlq", () => {
      expectApiRolePolicy([
        Match.objectLike({
          Effect: 'Deny',
          Action: 'sqs:SendMessage',
          Resource: [arn('sqs', 'acme_*_dlq'), arn('sqs', 'acme_scheduler-dlq')],
        }),
      ]);
    });
  });

  it('builds one acme_jobs dashboard', () => {
    const template = controlTemplate();

    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'acme_jobs' });
  });
});
