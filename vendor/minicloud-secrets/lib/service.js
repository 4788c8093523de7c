import { Plugin } from '@plux/core';

/**
 * A secrets manager kept in memory: every PUT stores a new version of a secret, GET returns the latest (or
 * `?version=N`), and listing never shows values.
 *
 * It follows the `minicloud.services` contract by convention instead of importing `@minicloud/api`: `shouldLoad()`
 * reads MINICLOUD_SERVICES, and `load({ router })` mounts its routes under /secrets.
 */
export class SecretsService extends Plugin {
  static namespace = 'minicloud.services';
  static pluginName = 'secrets';

  /** @type {Map<string, string[]>} */
  #secrets = new Map();

  shouldLoad() {
    const names = (process.env.MINICLOUD_SERVICES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return names.length === 0 || names.includes('*') || names.includes('secrets');
  }

  /** @param {{ router: { scope(prefix: string): { route(method: string, pattern: string, handler: Function): void } } }} context */
  load({ router }) {
    const routes = router.scope('/secrets');
    routes.route('GET', '/', () => ({
      body: { secrets: [...this.#secrets].map(([name, versions]) => ({ name, versions: versions.length })) },
    }));
    routes.route('PUT', '/:name', (req) => {
      const versions = this.#secrets.get(req.params.name) ?? [];
      versions.push(req.text());
      this.#secrets.set(req.params.name, versions);
      return { body: { name: req.params.name, version: versions.length } };
    });
    routes.route('GET', '/:name', (req) => {
      const versions = this.#secrets.get(req.params.name);
      const version = Number(req.query.get('version') ?? versions?.length ?? 0);
      const value = versions?.[version - 1];
      if (value === undefined) {
        return {
          status: 404,
          body: {
            error: { code: 'ResourceNotFound', message: `secret ${req.params.name} v${version} not found` },
          },
        };
      }
      return { body: { name: req.params.name, version, value } };
    });
    return { description: 'versioned secrets (Secrets Manager)' };
  }
}
