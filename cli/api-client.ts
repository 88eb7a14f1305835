import type { AlertConfig } from '../shared/alerts/alert-config';
import type {
  ApiErrorBody,
  JobDetails,
  JobSummary,
  RunDetails,
  RunsPage,
} from '../shared/api/api-resources';
import type { AllPausedResult, PauseResult } from '../shared/control/job-control';
import type { CancelAccepted } from '../shared/control/run-cancel';
import type { DeadLetterList, RedriveResult } from '../shared/ports/dead-letters';
import { ApiResponseError, ApiUnreachableError } from './errors';

/** The REST API as the commands use it; tests pass a fake. */
export interface JobsApi {
  /** Where the API is, for messages: a URL, or the stack and its URL. */
  readonly description: string;
  listJobs(): Promise<readonly JobSummary[]>;
  getJob(name: string): Promise<JobDetails>;
  triggerRun(name: string, body: TriggerRunBody): Promise<{ readonly runId: string }>;
  getRun(name: string, runId: string): Promise<RunDetails>;
  /** Starts a new run of a failed run, with its input. */
  retryRun(name: string, runId: string): Promise<{ readonly runId: string }>;
  /** Asks a running run to stop. */
  cancelRun(name: string, runId: string): Promise<CancelAccepted>;
  listDeadLetters(name: string): Promise<JobDeadLetters>;
  /** Sends the job's dead letters (all, or these ids) back to its queue. */
  redriveDeadLetters(name: string, messageIds?: readonly string[]): Promise<JobRedrive>;
  listRuns(name: string, page?: RunsPageRequest): Promise<RunsPage>;
  pause(name: string): Promise<PauseResult>;
  resume(name: string): Promise<PauseResult>;
  /** Pauses or resumes every job: the emergency brake. */
  setAllPaused(paused: boolean): Promise<AllPausedResult>;
  getAlerts(name: string): Promise<JobAlerts>;
  /** Replaces the job's own alert config with `config`. */
  putAlerts(name: string, config: unknown): Promise<JobAlerts>;
  /** Merges `changes` into the job's alert config: fields given change, a null one is removed. */
  patchAlerts(name: string, changes: unknown): Promise<JobAlerts>;
  /** Any request, as it is, answered as it is: what a dashboard for this API forwards. */
  forward(request: HttpRequestSpec): Promise<HttpAnswer>;
}

/** `GET /jobs/{name}/dead-letters`. */
export interface JobDeadLetters extends DeadLetterList {
  readonly jobName: string;
}

/** `POST /jobs/{name}/dead-letters/redrive`. */
export interface JobRedrive extends RedriveResult {
  readonly jobName: string;
}

/** A job's alert config as `GET /jobs/{name}/alerts` shows it. */
export interface JobAlerts {
  readonly jobName: string;
  readonly source: 'job' | 'default' | 'none';
  readonly config: AlertConfig;
}

export interface TriggerRunBody {
  readonly input?: unknown;
  readonly idempotencyKey?: string;
}

export interface RunsPageRequest {
  readonly limit?: number;
  readonly cursor?: string;
}

/** One request, with `path` below the API's base URL and the query already in it. */
export interface HttpRequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly body?: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * Sends a request to the API and answers with its status and body; rejects only when nothing
 * answered (ApiUnreachableError).
 */
export type Transport = (request: HttpRequestSpec) => Promise<HttpAnswer>;

/** The API over a transport: plain fetch locally, SigV4-signed fetch for a deployed app. */
export class HttpJobsApi implements JobsApi {
  constructor(
    readonly description: string,
    private readonly transport: Transport,
  ) {}

  async listJobs(): Promise<readonly JobSummary[]> {
    const body = await this.request<{ jobs: JobSummary[] }>('GET', '/jobs');
    return body.jobs;
  }

  getJob(name: string): Promise<JobDetails> {
    return this.request('GET', `/jobs/${segment(name)}`);
  }

  triggerRun(name: string, body: TriggerRunBody): Promise<{ readonly runId: string }> {
    return this.request('POST', `/jobs/${segment(name)}/runs`, JSON.stringify(body));
  }

  getRun(name: string, runId: string): Promise<RunDetails> {
    return this.request('GET', `/jobs/${segment(name)}/runs/${segment(runId)}`);
  }

  retryRun(name: string, runId: string): Promise<{ readonly runId: string }> {
    return this.request('POST', `/jobs/${segment(name)}/runs/${segment(runId)}/retry`);
  }

