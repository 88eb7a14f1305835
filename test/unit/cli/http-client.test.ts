import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program';
import { connectApi, localApiUrl } from '../../../cli/target';
import { memoryIo } from './cli-harness';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A server on a free port that records each request and answers with `answer`. */
async function apiServer(answer: (request: Received) => Answer) {
  const received: Received[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const entry = { method: request.method ?? '', url: request.url ?? '', body };
    received.push(entry);
    const { status, body: text } = answer(entry);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(text);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, received };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function run(argv: readonly string[], env: Record<string, string> = {}) {
  const io = memoryIo({ env });
  const code = await runCli(argv, { io, pollIntervalMs: 1 });
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('the HTTP client', () => {
  it('sends each command to its route, with the body the API takes', async () => {
    const server = await apiServer(({ url }) =>
      url.endsWith('/runs')
        ? { status: 202, body: '{"runId":"01JRUN"}' }
        : { status: 200, body: '{"runs":[]}' },
    );

    await run(['--url', server.url, 'run', 'nightly-report', '--input', '{"a":1}']);
    await run([
      '--url',
      server.url,
      'history',
      'nightly-report',
      '--limit',
      '5',
      '--cursor',
      'c 1',
    ]);

    expect(server.received).toEqual([
      { method: 'POST', url: '/jobs/nightly-report/runs', body: '{"input":{"a":1}}' },
      { method: 'GET', url: '/jobs/nightly-report/runs?limit=5&cursor=c%201', body: '' },
    ]);
  });

  it('keeps the path of a --url that has one', async () => {
    const server = await apiServer(() => ({ status: 200, body: '{"jobs":[]}' }));

    await run(['--url', `${server.url}/prod/`, 'list']);

    expect(server.received[0]?.url).toBe('/prod/jobs');
  });

  it('talks to the port in PORT when there is no --url', async () => {
    const server = await apiServer(() => ({ status: 200, body: '{"jobs":[]}' }));

    const { code } = await run(['list'], { PORT: String(server.port) });

    expect(code).toBe(0);
    expect(server.received).toHaveLength(1);
  });

  it("prints the message of the API's 404 for an unknown job, and exits 1", async () => {
    const message = 'There is no job named "nightly-reprot". Did you mean "nightly-report"?';
    const server = await apiServer(() => ({
      status: 404,
      body: JSON.stringify({ error: 'not_found', message }),
    }));

    const { code, stdout, stderr } = await run(['--url', server.url, 'info', 'nightly-reprot']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${message}\n`);
  });

  it("prints each field error of the API's 400", async () => {
    const server = await apiServer(() => ({
      status: 400,
      body: JSON.stringify({
        error: 'bad_request',
        message: 'The request body has unknown field "inptu"',
        details: [{ path: 'inptu', message: 'unknown field' }],
      }),
    }));

    const { code, stderr } = await run(['--url', server.url, 'run', 'nightly-report']);

    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: The request body has unknown field "inptu"\n  inptu: unknown field\n',
    );
  });

  it("says when an answer is not the API's error JSON, and to check --url", async () => {
    const server = await apiServer(() => ({ status: 502, body: '<html>Bad gateway</html>' }));

    const { code, stderr } = await run(['--url', server.url, 'list']);

    expect(code).toBe(1);
    expect(stderr).toBe(
      "error: The API answered 502 without its error JSON: <html>Bad gateway</html>. Check that --url points at this app's API.\n",
    );
  });

  it('says that the local runtime is not running, and how to start it, when the connection is refused', async () => {
    const port = await closedPort();

    const { code, stderr } = await run(['list'], { PORT: String(port) });

    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: Cannot reach the API at http://localhost:${port} (connection refused). The local runtime is not running here: start it with \`npm run dev\` (in another terminal); if it runs on another port, set PORT to it here too; or pass --url <url> for an API elsewhere, or --remote <stack> for a deployed app.\n`,
    );
  });

  it('says to check --url when nothing answers there', async () => {
    const port = await closedPort();

    const { code, stderr } = await run(['--url', `http://127.0.0.1:${port}`, 'list']);

    expect(code).toBe(1);
    expect(stderr).toContain('(connection refused). Check --url, or start the local runtime');
  });

  it.each([
    [
      ['--url', 'localhost:3000', 'list'],
      '--url must be an http(s) URL such as http://localhost:3000, got "localhost:3000".',
    ],
    [['--url', 'http://x', '--remote', 'jobs-control', 'list'], 'Pass either --url'],
  ])('rejects %j as a usage error', async (argv, message) => {
    const { code, stderr } = await run(argv);

    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${message}`);
  });
});

describe('localApiUrl', () => {
  it('is http://localhost:3000 without PORT, and uses PORT when it is set', () => {
    expect(localApiUrl({})).toBe('http://localhost:3000');
    expect(localApiUrl({ PORT: '4100' })).toBe('http://localhost:4100');
  });

  it('rejects a PORT that is not a port number, saying what to do', async () => {
    await expect(connectApi({}, memoryIo({ env: { PORT: 'abc' } }))).rejects.toThrow(
      'PORT must be a port number from 1 to 65535, got "abc": unset it to use 3000, or pass --url.',
    );
  });
});
