import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { PORT_ENV, type RoutedResponse, type ServiceRouter } from '@minicloud/api';

import type { ServiceRow } from './services.js';

/** A running minicloud server. */
export interface MinicloudServer {
  /** The base URL, e.g. `http://127.0.0.1:4566`. */
  readonly url: string;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The router the services mounted their routes on. */
  router: ServiceRouter;
  /** The services, for `/_minicloud/health` and for answering requests to disabled ones. */
  services: readonly ServiceRow[];
  /** The host to bind; minicloud only ever binds loopback. */
  host: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** minicloud's version, shown by `/_minicloud/health`. */
  version: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Starts the HTTP server. `GET /_minicloud/health` lists every service with its state and package (LocalStack's
 * `/_localstack/health`); a request to a disabled or failed service answers 503 with the reason; everything else
 * goes to the router.
 *
 * @throws the listen error, e.g. `EADDRINUSE` when the port is taken.
 */
export async function startServer(options: StartServerOptions): Promise<MinicloudServer> {
  const { router, services } = options;
  const server = createServer((req, res) => {
    void answer(req).then((response) => {
      res.writeHead(response.status, response.headers).end(response.body);
    });
  });

  async function answer(req: IncomingMessage): Promise<RoutedResponse> {
    const url = req.url ?? '/';
    const first = url.split(/[/?]/)[1] ?? '';
    if (first === '_minicloud' && url.split('?')[0] === '/_minicloud/health' && req.method === 'GET') {
      return json(200, health(options));
    }
    const unavailable = services.find((s) => s.name === first && s.state !== 'running');
    if (unavailable) {
      const code = unavailable.state === 'disabled' ? 'ServiceDisabled' : 'ServiceUnavailable';
      const message = `service ${first} is ${unavailable.state}: ${unavailable.reason ?? 'not loaded'}`;
      return json(503, { error: { code, message } });
    }
    let body: Uint8Array;
    try {
      body = await readBody(req);
    } catch (error) {
      return json(413, { error: { code: 'RequestTooLarge', message: (error as Error).message } });
    }
    return router.handle({ method: req.method ?? 'GET', url, headers: req.headers, body });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * What to tell the user when the server could not listen on `port`, or `undefined` for an error that needs its
 * stack. The default port is LocalStack's, so a running LocalStack is the usual reason it is taken.
 */
export function describeListenError(error: unknown, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return `port ${port} is in use; pass --port 0 for a free one (or ${PORT_ENV})`;
  }
  if (code === 'EACCES')
    return `port ${port} is not allowed here; pass --port 0 for a free one (or ${PORT_ENV})`;
  return undefined;
}

/** The body of `GET /_minicloud/health`. */
export function health(options: Pick<StartServerOptions, 'services' | 'version'>) {
  return {
    version: options.version,
    services: Object.fromEntries(
      options.services.map((s) => [
        s.name,
        {
          state: s.state,
          ...(s.reason !== undefined && { reason: s.reason }),
          package: s.origin.package,
          version: s.origin.version,
          origin: s.origin.kind,
          routes: s.routes.length,
        },
      ]),
    ),
  };
}

function json(status: number, body: unknown): RoutedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: new TextEncoder().encode(JSON.stringify(body)),
  };
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new Error(`request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
