import { ApiRequestError } from './api-errors';

/** A route: a method and a path pattern whose `{param}` segments match any one segment. */
export interface Route<THandler> {
  readonly method: string;
  /** Such as `/jobs/{name}/runs/{runId}`. */
  readonly pattern: string;
  readonly handler: THandler;
}

export type RouteMatch<THandler> =
  | {
      readonly kind: 'found';
      readonly handler: THandler;
      /** URL-decoded. */
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not_found' };

interface CompiledRoute<THandler> extends Route<THandler> {
  /** A literal segment, or `{ param }` for a parameter. */
  readonly segments: readonly (string | { readonly param: string })[];
}

/** A table of routes, matched in order; small enough that a framework would be the bigger part. */
export class Router<THandler> {
  private readonly routes: readonly CompiledRoute<THandler>[];

  constructor(routes: readonly Route<THandler>[]) {
    this.routes = routes.map((route) => ({
      ...route,
      method: route.method.toUpperCase(),
      segments: splitPath(route.pattern).map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        return param === undefined ? segment : { param };
      }),
    }));
  }

  /**
   * The route for `method` and `path` (one trailing slash or more tolerated). Throws
   * ApiRequestError for a parameter that is not valid URL encoding.
   */
  match(method: string, path: string): RouteMatch<THandler> {
    const segments = splitPath(path);
    const wanted = method.toUpperCase();
    const allow: string[] = [];
    for (const route of this.routes) {
      if (!matchesShape(route, segments)) continue;
      if (route.method !== wanted) {
        if (!allow.includes(route.method)) allow.push(route.method);
        continue;
      }
      return { kind: 'found', handler: route.handler, params: paramsOf(route, segments) };
    }
    return allow.length > 0 ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
  }

  /** Every route as `METHOD /pattern`, for messages. */
  describe(): string[] {
    return this.routes.map((route) => `${route.method} ${route.pattern}`);
  }
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.replace(/^\//, '').split('/');
}

function matchesShape<THandler>(
  route: CompiledRoute<THandler>,
  segments: readonly string[],
): boolean {
  return (
    route.segments.length === segments.length &&
    route.segments.every((expected, index) => {
      const actual = segments[index] ?? '';
      return typeof expected === 'string' ? expected === actual : actual !== '';
    })
  );
}

function paramsOf<THandler>(
  route: CompiledRoute<THandler>,
  segments: readonly string[],
): Record<string, string> {
  const params: Record<string, string> = {};
  route.segments.forEach((expected, index) => {
    if (typeof expected === 'string') return;
    const raw = segments[index] ?? '';
    try {
      params[expected.param] = decodeURIComponent(raw);
    } catch {
      throw new ApiRequestError(
        `The path segment "${raw}" (${expected.param}) is not valid URL encoding; encode it with encodeURIComponent.`,
      );
    }
  });
  return params;
}
