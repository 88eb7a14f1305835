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
