import { once } from 'node:events';

import {
  defineCommand,
  describeSelection,
  sharedOptions,
  startMinicloud,
  styleFor,
  writeLines,
} from '../command.js';
import { PluginReport } from '../report.js';
import { formatServices, servicesJson } from '../views.js';

/** `minicloud serve`: loads the services and serves them on 127.0.0.1 until Ctrl-C or SIGTERM. */
export const serve = defineCommand(
  'serve',
  {
    summary: 'start minicloud and serve its services until Ctrl-C',
    options: {
      port: {
        type: 'string',
        short: 'p',
        description: 'the port (default MINICLOUD_PORT or 4566; 0 = any free)',
      },
      ...sharedOptions,
      verbose: { type: 'boolean', short: 'v', description: 'log every plugin lifecycle step to stderr' },
    },
  },
  async function serve(args, io) {
    const errStyle = styleFor(io, io.stderr);
    const report = new PluginReport({
      ...(args.values.verbose && {
        onEvent: (e) => writeLines(io.stderr, [report.formatEvent(errStyle, e)]),
      }),
    });
    const started = await startMinicloud(args, io, report);
    if (!started) return 1;
    const { services, version, server } = started;

    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ url: server.url, version, services: servicesJson(services) })}\n`);
    } else {
      const style = styleFor(io);
      const selection = describeSelection(io);
      writeLines(io.stdout, [
        `${style.bold('minicloud')} ${version} listening on ${style.cyan(server.url)}  ${style.dim(`(${selection})`)}`,
        '',
        ...formatServices(services, style),
        '',
        style.dim(`health: curl ${server.url}/_minicloud/health   ·   stop: Ctrl-C`),
      ]);
    }

    if (!io.signal.aborted) await once(io.signal, 'abort');
    await server.close();
    writeLines(io.stderr, ['minicloud: stopped']);
    return 0;
  },
);
