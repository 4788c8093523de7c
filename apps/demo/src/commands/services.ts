import {
  defineCommand,
  loadCommandServices,
  readCommandConfig,
  sharedOptions,
  styleFor,
  writeLines,
} from '../command.js';
import { PluginReport } from '../report.js';
import { formatServices, servicesJson } from '../views.js';

/** `minicloud services`: loads every service plugin (without starting a server) and shows each one's state. */
export const services = defineCommand(
  'services',
  {
    summary: 'list the services: state, package, routes (loads them, starts no server)',
    options: {
      ...sharedOptions,
      verbose: { type: 'boolean', short: 'v', description: 'also print the plugin lifecycle log' },
    },
  },
  async function services(args, io) {
    const report = new PluginReport();
    const { services: rows } = await loadCommandServices(args, io, report, () => readCommandConfig(args, io));
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(servicesJson(rows), null, 2)}\n`);
    } else {
      const style = styleFor(io);
      writeLines(io.stdout, [
        ...(args.values.verbose ? [...report.format(style), ''] : []),
        ...formatServices(rows, style),
      ]);
    }
    return rows.some((r) => r.state === 'failed') ? 1 : 0;
  },
);
