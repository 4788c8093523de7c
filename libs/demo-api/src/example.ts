/**
 * The plux namespace of minicloud's examples: a function plugin named after a service that sends that service a few
 * real requests, what `minicloud tour` runs against a live server.
 */
export const EXAMPLES_NAMESPACE = 'minicloud.examples';

/** A response an example received. */
export interface ExampleResponse {
  /** The status code. */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** The body as text. */
  readonly text: string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/** How an example talks to the server; every request is recorded and shown by the tour. */
export interface ExampleClient {
  /** The server's base URL, e.g. `http://127.0.0.1:4566`. */
  readonly url: string;
  /**
   * Sends a request. A string or bytes `body` is sent as it is, anything else as JSON.
   *
   * @param path the path under the server's URL, e.g. `/s3/photos`.
   */
  request(method: string, path: string, body?: unknown): Promise<ExampleResponse>;
}

/** An example: sends requests and throws (see {@link check}) when an answer is wrong. */
export type Example = (client: ExampleClient) => Promise<void>;

/**
 * Throws when `condition` is false, so the tour reports the example as failed with `message`.
 *
 * @throws Error with `message` when `condition` is falsy.
 */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
