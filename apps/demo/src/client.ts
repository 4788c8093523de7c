import type { ExampleClient, ExampleResponse } from '@minicloud/api';

import { truncate } from './term.js';

/** One request an example sent, as the tour shows it. */
export interface RecordedRequest {
  /** The service whose example sent it. */
  service: string;
  /** The HTTP method. */
  method: string;
  /** The path and query. */
  path: string;
  /** The response status. */
  status: number;
  /** The start of the response body, on one line. */
  summary: string;
}

/**
 * An {@link ExampleClient} that sends real HTTP requests with `fetch` and records each one for the tour.
 */
export class RecordingClient implements ExampleClient {
  /** Every request sent so far. */
  readonly requests: RecordedRequest[] = [];
  /** The service whose example is running; recorded with each request. */
  service = '';

  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: unknown): Promise<ExampleResponse> {
    const init: RequestInit = { method };
    if (typeof body === 'string') {
      init.body = body;
      init.headers = { 'content-type': 'text/plain; charset=utf-8' };
    } else if (body instanceof Uint8Array) {
      init.body = body;
      init.headers = { 'content-type': 'application/octet-stream' };
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await fetch(new URL(path, this.url), init);
    const text = await response.text();
    this.requests.push({
      service: this.service,
      method,
      path,
      status: response.status,
      summary: truncate(text, 56),
    });
    return {
      status: response.status,
      headers: response.headers,
      text,
      json<T>() {
        return JSON.parse(text) as T;
      },
    };
  }
}
