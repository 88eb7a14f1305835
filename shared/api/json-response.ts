import type { ApiResponse } from './api-request';

/** A response with `body` as JSON. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): ApiResponse {
  return {
    statusCode,
    // Job state and history change all the time: no cache may keep an answer.
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
