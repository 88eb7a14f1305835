import {
  type AlertConfigError,
  type InputIssue,
  type InputValidationError,
  type InvalidRunRequestError,
  JobsError,
} from '../errors';
import type { Logger } from '../ports/logger';
import type { ApiRequest, ApiResponse } from './api-request';
import type { ApiErrorBody, ApiErrorCode } from './api-resources';
import { jsonResponse } from './json-response';

/** A request the API cannot read: a bad body, limit or path. Answered with 400. */
export class ApiRequestError extends JobsError {
  override name = 'ApiRequestError';

  constructor(
    message: string,
    readonly details?: readonly InputIssue[],
  ) {
    super(message);
  }
}

const INTERNAL_ERROR_MESSAGE =
  'The API could not answer this request because of an error on its side; the error was logged. Try again, and if it persists look for "API request failed" in the API logs.';

/**
 * The response for an error a route threw: the project's own errors by name (so that a copy of
 * the error classes from another bundle counts too), anything else as a logged 500 that does not
 * leak its message.
 */
export function errorResponse(thrown: unknown, request: ApiRequest, logger: Logger): ApiResponse {
  const error = refusedRun(thrown) ?? thrown;
  if (error instanceof ApiRequestError) {
    return apiError(400, 'bad_request', error.message, error.details);
  }
  switch (error instanceof Error ? error.name : undefined) {
    case 'InputValidationError':
      return apiError(
        400,
        'bad_request',
        (error as Error).message,
        ((error as InputValidationError).issues ?? []).map(({ path, message }) => ({
          path,
          message,
        })),
      );
    case 'AlertConfigError':
      return apiError(
        400,
        'bad_request',
        (error as Error).message,
        ((error as AlertConfigError).issues ?? []).map(({ field, message }) => ({
          path: field,
          message,
        })),
      );
    case 'InvalidRunRequestError':
      return apiError(
        400,
        'bad_request',
        (error as Error).message,
        ((error as InvalidRunRequestError).issues ?? []).map(({ path, message }) => ({
          path,
          message,
        })),
      );
    case 'InvalidCursorError':
    // History refused what the caller sent as it is (no retry can store it): their input.
    case 'UnstorableRecordError':
      return apiError(400, 'bad_request', (error as Error).message);
    case 'UnknownJobError':
    case 'RunNotFoundError':
      return apiError(404, 'not_found', (error as Error).message);
    case 'RunStateConflictError':
      return apiError(409, 'conflict', (error as Error).message);
    default:
      logger.error('API request failed', {
        method: request.method,
        path: request.path,
        error: describeError(error),
      });
      return apiError(500, 'internal_error', INTERNAL_ERROR_MESSAGE);
  }
}

/** An error response: `{ error, message, details? }`. */
export function apiError(
  statusCode: number,
  code: ApiErrorCode,
  message: string,
  details?: ApiErrorBody['details'],
  headers?: Readonly<Record<string, string>>,
): ApiResponse {
  const body: ApiErrorBody = {
    error: code,
    message,
    ...(details !== undefined ? { details } : {}),
  };
  return jsonResponse(statusCode, body, headers);
}

function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause !== undefined ? { cause: describeError(error.cause) } : {}),
  };
}

/**
 * The InvalidRunRequestError an enqueue wraps in a NonRetriableError (for a job body's sake):
 * to a caller of the API, a run its queue refused is their bad request.
 */
function refusedRun(error: unknown): Error | undefined {
  if (!(error instanceof Error) || error.name !== 'NonRetriableError') return undefined;
  const cause = error.cause;
  return cause instanceof Error && cause.name === 'InvalidRunRequestError' ? cause : undefined;
}
