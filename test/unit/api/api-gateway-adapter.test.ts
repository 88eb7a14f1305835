import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { apiGatewayHandler } from '../../../shared/api/api-gateway-adapter';
import type { ApiRequest, ApiResponse } from '../../../shared/api/api-request';
import { createApiHandler } from '../../../shared/api/create-api-handler';
import { JobControl } from '../../../shared/control/job-control';
import { RunCancel } from '../../../shared/control/run-cancel';
import { RunTrigger } from '../../../shared/control/run-trigger';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { noDeadLetters } from '../../support/no-dead-letters';

const ALICE = 'arn:aws:iam::123456789012:user/alice';

function event(
  overrides: {
    method?: string;
    rawPath?: string;
    stage?: string;
    query?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
    userArn?: string;
  } = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const method = overrides.method ?? 'GET';
  const rawPath = overrides.rawPath ?? '/jobs';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: new URLSearchParams(overrides.query).toString(),
    headers: { 'content-type': 'application/json' },
    ...(overrides.query ? { queryStringParameters: overrides.query } : {}),
    ...(overrides.body !== undefined ? { body: overrides.body } : {}),
    isBase64Encoded: overrides.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'jobs-cli',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: overrides.stage ?? '$default',
      time: '23/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_795_435_200_000,
      authorizer: {
        iam: {
          accessKey: 'AKIAEXAMPLE',
          accountId: '123456789012',
          callerId: 'AIDAEXAMPLE',
          cognitoIdentity: null,
          principalOrgId: 'o-example',
          userArn: overrides.userArn ?? ALICE,
          userId: 'AIDAEXAMPLE',
        },
      },
    },
  };
}

/** A handler that keeps the requests it is given and answers 200 `{}`. */
function recordingHandler() {
  const requests: ApiRequest[] = [];
  const handle = async (request: ApiRequest): Promise<ApiResponse> => {
    requests.push(request);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  };
  return { requests, handler: apiGatewayHandler(handle) };
}

