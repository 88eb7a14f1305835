import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../cli/program';
import { API_URL_OUTPUT, connectRemoteApi } from '../../../cli/remote-api';
import { expectedAuthorization, type Received } from '../../support/sigv4-stand-in';
import { memoryIo } from './cli-harness';

const cloudFormation = mockClient(CloudFormationClient);
const REGION = 'eu-west-1';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

const servers: Server[] = [];

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  cloudFormation.restore();
});

afterEach(async () => {
  cloudFormation.reset();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** Stands in for API Gateway: records each request and answers 200 with `body`. */
async function fakeApiGateway(body: unknown) {
  const received: Received[] = [];
  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    received.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: text,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, received };
}

function stackWithOutputs(outputs: { OutputKey: string; OutputValue: string }[]) {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'jobs-control' }).resolves({
    Stacks: [
      {
        StackName: 'jobs-control',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        Outputs: outputs,
      },
    ],
  });
}

function connect() {
  return connectRemoteApi({
    stackName: 'jobs-control',
    cloudFormation: new CloudFormationClient({ region: REGION, credentials: CREDENTIALS }),
    credentials: CREDENTIALS,
    region: REGION,
  });
}

describe('connectRemoteApi', () => {
  it("reads the API's URL from the control stack's ApiUrl output", async () => {
    const gateway = await fakeApiGateway({ jobs: [] });
    stackWithOutputs([
      { OutputKey: 'Other', OutputValue: 'x' },
      { OutputKey: API_URL_OUTPUT, OutputValue: gateway.url },
    ]);

    const api = await connect();
    const jobs = await api.listJobs();

    expect(jobs).toEqual([]);
    expect(api.description).toBe(`stack jobs-control (${gateway.url})`);
    expect(gateway.received.map((request) => request.url)).toEqual(['/jobs']);
  });

  it('signs each request with SigV4 for execute-api in the region, with the session token', async () => {
    const gateway = await fakeApiGateway({ runId: '01JRUN' });
    stackWithOutputs([{ OutputKey: API_URL_OUTPUT, OutputValue: gateway.url }]);

    const api = await connect();
    await api.triggerRun('nightly-report', { input: { date: '2026-11-23' } });

    const [request] = gateway.received;
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe('{"input":{"date":"2026-11-23"}}');
    expect(request?.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${REGION}/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(request?.headers.authorization).toMatch(/SignedHeaders=[^,]*content-type/);
    expect(request?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request?.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
  });

  it('signs what it sends: the signature checks out against the request the server received', async () => {
    const gateway = await fakeApiGateway({ runs: [] });
    stackWithOutputs([{ OutputKey: API_URL_OUTPUT, OutputValue: gateway.url }]);

    const api = await connect();
    await api.listRuns('nightly-report', { limit: 5, cursor: 'a b' });

    const [request] = gateway.received;
    if (!request) throw new Error('no request reached the server');
    const url = new URL(request.url, gateway.url);
    expect(request.headers.authorization).toBe(
      await expectedAuthorization(request, gateway.url, {
        region: REGION,
        credentials: CREDENTIALS,
      }),
    );
    expect(url.searchParams.get('cursor')).toBe('a b');
  });

  it('signs a PATCH of alert fields, body included, as the API requires of every method', async () => {
    const gateway = await fakeApiGateway({ jobName: 'nightly-report', source: 'job', config: {} });
    stackWithOutputs([{ OutputKey: API_URL_OUTPUT, OutputValue: gateway.url }]);

    const api = await connect();
    await api.patchAlerts('nightly-report', { maxAlertsPerHour: 5 });

    const [request] = gateway.received;
    if (!request) throw new Error('no request reached the server');
    expect(request.method).toBe('PATCH');
    expect(request.url).toBe('/jobs/nightly-report/alerts');
    expect(request.body).toBe('{"maxAlertsPerHour":5}');
    expect(request.headers.authorization).toBe(
      await expectedAuthorization(request, gateway.url, {
        region: REGION,
        credentials: CREDENTIALS,
      }),
    );
  });

  it('says which stack to pass when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id jobs does not exist'), { name: 'ValidationError' }),
      );

    const failure = connectRemoteApi({
      stackName: 'jobs',
      cloudFormation: new CloudFormationClient({ region: REGION, credentials: CREDENTIALS }),
      credentials: CREDENTIALS,
      region: REGION,
    });

    await expect(failure).rejects.toThrow(
      "There is no stack jobs in eu-west-1. The API is in the app's control stack, such as jobs-control.",
    );
  });

  it('says that a stack without the ApiUrl output is not the control stack', async () => {
    stackWithOutputs([]);

    await expect(connect()).rejects.toThrow(
      "Stack jobs-control has no ApiUrl output: pass the app's control stack",
    );
  });

  it('is what --remote uses, with the default credential chain and region', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_REGION', 'us-east-2');
    const gateway = await fakeApiGateway({ jobs: [] });
    stackWithOutputs([{ OutputKey: API_URL_OUTPUT, OutputValue: gateway.url }]);
    const io = memoryIo();

    const code = await runCli(['--remote', 'jobs-control', 'list', '--json'], { io });

    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ jobs: [] });
    expect(gateway.received[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFROMENV\/\d{8}\/us-east-2\/execute-api\/aws4_request, /,
    );
  });
});