  cancelRun(name: string, runId: string): Promise<CancelAccepted> {
    return this.request('POST', `/jobs/${segment(name)}/runs/${segment(runId)}/cancel`);
  }

  listDeadLetters(name: string): Promise<JobDeadLetters> {
    return this.request('GET', `/jobs/${segment(name)}/dead-letters`);
  }

  redriveDeadLetters(name: string, messageIds?: readonly string[]): Promise<JobRedrive> {
    return this.request(
      'POST',
      `/jobs/${segment(name)}/dead-letters/redrive`,
      JSON.stringify(messageIds ? { messageIds } : {}),
    );
  }

  listRuns(name: string, page: RunsPageRequest = {}): Promise<RunsPage> {
    // %20 rather than URLSearchParams' "+": SigV4 signs the query as RFC 3986 encodes it.
    const query = [
      ...(page.limit !== undefined ? [`limit=${page.limit}`] : []),
      ...(page.cursor !== undefined ? [`cursor=${encodeURIComponent(page.cursor)}`] : []),
    ];
    const search = query.length > 0 ? `?${query.join('&')}` : '';
    return this.request('GET', `/jobs/${segment(name)}/runs${search}`);
  }

  pause(name: string): Promise<PauseResult> {
    return this.request('POST', `/jobs/${segment(name)}/pause`);
  }

  resume(name: string): Promise<PauseResult> {
    return this.request('POST', `/jobs/${segment(name)}/resume`);
  }

  setAllPaused(paused: boolean): Promise<AllPausedResult> {
    return this.request('POST', paused ? '/jobs/pause' : '/jobs/resume');
  }

  getAlerts(name: string): Promise<JobAlerts> {
    return this.request('GET', `/jobs/${segment(name)}/alerts`);
  }

  putAlerts(name: string, config: unknown): Promise<JobAlerts> {
    return this.request('PUT', `/jobs/${segment(name)}/alerts`, JSON.stringify(config));
  }

  patchAlerts(name: string, changes: unknown): Promise<JobAlerts> {
    return this.request('PATCH', `/jobs/${segment(name)}/alerts`, JSON.stringify(changes));
  }

  forward(request: HttpRequestSpec): Promise<HttpAnswer> {
    return this.transport(request);
  }

  private async request<T>(
    method: HttpRequestSpec['method'],
    path: string,
    body?: string,
  ): Promise<T> {
    const answer = await this.transport({ method, path, ...(body !== undefined ? { body } : {}) });
    const parsed = parseJson(answer.text);
    if (answer.status >= 200 && answer.status < 300) {
      if (parsed === undefined) {
        throw new ApiResponseError(answer.status, undefined, answer.text);
      }
      return parsed as T;
    }
    throw new ApiResponseError(
      answer.status,
      isErrorBody(parsed) ? parsed : undefined,
      answer.text,
    );
  }
}

/** A request as it is about to be sent, for a signer. */
export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface FetchTransportOptions {
  /** The API's base URL, such as `http://localhost:3000`. */
  readonly baseUrl: string;
  /** Says what to do when nothing answers at the URL. */
  readonly unreachableHint: string;
  /**
   * Answers with the headers to send instead of `headers`: the same plus a signature.
   * @default - sent unsigned
   */
  readonly sign?: (request: SignableRequest) => Promise<Record<string, string>>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A transport over fetch, which turns a failed connection into ApiUnreachableError. */
export function fetchTransport(options: FetchTransportOptions): Transport {
  const doFetch = options.fetch ?? globalThis.fetch;
  return async (request) => {
    const url = joinUrl(options.baseUrl, request.path);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const sent = options.sign
      ? await options.sign({
          method: request.method,
          url,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
        })
      : headers;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: request.method,
        headers: sent,
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
    } catch (error) {
      throw new ApiUnreachableError(
        `Cannot reach the API at ${options.baseUrl} (${connectionFailure(error)}). ${options.unreachableHint}`,
      );
    }
    return { status: response.status, text: await response.text() };
  };
}

/** `base` + `path`, keeping any path the base URL already has (a stage, a prefix). */
export function joinUrl(base: string, path: string): URL {
  const url = new URL(base);
  const [pathname = '', search] = path.split('?', 2);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${pathname}`;
  url.search = search ? `?${search}` : '';
  return url;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** The reason fetch gives, which Node hides in `cause`: "connection refused", "ENOTFOUND". */
function connectionFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const code =
    cause?.code ??
    (cause as { errors?: { code?: string }[] } | undefined)?.errors?.find((e) => e.code)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'unknown host';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      if (code) return code;
      if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
      return error instanceof Error ? error.message : String(error);
  }
}
