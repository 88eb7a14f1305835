import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { ApiHandler, ApiRequest } from './api-request';

/** The API Lambda's handler: API Gateway HTTP API events (payload v2, IAM auth) in and out. */
export type ApiGatewayHandler = (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Serves `handle` behind API Gateway: the event becomes an `ApiRequest` (the caller's IAM ARN as
 * its principal) and the response a payload v2 result.
 */
export function apiGatewayHandler(handle: ApiHandler): ApiGatewayHandler {
  return async (event) => {
    const response = await handle(apiRequestFromEvent(event));
    return {
      statusCode: response.statusCode,
      headers: { ...response.headers },
      body: response.body,
      isBase64Encoded: false,
    };
  };
}

/** The request in an API Gateway HTTP API event. */
export function apiRequestFromEvent(event: APIGatewayProxyEventV2WithIAMAuthorizer): ApiRequest {
  const { requestContext } = event;
  // Optional at run time whatever the types say: an event sent from the console, or by a test,
  // has no authorizer.
  const principal = (requestContext.authorizer as Partial<typeof requestContext.authorizer>)?.iam
    ?.userArn;
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  return {
    method: requestContext.http.method,
    path: pathWithoutStage(event.rawPath, requestContext.stage),
    query: { ...event.queryStringParameters },
    ...(body !== undefined ? { body } : {}),
    headers: lowerCaseNames(event.headers),
    ...(principal ? { principal } : {}),
  };
}

/**
 * An HTTP API serves a named stage under `/<stage>` and leaves that prefix in `rawPath`; only
 * the `$default` stage is served at the root.
 */
function pathWithoutStage(rawPath: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return rawPath;
  const prefix = `/${stage}`;
  if (rawPath === prefix) return '/';
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : rawPath;
}

/** HTTP APIs send header names in lower case; a hand-written test event may not. */
function lowerCaseNames(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string | undefined> {
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) lower[name.toLowerCase()] = value;
  return lower;
}
