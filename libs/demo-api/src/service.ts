import { Plugin } from '@plux/core';

import { isServiceEnabled, type MinicloudConfig } from './config.js';
import type { Router } from './router.js';

/** The plux namespace of minicloud's services: each plugin serves the routes under `/<name>/`. */
export const SERVICES_NAMESPACE = 'minicloud.services';

/** What every service plugin's `load` receives: the server's router and configuration (the manager's loadArgs). */
export interface ServiceContext {
  /** The server's router; a service mounts its routes under `/<service>`. */
  readonly router: Router;
  /** The server's configuration. */
  readonly config: MinicloudConfig;
}

/** What a service plugin's `load` returns (the container's `loadValue`): how the server lists it. */
export interface ServiceInfo {
  /** One line saying what the service emulates. */
  readonly description: string;
}

/**
 * The contract of the `minicloud.services` namespace, like LocalStack's `ServicePlugin`: a subclass with a static
 * `pluginName` is a service, loaded only when `MINICLOUD_SERVICES` enables it, that mounts its routes under
 * `/<pluginName>` when loaded.
 *
 * @example
 * ```ts
 * export class EchoService extends ServicePlugin {
 *   static override pluginName = 'echo';
 *   readonly description = 'answers what it was sent';
 *   protected mount(router: Router) {
 *     router.route('POST', '/', (req) => ({ body: req.text() }));
 *   }
 * }
 * ```
 */
export abstract class ServicePlugin extends Plugin {
  static override namespace = SERVICES_NAMESPACE;

  /** The service's name: its plugin name and the first segment of its routes. */
  readonly service: string;
  /** One line saying what the service emulates. */
  abstract readonly description: string;

  /**
   * @param service the service's name; default: the class's static `pluginName` (pass it when a `PluginSpec`
   *   names the plugin).
   * @throws TypeError when neither gives a name.
   */
  constructor(service?: string) {
    super();
    const name = service ?? (new.target as typeof Plugin).pluginName;
    if (!name) throw new TypeError(`${new.target.name}: a service needs a static pluginName or a name`);
    this.service = name;
  }

  /** True when `MINICLOUD_SERVICES` enables this service (unset: every service). */
  override shouldLoad(): boolean {
    return isServiceEnabled(this.service);
  }

  /** Mounts the service's routes under `/<service>` on the server's router. */
  override load(context: ServiceContext): ServiceInfo {
    this.mount(context.router.scope(`/${this.service}`), context);
    return { description: this.description };
  }

  /** Adds the service's routes; patterns are relative to `/<service>`. */
  protected abstract mount(router: Router, context: ServiceContext): void;
}
