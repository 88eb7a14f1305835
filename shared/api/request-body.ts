import { byteLength, formatBytes, MAX_RUN_MESSAGE_BYTES } from '../delivery/run-limits';
import { apiError } from './api-errors';
import { type ApiRequest, type ApiResponse, MAX_REQUEST_BODY_BYTES } from './api-request';

/**
 * The media types a body may be sent as. Each body is read as JSON: `application/json` (or
 * any `+json` type) says so; `text/plain` is what `fetch` sends for a string body, and
 * `application/x-www-form-urlencoded` what `curl -d` sends unless told otherwise.
 */
const ACCEPTED_MEDIA_TYPES = new Set([
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
]);
const ACCEPTED_CHARSETS = new Set(['utf-8', 'utf8']);
const WHAT_TO_SEND =
  'send the body as JSON in UTF-8, with Content-Type: application/json (text/plain, and application/x-www-form-urlencoded as curl -d sends it, are read as JSON too)';

/**
 * The error response for a body the API cannot read (over its size, compressed, or of a media
 * type it does not take), or undefined when the body is fine or absent. Both the deployed API
 * and the local server answer through this, so that they refuse the same requests alike.
 */
export function unreadableBodyResponse(request: ApiRequest): ApiResponse | undefined {
  const { body } = request;
  if (body === undefined || body === '') return undefined;
  const bytes = byteLength(body);
  if (bytes > MAX_REQUEST_BODY_BYTES) return bodyTooLargeResponse(bytes);

  const encoding = headerOf(request, 'content-encoding')?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return apiError(
      415,
      'unsupported_media_type',
      `Content-Encoding "${encoding}" is not accepted; send the body uncompressed.`,
      [{ path: 'content-encoding', message: 'must be absent or identity' }],
    );
  }

  const contentType = headerOf(request, 'content-type');
  if (contentType === undefined || contentType.trim() === '') return undefined;
  const [mediaType = '', ...parameters] = contentType
    .split(';')
    .map((part) => part.trim().toLowerCase());
  if (!ACCEPTED_MEDIA_TYPES.has(mediaType) && !/^application\/[\w.+-]+\+json$/.test(mediaType)) {
    return apiError(
      415,
      'unsupported_media_type',
      `Content-Type "${contentType}" is not accepted; ${WHAT_TO_SEND}.`,
      [{ path: 'content-type', message: 'must be application/json' }],
    );
  }
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  if (charset !== undefined && !ACCEPTED_CHARSETS.has(charset)) {
    return apiError(
      415,
      'unsupported_media_type',
      `The charset "${charset}" is not accepted; ${WHAT_TO_SEND}.`,
      [{ path: 'content-type', message: 'charset must be utf-8' }],
    );
  }
  return undefined;
}

/**
 * 413 for a body over what the API reads: `bytes` when known, or only that it was over (the
 * local server stops reading at the limit).
 */
export function bodyTooLargeResponse(bytes?: number): ApiResponse {
  const size =
    bytes === undefined
      ? `over the ${formatBytes(MAX_REQUEST_BODY_BYTES)}`
      : `${formatBytes(bytes)}, over the ${formatBytes(MAX_REQUEST_BODY_BYTES)}`;
  return apiError(
    413,
    'payload_too_large',
    `The request body is ${size} the API reads. A run's whole message may take at most ${formatBytes(MAX_RUN_MESSAGE_BYTES)}, its input included: keep large data elsewhere (S3, a table) and pass its key.`,
    [{ path: 'body', message: `must be at most ${formatBytes(MAX_REQUEST_BODY_BYTES)}` }],
  );
}

function headerOf(request: ApiRequest, name: string): string | undefined {
  return request.headers?.[name];
}