describe('apiGatewayHandler', () => {
  it('hands the method, path, query, body, headers and caller’s ARN to the API', async () => {
    const { requests, handler } = recordingHandler();

    await handler(
      event({
        method: 'POST',
        rawPath: '/jobs/send-email/runs',
        query: { limit: '5' },
        body: '{"input":{}}',
      }),
    );

    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/jobs/send-email/runs',
        query: { limit: '5' },
        body: '{"input":{}}',
        headers: { 'content-type': 'application/json' },
        principal: ALICE,
      },
    ]);
  });

  it('decodes a base64-encoded body', async () => {
    const { requests, handler } = recordingHandler();
    const body = JSON.stringify({ input: { to: 'zoë@example.com' } });

    await handler(
      event({ method: 'POST', body: Buffer.from(body).toString('base64'), isBase64Encoded: true }),
    );

    expect(requests[0]?.body).toBe(body);
  });

  it('gives an empty query and no body when the event has none', async () => {
    const { requests, handler } = recordingHandler();

    await handler(event());

    expect(requests[0]?.query).toEqual({});
    expect(requests[0]).not.toHaveProperty('body');
  });

  it('drops a named stage’s prefix from the path', async () => {
    const { requests, handler } = recordingHandler();

    await handler(event({ rawPath: '/prod/jobs/send-email', stage: 'prod' }));

    expect(requests[0]?.path).toBe('/jobs/send-email');
  });

  it('leaves out the principal of an event without an IAM authorizer', async () => {
    const { requests, handler } = recordingHandler();
    const unsigned = event();
    const { authorizer: _authorizer, ...requestContext } = unsigned.requestContext;

    await handler({
      ...unsigned,
      requestContext: requestContext as typeof unsigned.requestContext,
    });

    expect(requests[0]).not.toHaveProperty('principal');
  });

  it('answers with the API’s status, headers and body', async () => {
    const handler = apiGatewayHandler(async () => ({
      statusCode: 405,
      headers: { 'content-type': 'application/json', allow: 'GET' },
      body: '{"error":"method_not_allowed"}',
    }));

    const result = await handler(event());

    expect(result).toEqual({
      statusCode: 405,
      headers: { 'content-type': 'application/json', allow: 'GET' },
      body: '{"error":"method_not_allowed"}',
      isBase64Encoded: false,
    });
  });

  it('serves the API handler: a trigger through API Gateway is recorded as the caller’s', async () => {
    const ping = defineJob({ name: 'ping', run: async () => JobResult.success() });
    const jobs = JobRegistry.from([ping]);
    const history = new InMemoryExecutionStore();
    const jobStateStore = new InMemoryJobStateStore();
    const triggeredBy: (string | undefined)[] = [];
    const handler = apiGatewayHandler(
      createApiHandler({
        jobs,
        history: {
          getRun: (jobName, runId) => history.getRun(jobName, runId),
          listRuns: async () => ({ items: [] }),
          listRecentRuns: async () => ({ items: [] }),
          listRecentFailures: async () => ({ items: [] }),
        },
        jobStateStore,
        jobControl: new JobControl({ jobs, jobStateStore }),
        alertConfigStore: new InMemoryAlertConfigStore(),
        deadLetters: noDeadLetters,
        runCancel: new RunCancel({ jobs, cancellations: new InMemoryExecutionStore() }),
        runTrigger: new RunTrigger({
          jobs,
          history,
          enqueuer: { enqueue: async (run) => void triggeredBy.push(run.request.triggeredBy) },
        }),
      }),
    );

    const result = await handler(event({ method: 'POST', rawPath: '/jobs/ping/runs/' }));

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body ?? '')).toEqual({ runId: expect.any(String) });
    expect(triggeredBy).toEqual([ALICE]);
  });

  it('refuses, deployed as locally, a body of a type it does not read, an oversized body and an overlong run id, as JSON errors', async () => {
    const ping = defineJob({ name: 'ping', run: async () => JobResult.success() });
    const jobs = JobRegistry.from([ping]);
    const history = new InMemoryExecutionStore();
    const jobStateStore = new InMemoryJobStateStore();
    const handler = apiGatewayHandler(
      createApiHandler({
        jobs,
        history: {
          getRun: (jobName, runId) => history.getRun(jobName, runId),
          listRuns: async () => ({ items: [] }),
          listRecentRuns: async () => ({ items: [] }),
          listRecentFailures: async () => ({ items: [] }),
        },
        jobStateStore,
        jobControl: new JobControl({ jobs, jobStateStore }),
        alertConfigStore: new InMemoryAlertConfigStore(),
        deadLetters: noDeadLetters,
        runCancel: new RunCancel({ jobs, cancellations: new InMemoryExecutionStore() }),
        runTrigger: new RunTrigger({ jobs, history, enqueuer: { enqueue: async () => {} } }),
      }),
    );
    const xml = event({ method: 'POST', rawPath: '/jobs/ping/runs', body: '<run/>' });

    const results = await Promise.all([
      // A hand-written test event may spell header names in any case.
      handler({ ...xml, headers: { 'Content-Type': 'application/xml' } }),
      handler(
        event({
          method: 'POST',
          rawPath: '/jobs/ping/runs',
          body: Buffer.from(JSON.stringify({ input: 'x'.repeat(1_100_000) })).toString('base64'),
          isBase64Encoded: true,
        }),
      ),
      handler(
        event({
          method: 'POST',
          rawPath: '/jobs/ping/runs',
          body: '{"input":{"n":1e20}}',
        }),
      ),
      handler(event({ rawPath: `/jobs/ping/runs/${'r'.repeat(2000)}` })),
    ]);

    expect(results.map((result) => result.statusCode)).toEqual([415, 413, 400, 400]);
    for (const result of results) {
      expect(result.headers?.['content-type']).toBe('application/json');
      expect(JSON.parse(result.body ?? '')).toEqual({
        error: expect.any(String),
        message: expect.any(String),
        details: expect.any(Array),
      });
    }
  });
});
