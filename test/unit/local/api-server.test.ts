import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../local/api-server';
import { DASHBOARD_DIR, DASHBOARD_MODULES } from '../../../local/dashboard-files';
import type { ApiRequest, ApiResponse } from '../../../shared/api/api-request';
import { unreadableBodyResponse } from '../../../shared/api/request-body';
import { RETRYABLE_STATUSES } from '../../../shared/control/retryable';

const servers: { stop(): Promise<void> }[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A server whose handler keeps each request and refuses bodies as the API handler does. */
async function start() {
  const requests: ApiRequest[] = [];
  const server = await startApiServer({
    port: 0,
    principal: 'local:test',
    handler: async (request): Promise<ApiResponse> => {
      requests.push(request);
      return (
        unreadableBodyResponse(request) ?? {
          statusCode: 202,
          headers: { 'content-type': 'application/json' },
          body: '{"runId":"r-1"}',
        }
      );
    },
  });
  servers.push(server);
  return { server, requests };
}

/**
 * POSTs `bytes` of body with node's own client, in chunks, as a client that keeps sending while
 * the server answers: resolves with the answer, or rejects if the connection was reset first.
 */
function postLarge(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/jobs/greet/runs`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        const next = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += next.length;
        if (!request.write(next)) {
          request.once('drain', write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

describe('the local API server', () => {
  it('answers 413 as JSON, with the limit, to a body over 1 MiB, and the client reads it', async () => {
    const { server, requests } = await start();

    const answer = await postLarge(server.url, 3 * 1024 * 1024);

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: 'payload_too_large',
      message: expect.stringMatching(
        /^The request body is over the 1,048,576 bytes the API reads\. A run's whole message may take at most 256,000 bytes/,
      ),
      details: [{ path: 'body', message: 'must be at most 1,048,576 bytes' }],
    });
    expect(requests).toHaveLength(0);
  });

  it('keeps serving after refusing a large body', async () => {
    const { server } = await start();
    await postLarge(server.url, 2 * 1024 * 1024);

    const response = await fetch(`${server.url}/jobs/greet/runs`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(202);
  });

  it('hands the headers to the API handler, which refuses a body of a type it does not read', async () => {
    const { server, requests } = await start();

    const response = await fetch(`${server.url}/jobs/greet/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: '<run/>',
    });

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringContaining('Content-Type: application/json'),
    });
    expect(requests[0]?.headers?.['content-type']).toBe('application/xml');
  });

  it('reads a body of exactly 1 MiB', async () => {
    const { server, requests } = await start();

    const answer = await postLarge(server.url, 1024 * 1024);

    expect(answer.status).toBe(202);
    expect(requests[0]?.body).toHaveLength(1024 * 1024);
  });
});

