import { EXAMPLES_NAMESPACE, type Example } from '@minicloud/api';
import { PluginManager, type FunctionPlugin } from '@plux/core';

import { RecordingClient } from '../client.js';
import {
  defineCommand,
  describeSelection,
  sharedOptions,
  startMinicloud,
  styleFor,
  writeLines,
} from '../command.js';
import { loadPlugins } from '../load.js';
import { appRoot } from '../paths.js';
import { PluginReport } from '../report.js';
import type { ServiceRow } from '../services.js';
import { formatTable, type Style } from '../term.js';
import { formatServices, servicesJson } from '../views.js';

interface ExampleResult {
  service: string;
  ok: boolean;
  error?: string;
}

/**
 * `minicloud tour`: starts the server on a free port, runs the example plugin of every running service against it
 * (real HTTP requests), shows what plux did and what the services answered, stops the server and exits.
 */
export const tour = defineCommand(
  'tour',
  {
    summary: 'start minicloud, send each running service real requests, show the plugins, stop',
    options: {
      port: { type: 'string', short: 'p', description: 'the port (default 0: any free port)' },
      ...sharedOptions,
    },
  },
  async function tour(args, io) {
    const report = new PluginReport();
    const started = await startMinicloud(args, io, report, '0');
    if (!started) return 1;
    const { services, version, server } = started;

    const client = new RecordingClient(server.url);
    const results: ExampleResult[] = [];
    try {
      const examples = new PluginManager<FunctionPlugin<Example>>(EXAMPLES_NAMESPACE, {
        listeners: report,
        cwd: appRoot,
      });
      const running = services.filter((s) => s.state === 'running').map((s) => s.name);
      // only the examples of running services are imported: the others stay unread entries in plux.json
      const loaded = await loadPlugins(
        examples,
        running.filter((name) => examples.exists(name)),
        { report },
      );
      for (const name of running) {
        const example = loaded.get(name);
        if (!example) continue;
        client.service = name;
        try {
          await example.call(client);
          results.push({ service: name, ok: true });
        } catch (error) {
          results.push({
            service: name,
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      for (const service of services.filter((s) => s.state !== 'running')) {
        client.service = service.name;
        await client.request('GET', `/${service.name}`);
      }
    } finally {
      await server.close();
    }

    const ok = results.every((r) => r.ok) && services.every((s) => s.state !== 'failed');
    if (args.values.json) {
      const json = {
        ok,
        url: server.url,
        version,
        services: servicesJson(services),
        examples: results,
        requests: client.requests,
        lifecycle: report.events,
      };
      io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return ok ? 0 : 1;
    }

    const style = styleFor(io);
    writeLines(io.stdout, [
      `${style.bold('minicloud')} ${version} · tour · ${describeSelection(io)}`,
      '',
      style.bold('What plux did') + style.dim('  (a PluginLifecycleListener’s log, in order)'),
      ...report.format(style),
      '',
      style.bold('Services') + style.dim(`  on ${server.url}`),
      ...formatServices(services, style),
      '',
      style.bold('Requests') + style.dim('  (real HTTP, sent by each running service’s example plugin)'),
      ...formatRequests(client, style),
      '',
      summary(results, services, style),
      style.dim('next: npx minicloud serve   ·   npx minicloud plugins   ·   npx minicloud help'),
    ]);
    return ok ? 0 : 1;
  },
);

function formatRequests(client: RecordingClient, style: Style): string[] {
  return formatTable(
    client.requests.map((r) => [
      style.bold(r.service),
      r.method,
      r.path,
      r.status < 300
        ? style.green(String(r.status))
        : r.status < 500
          ? style.yellow(String(r.status))
          : style.red(String(r.status)),
      style.dim(r.summary),
    ]),
  );
}

function summary(results: readonly ExampleResult[], services: readonly ServiceRow[], style: Style): string {
  const marks = results.map((r) =>
    r.ok ? style.green(`✓ ${r.service}`) : style.red(`✗ ${r.service}: ${r.error}`),
  );
  const off = services.filter((s) => s.state !== 'running').map((s) => `${s.name} ${s.state}`);
  return `${marks.join('  ')}${off.length ? style.dim(`   (${off.join(', ')})`) : ''}   server stopped`;
}
