/**
 * Every route of the REST API: the handler's route table, which `createApiHandler` must serve
 * in full (its handlers are typed by this list), and the routes the CDK app deploys on the HTTP
 * API, which answers any other route with 404 before the function runs. One list, two forms.
 */
export const API_ROUTES = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/jobs' },
  { method: 'GET', path: '/jobs/{name}' },
  { method: 'POST', path: '/jobs/{name}/runs' },
  { method: 'GET', path: '/jobs/{name}/runs' },
  { method: 'GET', path: '/jobs/{name}/runs/{runId}' },
  { method: 'POST', path: '/jobs/{name}/runs/{runId}/retry' },
  { method: 'POST', path: '/jobs/{name}/runs/{runId}/cancel' },
  { method: 'GET', path: '/jobs/{name}/missed' },
  { method: 'GET', path: '/jobs/{name}/stats' },
  { method: 'GET', path: '/stats' },
  { method: 'GET', path: '/jobs/{name}/dead-letters' },
  { method: 'POST', path: '/jobs/{name}/dead-letters/redrive' },
  { method: 'GET', path: '/jobs/{name}/alerts' },
  { method: 'PUT', path: '/jobs/{name}/alerts' },
  { method: 'PATCH', path: '/jobs/{name}/alerts' },
  { method: 'POST', path: '/jobs/pause' },
  { method: 'POST', path: '/jobs/resume' },
  { method: 'POST', path: '/jobs/{name}/pause' },
  { method: 'POST', path: '/jobs/{name}/resume' },
  { method: 'GET', path: '/runs/recent' },
  { method: 'GET', path: '/runs/failures' },
] as const;

export type ApiRoute = (typeof API_ROUTES)[number];

/** `GET /jobs/{name}`: a route as API Gateway writes its route key. */
export type ApiRouteKey = ApiRoute extends infer Route
  ? Route extends ApiRoute
    ? `${Route['method']} ${Route['path']}`
    : never
  : never;

export function routeKeyOf(route: ApiRoute): ApiRouteKey {
  return `${route.method} ${route.path}` as ApiRouteKey;
}

/** The names of the `{param}` segments of a route pattern or key: `'name' | 'runId'`. */
export type RouteParamNames<Pattern extends string> =
  Pattern extends `${string}{${infer Name}}${infer Rest}` ? Name | RouteParamNames<Rest> : never;

/** A route's path parameters, URL-decoded, by name: `{ name: string; runId: string }`. */
export type RouteParams<Pattern extends string> = {
  readonly [Name in RouteParamNames<Pattern>]: string;
};
