import { HttpError, type RouteHandler, type ServiceRequest, type ServiceResponse } from './http.js';

/**
 * Where services mount their routes. A pattern's `:name` segment captures one path segment, a final `*name`
 * captures the rest of the path (`/s3/:bucket/*key`).
 */
export interface Router {
  /**
   * Adds a route.
   *
   * @throws Error when the same method and pattern are already routed.
   */
  route(method: string, pattern: string, handler: RouteHandler): void;
  /** A router that mounts every pattern under `prefix` (`/s3`) on this one. */
  scope(prefix: string): Router;
}

/** One mounted route. */
export interface RouteInfo {
  /** The HTTP method. */
  readonly method: string;
  /** The full pattern, prefix included. */
  readonly pattern: string;
}

/** A request for {@link ServiceRouter.handle}: what an HTTP server received. */
export interface IncomingServiceRequest {
  /** The HTTP method. */
  method: string;
  /** The path and query (`/s3/photos?prefix=a`). */
  url: string;
  /** The request headers. */
  headers?: Record<string, string | string[] | undefined>;
  /** The raw body. */
  body?: Uint8Array;
}

/** A response ready to be written: the body serialized, `content-type` set. */
export interface RoutedResponse {
  /** The status code. */
  status: number;
  /** The response headers. */
  headers: Record<string, string>;
  /** The serialized body. */
  body: Uint8Array;
}

/** The router a server owns: it lists its routes and turns requests into responses. */
export interface ServiceRouter extends Router {
  /** Every mounted route, in mounting order. */
  readonly routes: readonly RouteInfo[];
  /**
   * Answers a request: the matching route's response, or an error response (`404 NoSuchRoute`,
   * `405 MethodNotAllowed`, the status of an {@link HttpError}, `500 InternalError`). Never throws.
   */
  handle(request: IncomingServiceRequest): Promise<RoutedResponse>;
}

/**
 * Creates an empty router.
 *
 * @example
 * ```ts
 * const router = createRouter();
 * router.scope('/kv').route('GET', '/:key', (req) => ({ body: { key: req.params.key } }));
 * await router.handle({ method: 'GET', url: '/kv/colour' }); // status 200, body {"key":"colour"}
 * ```
 */
export function createRouter(): ServiceRouter {
  const routes: Route[] = [];

  const mount = (prefix: string): Router => ({
    route(method, pattern, handler) {
      const full = joinPath(prefix, pattern);
      const upper = method.toUpperCase();
      if (routes.some((r) => r.method === upper && r.pattern === full)) {
        throw new Error(`route ${upper} ${full} is already mounted`);
      }
      routes.push({ method: upper, pattern: full, segments: compile(full), handler });
    },
    scope: (more) => mount(joinPath(prefix, more)),
  });

  return {
    ...mount(''),
    get routes() {
      return routes.map(({ method, pattern }) => ({ method, pattern }));
    },
    async handle(incoming) {
      const url = new URL(incoming.url, 'http://minicloud.invalid');
      const method = incoming.method.toUpperCase();
      try {
        const matches = routes.flatMap((route) => {
          const params = match(route.segments, url.pathname);
          return params ? [{ route, params }] : [];
        });
        if (matches.length === 0) {
          throw new HttpError(404, 'NoSuchRoute', `no route for ${url.pathname}`);
        }
        const found = matches.find((m) => m.route.method === method);
        if (!found) {
          const allowed = matches.map((m) => m.route.method).join(', ');
          throw new HttpError(405, 'MethodNotAllowed', `${method} ${url.pathname}: allowed ${allowed}`);
        }
        const request = toRequest(method, url, found.params, incoming);
        return serialize(await found.route.handler(request));
      } catch (error) {
        return serialize(errorResponse(error));
      }
    },
  };
}

interface Route extends RouteInfo {
  segments: Segment[];
  handler: RouteHandler;
}

type Segment = { literal: string } | { param: string; rest: boolean };

function compile(pattern: string): Segment[] {
  const parts = splitPath(pattern);
  return parts.map((part, i) => {
    if (part.startsWith(':')) return { param: part.slice(1), rest: false };
    if (part.startsWith('*')) {
      if (i !== parts.length - 1) throw new Error(`route ${pattern}: ${part} must be the last segment`);
      return { param: part.slice(1), rest: true };
    }
    return { literal: part };
  });
}

function match(segments: Segment[], pathname: string): Record<string, string> | undefined {
  const parts = splitPath(pathname);
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    if ('literal' in segment) {
      if (parts[i] !== segment.literal) return undefined;
    } else if (segment.rest) {
      if (i >= parts.length) return undefined;
      params[segment.param] = parts.slice(i).map(decodeSegment).join('/');
      return params;
    } else {
      if (parts[i] === undefined) return undefined;
      params[segment.param] = decodeSegment(parts[i]);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function toRequest(
  method: string,
  url: URL,
  params: Record<string, string>,
  incoming: IncomingServiceRequest,
): ServiceRequest {
  const body = incoming.body ?? new Uint8Array();
  const text = () => new TextDecoder().decode(body);
  return {
    method,
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: incoming.headers ?? {},
    body,
    text,
    json<T>() {
      try {
        return JSON.parse(text()) as T;
      } catch {
        throw new HttpError(400, 'InvalidJson', `the body of ${method} ${url.pathname} is not JSON`);
      }
    },
  };
}

function errorResponse(error: unknown): ServiceResponse {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: 'InternalError', message } } };
}

function serialize(response: ServiceResponse): RoutedResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  const { body } = response;
  let bytes: Uint8Array;
  if (body === undefined) {
    bytes = new Uint8Array();
  } else if (body instanceof Uint8Array) {
    bytes = body;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (typeof body === 'string') {
    bytes = new TextEncoder().encode(body);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    bytes = new TextEncoder().encode(JSON.stringify(body));
    headers['content-type'] ??= 'application/json';
  }
  return { status: response.status ?? 200, headers, body: bytes };
}

function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function joinPath(prefix: string, path: string): string {
  return `/${[...splitPath(prefix), ...splitPath(path)].join('/')}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'InvalidUri', `path segment ${segment} is not valid percent-encoding`);
  }
}
