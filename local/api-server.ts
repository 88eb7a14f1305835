import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { transform } from 'esbuild';
import { type ApiHandler, MAX_REQUEST_BODY_BYTES } from '../shared/api/api-request';
import { bodyTooLargeResponse } from '../shared/api/request-body';
import { silentLogger } from '../shared/logging/silent-logger';
import type { Logger } from '../shared/ports/logger';
import { refusalOf } from './request-origin';
import { sessionCookie, sessionProofOf } from './session-token';

export interface ApiServerOptions {
  readonly handler: ApiHandler;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * A folder of static files served under `/` (its `index.html` at `/`) for paths the API does
   * not own: the dashboard. @default - none
   */
  readonly staticDir?: string;
  /**
   * Files the dashboard imports from outside `staticDir`, by the path they are served at: the
   * runtime's TypeScript modules, served as JavaScript (esbuild strips their types), so that the
   * page and the server share one definition rather than a copy, and installed packages' files
   * as they are. Only these are served. @default - none
   */
  readonly browserModules?: Readonly<Record<string, string>>;
  /** Who local requests are recorded as coming from. @default `local:<OS user name>` */
  readonly principal?: string;
  /**
   * A secret every request must carry (the session cookie, or `?token=` on the first page
   * load, which sets the cookie): for a server that acts with the user's AWS credentials.
   * @default - none: the loopback, Host and Origin checks alone
   */
  readonly sessionToken?: string;
  readonly logger?: Logger;
}

export interface ApiServer {
  /** `http://localhost:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests and waits for those in flight. */
  stop(): Promise<void>;
}

const API_PREFIXES = ['/jobs', '/runs', '/health', '/stats'];
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The REST API on localhost: each request becomes an `ApiRequest` for the same handler the API
 * Lambda runs, with the local user as its principal. Paths outside the API serve the dashboard.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const logger = options.logger ?? silentLogger;
  const principal = options.principal ?? `local:${localUserName()}`;
  // Requests being answered: stop() waits for them, so nothing the API handler started (a
  // write to the tables) is cut off when the runtime closes the tables after the server.
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const server = createServer((request, response) => {
    // A stopping server asks each client to close its keep-alive connection (the dashboard's
    // polling holds one open), so that closing does not wait for them to time out.
    if (stopping) response.setHeader('connection', 'close');
    const answered = handle(request, response)
      .catch((error: unknown) => {
        logger.error('The local API server failed to answer a request', {
          error: error instanceof Error ? error.message : String(error),
          path: request.url,
        });
        if (!response.headersSent) sendJson(response, 500, internalError());
        else response.destroy();
      })
      .finally(() => inFlight.delete(answered));
    inFlight.add(answered);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = refusalOf(request, (server.address() as AddressInfo).port);
    if (refusal !== undefined) {
      logger.warn('The local API server refused a request from another site', {
        host: request.headers.host,
        origin: request.headers.origin,
        path: request.url,
      });
      sendJson(response, 403, { error: 'forbidden', message: refusal });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (options.sessionToken !== undefined) {
      const session = {
        token: options.sessionToken,
        port: (server.address() as AddressInfo).port,
      };
      const proof = sessionProofOf(request, url, session);
      if (proof === undefined) {
        sendJson(response, 403, {
          error: 'forbidden',
          message: `This dashboard acts with your AWS credentials, so it answers only the browser that opened it with the URL jobctl dashboard printed (it carries this session's token). Open that URL, or run npx jobctl dashboard again for a new one.`,
        });
        return;
      }
      if (proof === 'url') response.setHeader('set-cookie', sessionCookie(session));
    }
    const isApi = API_PREFIXES.some(
      (prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`),
    );
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    const browserModule = options.browserModules?.[url.pathname];
    if (isRead && browserModule) {
      await serveBrowserModule(browserModule, response);
      return;
    }
    if (!isApi && options.staticDir && isRead) {
      await serveStatic(options.staticDir, url.pathname, response);
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      // The rest of the body is read and dropped, so that the client, still sending, gets the
      // answer rather than a reset connection; the connection closes after it.
      const tooLarge = bodyTooLargeResponse();
      response.writeHead(tooLarge.statusCode, { ...tooLarge.headers, connection: 'close' });
      response.end(tooLarge.body);
      return;
    }
    const answer = await options.handler({
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(body !== '' ? { body } : {}),
      headers: headersOf(request),
      principal,
    });
    response.writeHead(answer.statusCode, answer.headers);
    response.end(answer.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    stop: async () => {
      stopping = true;
      const closed = closeServer(server);
      await Promise.all(inFlight);
      server.closeAllConnections();
      await closed;
    },
  };
}

function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/**
 * The body as text, or undefined once it is over what the API reads (`MAX_REQUEST_BODY_BYTES`);
 * the rest is then drained, not kept, and not cut off, since destroying the request would
 * reset the connection before the client reads the answer.
 */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.off('end', onEnd);
      request.resume();
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', reject);
  });
}

/** The request's headers as the API handler reads them: lower-case names, one value each. */
function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function serveStatic(root: string, pathname: string, response: ServerResponse) {
  const relativePath = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  const file = normalize(join(root, relativePath));
  if (!file.startsWith(normalize(root) + sep)) {
    sendJson(response, 404, { error: 'not_found', message: `Nothing is served at ${pathname}` });
    return;
  }
  try {
    const content = await readFile(file);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    response.end(content);
  } catch {
    sendJson(response, 404, { error: 'not_found', message: `Nothing is served at ${pathname}` });
  }
}

/** A module the dashboard imports from outside its folder: TypeScript compiled, the rest as it is. */
async function serveBrowserModule(file: string, response: ServerResponse) {
  const source = await readFile(file, 'utf8');
  const isTypeScript = extname(file) === '.ts';
  const code = isTypeScript
    ? (await transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code
    : source;
  response.writeHead(200, {
    'content-type':
      CONTENT_TYPES[isTypeScript ? '.js' : extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  });
  response.end(code);
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function internalError() {
  return { error: 'internal_error', message: 'The local API server failed; see its log' };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
