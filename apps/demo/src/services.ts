import {
  describeServiceSelection,
  SERVICES_NAMESPACE,
  type MinicloudConfig,
  type RouteInfo,
  type ServiceContext,
  type ServicePlugin,
  type ServiceRouter,
} from '@minicloud/api';
import { PluginManager, type PluginFinder } from '@plux/core';

import { loadPlugins, stateOf } from './load.js';
import { originOf, type Origin } from './origin.js';
import { appRoot } from './paths.js';
import type { PluginReport } from './report.js';

/** One service as minicloud shows it. */
export interface ServiceRow {
  /** The service's name, the first segment of its routes. */
  name: string;
  /** `running` once loaded; `disabled` or `failed` with the reason. */
  state: 'running' | 'disabled' | 'failed' | 'available';
  /** Why the service is disabled or failed. */
  reason?: string;
  /** What the service's `load` said it emulates. */
  description?: string;
  /** The routes it mounted. */
  routes: RouteInfo[];
  /** The package that provides it. */
  origin: Origin;
}

/** Options of {@link loadServices}. */
export interface LoadServicesOptions {
  /** The router the services mount their routes on. */
  router: ServiceRouter;
  /** The configuration handed to every service's `load` (with the router: the manager's `loadArgs`). */
  config: MinicloudConfig;
  /** The listener that logs the lifecycle. */
  report: PluginReport;
  /** The environment `MINICLOUD_SERVICES` is read from, to explain disabled services. */
  env?: Record<string, string | undefined>;
  /** Where the services come from; default: plux's index finder from minicloud's package folder. */
  finder?: PluginFinder;
}

/**
 * Finds every plugin of `minicloud.services`, loads each one with `{ router, config }` and describes them all. A
 * service that `MINICLOUD_SERVICES` leaves out says no in `shouldLoad()` and is listed as disabled, with the reason.
 */
export async function loadServices(options: LoadServicesOptions): Promise<ServiceRow[]> {
  const { router, config, report, env = process.env, finder } = options;
  const context: ServiceContext = { router, config };
  const services = new PluginManager<ServicePlugin>(SERVICES_NAMESPACE, {
    loadArgs: [context],
    listeners: report,
    cwd: appRoot,
    ...(finder && { finder }),
  });
  const names = services.listNames().sort();
  await loadPlugins(services, names, {
    report,
    explain: (name, reason) => explainDisabled(name, reason, env),
  });
  return names.map((name) => {
    const container = services.getContainer(name);
    const { state, reason } = stateOf(container);
    const info = container.loadValue as { description?: unknown } | undefined;
    return {
      name,
      state: state === 'loaded' ? 'running' : state,
      ...(reason !== undefined && {
        reason: state === 'disabled' ? explainDisabled(name, reason, env) : reason,
      }),
      ...(typeof info?.description === 'string' && { description: info.description }),
      routes: router.routes.filter((r) => r.pattern === `/${name}` || r.pattern.startsWith(`/${name}/`)),
      origin: originOf(container),
    };
  });
}

/**
 * The warning for names in the service selection (`--services` or `MINICLOUD_SERVICES`) that no service plugin
 * has, e.g. a typo, or `undefined` when every name is known. A warning, not an error: the known ones still load.
 *
 * @example
 * ```ts
 * unknownServicesWarning(rows, ['s3', 'nope']); // 'unknown service nope (known: kv, queue, s3, secrets)'
 * ```
 */
export function unknownServicesWarning(
  rows: readonly Pick<ServiceRow, 'name'>[],
  selection: readonly string[] | undefined,
): string | undefined {
  const known = rows.map((r) => r.name).sort();
  const unknown = (selection ?? []).filter((name) => !known.includes(name));
  if (unknown.length === 0) return undefined;
  const list = known.length ? known.join(', ') : 'none: no service plugin was found';
  return `unknown service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${list})`;
}

/** plux's generic reason for a `shouldLoad()` that said no, with the configuration that made it say so. */
function explainDisabled(name: string, reason: string, env: Record<string, string | undefined>): string {
  const selection = describeServiceSelection(name, env);
  return selection && reason === 'Load condition for plugin was false' ? `${reason}: ${selection}` : reason;
}
