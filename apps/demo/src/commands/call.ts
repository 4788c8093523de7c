import { DEFAULT_PORT, PORT_ENV } from '@minicloud/api';

import { RecordingClient } from '../client.js';
import { defineCommand, styleFor, writeLines } from '../command.js';

/** `minicloud call`: sends one request to a running minicloud (`minicloud serve` in another terminal). */
export const call = defineCommand(
  'call',
  {
    summary: 'send one request to a running minicloud and print the answer',
    usage: '<method> <path> [body]',
    options: {
      url: {
        type: 'string',
        description: `the server (default http://127.0.0.1:$${PORT_ENV} or :${DEFAULT_PORT})`,
      },
    },
  },
  async function call(args, io) {
    const [method, path, body] = args.positionals;
    if (!method || !path) {
      writeLines(io.stderr, ['minicloud call: expected <method> <path> [body], e.g. minicloud call GET /s3']);
      return 2;
    }
    const url =
      typeof args.values.url === 'string'
        ? args.values.url
        : `http://127.0.0.1:${io.env[PORT_ENV] || DEFAULT_PORT}`;
    const client = new RecordingClient(url);
    let response;
    try {
      response = await client.request(method.toUpperCase(), path, body);
    } catch (error) {
      const reason =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      // `serve --port 0` (or another port) prints the URL it listens on: say how to point `call` at it
      const fix =
        typeof args.values.url === 'string'
          ? 'check the URL'
          : `if it serves on another port, pass --url http://127.0.0.1:<port> or set ${PORT_ENV}=<port>`;
      writeLines(io.stderr, [
        `minicloud call: cannot reach ${url} (${reason}); is \`minicloud serve\` running? (${fix})`,
      ]);
      return 1;
    }
    const style = styleFor(io, io.stderr);
    const status =
      response.status < 300 ? style.green(String(response.status)) : style.red(String(response.status));
    writeLines(io.stderr, [`${status} ${style.dim(response.headers.get('content-type') ?? '')}`]);
    io.stdout.write(response.text.endsWith('\n') || !response.text ? response.text : `${response.text}\n`);
    return response.status < 400 ? 0 : 1;
  },
);
