import { once } from 'node:events';

import { createRouter, SERVICES_ENV } from '@minicloud/api';

import {
  applyServicesOption,
  defineCommand,
  readCommandConfig,
  startServerOrExplain,
  sharedOptions,
  styleFor,
  warnUnknownServices,
  writeLines,
} from '../command.js';
import { appVersion } from '../paths.js';
import { PluginReport } from '../report.js';
import { loadServices } from '../services.js';
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
    applyServicesOption(args, io);
    const config = readCommandConfig(args, io);
    const errStyle = styleFor(io, io.stderr);
    const report = new PluginReport({
      ...(args.values.verbose && {
        onEvent: (e) => writeLines(io.stderr, [report.formatEvent(errStyle, e)]),
      }),
    });
    const router = createRouter();
    const services = await loadServices({ router, config, report, env: io.env });
    warnUnknownServices(services, config.services, io);
    const version = appVersion();
    const server = await startServerOrExplain(io, {
      router,
      services,
      host: config.host,
      port: config.port,
      version,
    });
    if (!server) return 1;

    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ url: server.url, version, services: servicesJson(services) })}\n`);
    } else {
      const style = styleFor(io);
      const selection = io.env[SERVICES_ENV] ? `${SERVICES_ENV}=${io.env[SERVICES_ENV]}` : 'all services';
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
