import { Plugin, PluginSpec, plugin } from '@plux/core';

/** The contract of the namespace: an abstract base (no pluginName), never indexed itself. */
export abstract class ServicePlugin extends Plugin {
  static override namespace = 'acme.services';
  abstract handle(request: string): string;
}

/** 1. A Plugin class: `namespace` + `pluginName` make it a concrete plugin. */
export class S3Plugin extends ServicePlugin {
  static override pluginName = 's3';
  private buckets: string[] = [];
  // the manager's loadArgs arrive here; `plux resolve --load` loads each plugin without any, hence the default
  override load(config: { region: string } = { region: 'us-east-1' }) {
    this.buckets.push(`default-${config.region}`);
  }
  handle(request: string) {
    return `s3 ${request}: ${this.buckets.join(',')}`;
  }
}

/** 2. A PluginSpec with a factory: full control over how the plugin is created. */
class QueuePlugin extends ServicePlugin {
  constructor(private readonly options: { maxLength: number }) {
    super();
  }
  handle(request: string) {
    return `queue ${request} (max ${this.options.maxLength})`;
  }
}
export const queue = new PluginSpec('acme.services', 'queue', () => new QueuePlugin({ maxLength: 100 }));

/** 3. A function as a plugin (plux's @plugin decorator). */
export const hello = plugin({ namespace: 'acme.cli' }, function hello(name: string) {
  return `hello ${name}`;
});
