/**
 * An HTTP request as the API handler sees it, whoever received it: API Gateway (see
 * `apiGatewayHandler`) or the local runtime's HTTP server.
 */
export interface ApiRequest {
  /** `GET`, `POST`...; any case. */
  readonly method: string;
  /** The path without the query string, still URL-encoded: `/jobs/nightly-report/runs`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The body as text (already base64-decoded). */
  readonly body?: string;
  /**
   * The request's headers, by lower-case name: the API reads `content-type` and
   * `content-encoding` of a request with a body. @default - none
   */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Who is asking: the IAM principal deployed, the local user locally. */
  readonly principal?: string;
}

/** What the API handler answers: always a JSON body. */
export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The API: one function from request to response, which never rejects. */
export type ApiHandler = (request: ApiRequest) => Promise<ApiResponse>;

/**
 * The largest request body the API reads: 1 MiB (1,048,576 bytes). A run's whole message may
 * take at most 256,000 bytes (`MAX_RUN_MESSAGE_BYTES`), which a body over this cannot fit, but
 * a body may be larger than its message (indented JSON), so the API reads more and lets the
 * run's own limits answer with the field that is too large.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
