import { fetchTransport, HttpJobsApi, type JobsApi } from './api-client';
import { CliUsageError } from './errors';
import type { CliIo } from './io';

/** The global options that say which API to talk to. */
export interface TargetOptions {
  /** The API's base URL. */
  readonly url?: string;
  /** The control stack of a deployed app, such as `jobs-control`. */
  readonly remote?: string;
}

/** Makes the API client the global options ask for; tests pass one that returns a fake. */
export type ConnectApi = (target: TargetOptions, io: CliIo) => Promise<JobsApi>;

export const DEFAULT_PORT = 3000;

/**
 * The local runtime at http://localhost:3000 (or the port in `PORT`), the API at `--url`, or a
 * deployed app's API with `--remote <stack>`, whose requests are signed with SigV4.
 */
export const connectApi: ConnectApi = async (target, io) => {
  if (target.url !== undefined && target.remote !== undefined) {
    throw new CliUsageError(
      'Pass either --url (an API such as the local runtime) or --remote (a deployed stack), not both.',
    );
  }
  if (target.remote !== undefined) {
    // Loaded on demand: the AWS SDK is most of the CLI's start-up time.
    const { connectRemoteApi } = await import('./remote-api');
    return connectRemoteApi({ stackName: target.remote });
  }
  const baseUrl = target.url ?? localApiUrl(io.env);
  checkUrl(baseUrl);
  const unreachableHint =
    target.url === undefined
      ? 'The local runtime is not running here: start it with `npm run dev` (in another terminal); if it runs on another port, set PORT to it here too; or pass --url <url> for an API elsewhere, or --remote <stack> for a deployed app.'
      : 'Check --url, or start the local runtime with `npm run dev`.';
  return new HttpJobsApi(baseUrl, fetchTransport({ baseUrl, unreachableHint }));
};

/** Where `npm run dev` serves the API: http://localhost:3000, or the port in `PORT`. */
export function localApiUrl(env: Readonly<Record<string, string | undefined>>): string {
  const port = env.PORT?.trim();
  if (port === undefined || port === '') return `http://localhost:${DEFAULT_PORT}`;
  const value = /^\d+$/.test(port) ? Number(port) : Number.NaN;
  if (!(value >= 1 && value <= 65535)) {
    throw new CliUsageError(
      `PORT must be a port number from 1 to 65535, got "${port}": unset it to use ${DEFAULT_PORT}, or pass --url.`,
    );
  }
  return `http://localhost:${value}`;
}

function checkUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new CliUsageError(
      `--url must be an http(s) URL such as http://localhost:3000, got "${url}".`,
    );
  }
}
