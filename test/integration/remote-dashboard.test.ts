import { request as httpRequest } from 'node:http';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { API_URL_OUTPUT, connectRemoteApi } from '../../cli/remote-api';
import { startRemoteDashboard } from '../../cli/remote-dashboard';
import { startSigV4StandIn } from '../support/sigv4-stand-in';

const REGION = 'eu-west-2';
const CREDENTIALS = {
  accessKeyId: 'AKIDDASHBOARD',
  secretAccessKey: 'dashboard/secret/key/for/the/stand-in/EXAMPLE',
  sessionToken: 'session-token-example',
};
const cloudFormation = mockClient(CloudFormationClient);
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  cloudFormation.reset();
  for (const stop of stops.splice(0).reverse()) await stop();
});
afterAll(() => cloudFormation.restore());

/** The deployed API (a stand-in that checks SigV4), and the dashboard serving it on localhost. */
async function setup() {
  const deployed = await startSigV4StandIn({
    region: REGION,
    credentials: CREDENTIALS,
    answer: (request) =>
      request.method === 'GET'
        ? { status: 200, body: { jobs: [{ name: 'nightly-report' }], path: request.url } }
        : { status: 202, body: { runId: 'run-1', received: request.body } },
  });
  stops.push(deployed.stop);
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'acme-control',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [{ OutputKey: API_URL_OUTPUT, OutputValue: deployed.url }],
      },
    ],
  });
  const api = await connectRemoteApi({
    stackName: 'acme-control',
    cloudFormation: new CloudFormationClient({ region: REGION, credentials: CREDENTIALS }),
    credentials: CREDENTIALS,
    region: REGION,
  });
  const dashboard = await startRemoteDashboard({ api, sessionToken: 'token-for-this-test' });
  stops.push(dashboard.stop);
  const origin = new URL(dashboard.url).origin;
  const cookie = { cookie: `jobs_session_${new URL(origin).port}=token-for-this-test` };
  return { deployed, dashboard, origin, cookie };
}

/** A request with exactly these headers, as a browser or another site's page would send it. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

describe('jobctl dashboard --remote, against a stand-in that checks every SigV4 signature', () => {
  it('opens with the printed URL, which sets the session cookie and serves the page', async () => {
    const { dashboard } = await setup();

    const page = await send(dashboard.url);

    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
    // Named by the port: browsers share a host's cookies across its ports.
    expect(String(page.headers['set-cookie'])).toContain(
      `jobs_session_${new URL(dashboard.url).port}=token-for-this-test; Path=/; HttpOnly; SameSite=Strict`,
    );
  });

  it("forwards the page's API calls signed with the user's credentials, query and body included", async () => {
    const { deployed, origin, cookie } = await setup();

    const listed = await send(`${origin}/jobs/nightly-report/runs?limit=5&cursor=a%20b`, {
      headers: cookie,
    });
    const triggered = await send(`${origin}/jobs/nightly-report/runs`, {
      method: 'POST',
      headers: { ...cookie, origin, 'content-type': 'application/json' },
      body: '{"input":{"day":"2026-12-01"}}',
    });

    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body).path).toBe('/jobs/nightly-report/runs?limit=5&cursor=a%20b');
    expect(triggered.status).toBe(202);
    expect(JSON.parse(triggered.body).received).toBe('{"input":{"day":"2026-12-01"}}');
    expect(deployed.received.map((call) => call.signatureValid)).toEqual([true, true]);
  });

  it('refuses, before anything is signed, a request without the session token', async () => {
    const { deployed, origin } = await setup();

    const noToken = await send(`${origin}/jobs`);
    const wrongToken = await send(`${origin}/jobs`, {
      headers: { cookie: `jobs_session_${new URL(origin).port}=guess` },
    });

    expect([noToken.status, wrongToken.status]).toEqual([403, 403]);
    expect(JSON.parse(noToken.body).message).toContain('the URL jobctl dashboard printed');
    expect(deployed.received).toEqual([]);
  });

  it('refuses a page of another origin, and a request for another host name, even with the cookie', async () => {
    const { deployed, origin, cookie } = await setup();

    const crossSite = await send(`${origin}/jobs/nightly-report/runs`, {
      method: 'POST',
      headers: { ...cookie, origin: 'https://evil.example' },
      body: '{}',
    });
    const rebound = await send(`${origin}/jobs`, {
      headers: { ...cookie, host: `rebind.evil.example:${new URL(origin).port}` },
    });

    expect([crossSite.status, rebound.status]).toEqual([403, 403]);
    expect(deployed.received).toEqual([]);
  });

  it('is checked by a stand-in that refuses a signature made with another key', async () => {
    const { deployed } = await setup();
    const otherKey = await connectRemoteApi({
      stackName: 'acme-control',
      cloudFormation: new CloudFormationClient({ region: REGION, credentials: CREDENTIALS }),
      credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-key' },
      region: REGION,
    });

    const answer = await otherKey.forward({ method: 'GET', path: '/jobs' });

    expect(answer.status).toBe(403);
    expect(deployed.received.map((call) => call.signatureValid)).toEqual([false]);
  });
});