describe('the local API server’s static files', () => {
  /** The dashboard as the local runtime serves it, with the modules it imports from outside. */
  async function serveDashboard() {
    const server = await startApiServer({
      port: 0,
      handler: async () => ({ statusCode: 404, headers: {}, body: '' }),
      staticDir: DASHBOARD_DIR,
      browserModules: DASHBOARD_MODULES,
    });
    servers.push(server);
    return server;
  }

  async function serve(staticDir: string) {
    const server = await startApiServer({
      port: 0,
      handler: async () => ({ statusCode: 404, headers: {}, body: '' }),
      staticDir,
    });
    servers.push(server);
    return server;
  }

  it('serves each of the dashboard’s modules as JavaScript, which module scripts require', async () => {
    const server = await serve(DASHBOARD_DIR);
    const modules = (await readdir(DASHBOARD_DIR)).filter((file) => file.endsWith('.js'));

    const types = await Promise.all(
      modules.map(async (file) => {
        const response = await fetch(`${server.url}/${file}`);
        return [file, response.status, response.headers.get('content-type')];
      }),
    );

    expect(modules).toContain('app.js');
    expect(types).toEqual(modules.map((file) => [file, 200, 'text/javascript; charset=utf-8']));
  });

  it('serves index.html at / and files in nested folders', async () => {
    const root = await mkdtemp(join(tmpdir(), 'api-server-static-'));
    folders.push(root);
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    await mkdir(join(root, 'views'));
    await writeFile(join(root, 'views', 'list.js'), 'export const list = [];');
    const server = await serve(root);

    const index = await fetch(`${server.url}/`);
    const nested = await fetch(`${server.url}/views/list.js`);

    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe('<!doctype html>');
    expect(nested.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await nested.text()).toBe('export const list = [];');
  });

  // A browser resolves `../../shared/control/retryable.js` from `/run-status.js` to
  // `/shared/control/retryable.js` (RFC 3986: `..` above the root stays at the root).
  it('serves the runtime modules the dashboard imports, each where its relative import reaches', async () => {
    const server = await serveDashboard();
    const statusModule = new URL(
      '../../shared/control/retryable.js',
      `${server.url}/run-status.js`,
    );

    const response = await fetch(statusModule);
    const served = (await import(
      `data:text/javascript,${encodeURIComponent(await response.text())}`
    )) as { RETRYABLE_STATUSES: unknown };

    expect(statusModule.pathname).toBe('/shared/control/retryable.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(served.RETRYABLE_STATUSES).toEqual(RETRYABLE_STATUSES);
    expect((await fetch(`${server.url}/shared/control/run-trigger.js`)).status).toBe(404);
  });

  it('serves the charting library that index.html’s import map names, as the package ships it', async () => {
    const server = await serveDashboard();
    const index = await (await fetch(`${server.url}/`)).text();
    const importMap = JSON.parse(
      /<script type="importmap">([\s\S]*?)<\/script>/.exec(index)?.[1] ?? '{}',
    ) as { imports?: Record<string, string> };
    const libraryPath = importMap.imports?.uplot ?? 'no import map entry for uplot';

    const library = await fetch(`${server.url}${libraryPath}`);
    const styles = await fetch(`${server.url}/vendor/uplot.css`);

    expect(library.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await library.text()).toBe(
      await readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'), 'utf8'),
    );
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(index).toContain('href="/vendor/uplot.css"');
  });

  it('serves nothing outside its folder', async () => {
    const server = await serve(DASHBOARD_DIR);

    const response = await fetch(`${server.url}/..%2Fapi-server.ts`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'not_found',
      message: 'Nothing is served at /..%2Fapi-server.ts',
    });
  });
});

/** A request with exactly these headers (fetch would not let a test set Host or Origin). */
function requestWith(
  url: string,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('requests from other web sites', () => {
  it('refuses a POST from a page of another origin, before it reaches the API', async () => {
    const { server, requests } = await start();

    const answer = await requestWith(server.url, 'POST', '/jobs/greet/runs', {
      origin: 'https://evil.example',
    });

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error: 'forbidden',
      message: expect.stringContaining('came from a web page at https://evil.example'),
    });
    expect(requests).toEqual([]);
  });

  it('refuses a request for another host name that resolved to this machine (DNS rebinding)', async () => {
    const { server, requests } = await start();

    const answer = await requestWith(server.url, 'GET', '/jobs', {
      host: `rebind.evil.example:${server.port}`,
    });

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).message).toContain('host "rebind.evil.example');
    expect(requests).toEqual([]);
  });

  it('refuses a page of the same host on another port, and a sandboxed page (Origin: null)', async () => {
    const { server } = await start();

    const otherPort = await requestWith(server.url, 'POST', '/jobs/greet/runs', {
      origin: `http://localhost:${server.port + 1}`,
    });
    const sandboxed = await requestWith(server.url, 'POST', '/jobs/greet/runs', {
      origin: 'null',
    });

    expect([otherPort.status, sandboxed.status]).toEqual([403, 403]);
  });

  it('answers its own pages, by any loopback name, and tools that send no Origin', async () => {
    const { server, requests } = await start();

    const answers = await Promise.all([
      requestWith(server.url, 'POST', '/jobs/greet/runs', {}),
      requestWith(server.url, 'POST', '/jobs/greet/runs', { origin: server.url }),
      requestWith(server.url, 'POST', '/jobs/greet/runs', {
        host: `127.0.0.1:${server.port}`,
        origin: `http://127.0.0.1:${server.port}`,
      }),
      requestWith(server.url, 'POST', '/jobs/greet/runs', {
        host: `[::1]:${server.port}`,
        origin: `http://[::1]:${server.port}`,
      }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    expect(requests).toHaveLength(4);
  });
});
