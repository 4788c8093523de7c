import { PluginSpec } from '@plux/core';
import { HttpError, SERVICES_NAMESPACE, ServicePlugin, type Router } from '@minicloud/api';

/** Options of {@link KvService}. */
export interface KvServiceOptions {
  /** The largest value accepted, in bytes. */
  maxValueBytes: number;
}

interface Entry {
  value: string;
  revision: number;
}

/**
 * A key-value store, kept in memory; every write bumps the key's revision. Its plugin is the {@link kv} spec, which
 * chooses the options: the class itself is not a plugin (it has no static `pluginName`).
 *
 * Routes: `GET /kv` (keys), `PUT|GET|DELETE /kv/:key`.
 */
export class KvService extends ServicePlugin {
  readonly description = 'key-value store with revisions (DynamoDB-lite)';
  readonly #entries = new Map<string, Entry>();

  constructor(readonly options: KvServiceOptions) {
    super('kv');
  }

  protected mount(router: Router): void {
    router.route('GET', '/', () => ({ body: { keys: [...this.#entries.keys()].sort() } }));
    router.route('PUT', '/:key', (req) => {
      if (req.body.byteLength > this.options.maxValueBytes) {
        throw new HttpError(
          413,
          'ValueTooLarge',
          `values are limited to ${this.options.maxValueBytes} bytes`,
        );
      }
      const key = req.params.key!;
      const revision = (this.#entries.get(key)?.revision ?? 0) + 1;
      this.#entries.set(key, { value: req.text(), revision });
      return { body: { key, revision } };
    });
    router.route('GET', '/:key', (req) => {
      const key = req.params.key!;
      const entry = this.#entries.get(key);
      if (!entry) throw new HttpError(404, 'NoSuchKey', `key ${key} does not exist`);
      return { body: { key, ...entry } };
    });
    router.route('DELETE', '/:key', (req) => {
      if (!this.#entries.delete(req.params.key!)) {
        throw new HttpError(404, 'NoSuchKey', `key ${req.params.key} does not exist`);
      }
      return { status: 204 };
    });
  }
}

/** The `kv` service: a `PluginSpec` whose factory decides how the plugin is built. */
export const kv = new PluginSpec<KvService>(
  SERVICES_NAMESPACE,
  'kv',
  () => new KvService({ maxValueBytes: 64 * 1024 }),
);
