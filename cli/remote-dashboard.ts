import { randomBytes } from 'node:crypto';
import { startApiServer } from '../local/api-server';
import { DASHBOARD_DIR, DASHBOARD_MODULES } from '../local/dashboard-files';
import { SESSION_PARAMETER } from '../local/session-token';
import type { ApiHandler, ApiRequest, ApiResponse } from '../shared/api/api-request';
import type { Logger } from '../shared/ports/logger';
import type { HttpRequestSpec, JobsApi } from './api-client';
import { ApiUnreachableError } from './errors';

export interface RemoteDashboardOptions {
  /** The deployed app's API, whose requests are signed with the user's credentials. */
  readonly api: Pick<JobsApi, 'forward' | 'description'>;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default - 24 random bytes */
  readonly sessionToken?: string;
  readonly logger?: Logger;
}

export interface RemoteDashboard {
  /** The URL to open: it carries the session's token. */
  readonly url: string;
  stop(): Promise<void>;
}

const FORWARDED_METHODS = new Set<HttpRequestSpec['method']>(['GET', 'POST', 'PUT', 'PATCH']);

/**
 * The dashboard of `npm run dev`, served on localhost for a deployed app: its API calls go to
 * the app's API, signed with the user's AWS credentials (no new public endpoint; IAM decides).
 * Since it acts with those credentials, it answers only loopback names, its own pages (no
 * foreign Origin), and the browser that opened the URL it prints (the session token).
 */
export async function startRemoteDashboard(
  options: RemoteDashboardOptions,
): Promise<RemoteDashboard> {
  const sessionToken = options.sessionToken ?? randomBytes(24).toString('base64url');
  const server = await startApiServer({
    handler: forwardingHandler(options.api),
    port: options.port ?? 0,
    staticDir: DASHBOARD_DIR,
    browserModules: DASHBOARD_MODULES,
    sessionToken,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    url: `${server.url}/?${SESSION_PARAMETER}=${sessionToken}`,
    stop: () => server.stop(),
  };
}

/** Each API request, sent on as it came and answered as the deployed API answered it. */
export function forwardingHandler(api: Pick<JobsApi, 'forward' | 'description'>): ApiHandler {
  return async (request: ApiRequest): Promise<ApiResponse> => {
    const method = request.method.toUpperCase() as HttpRequestSpec['method'];
    if (!FORWARDED_METHODS.has(method)) {
      return json(405, {
        error: 'method_not_allowed',
        message: `The dashboard forwards GET, POST, PUT and PATCH to the API, not ${method}.`,
      });
    }
    // RFC 3986 (%20, not "+"): SigV4 signs the query as API Gateway reads it.
    const query = Object.entries(request.query)
      .flatMap(([key, value]) =>
        value === undefined ? [] : [`${encodeURIComponent(key)}=${encodeURIComponent(value)}`],
      )
      .join('&');
    try {
      const answer = await api.forward({
        method,
        path: query === '' ? request.path : `${request.path}?${query}`,
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      return {
        statusCode: answer.status,
        headers: { 'content-type': 'application/json' },
        body: answer.text,
      };
    } catch (error) {
      if (!(error instanceof ApiUnreachableError)) throw error;
      return json(502, { error: 'internal_error', message: error.message });
    }
  };
}

function json(statusCode: number, body: unknown): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
