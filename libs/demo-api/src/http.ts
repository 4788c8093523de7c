/** A request as a service's route handler sees it. */
export interface ServiceRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The URL path, without the query. */
  readonly path: string;
  /** The values the route pattern captured (`:bucket`, `*key`), URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string. */
  readonly query: URLSearchParams;
  /** The request headers, names lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw request body (empty when there is none). */
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /**
   * The body parsed as JSON.
   *
   * @throws HttpError 400 `InvalidJson` when it is not JSON.
   */
  json<T = unknown>(): T;
}

/**
 * What a route handler answers. A `body` that is a string or bytes is sent as it is; anything else as JSON.
 */
export interface ServiceResponse {
  /** The status code; default 200. */
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** The body. */
  body?: unknown;
}

/** Handles the requests of one route. */
export type RouteHandler = (request: ServiceRequest) => ServiceResponse | Promise<ServiceResponse>;

/**
 * An error a route handler throws to answer with an error status; the server sends
 * `{"error": {"code", "message"}}`, the shape of an AWS-style error.
 *
 * @example
 * ```ts
 * throw new HttpError(404, 'NoSuchBucket', `bucket ${name} does not exist`);
 * ```
 */
export class HttpError extends Error {
  constructor(
    /** The HTTP status code. */
    readonly status: number,
    /** A machine-readable error code, e.g. `NoSuchKey`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
