import { PluginManager, type FunctionPlugin } from '@plux/core';
import type { ServicePlugin } from '@acme/services';

const services = new PluginManager<ServicePlugin>('acme.services', {
  loadArgs: [{ region: 'eu-west-1' }],
  listeners: { onLoadAfter: (spec) => console.log(`loaded ${spec.namespace}:${spec.name}`) },
});
console.log(services.listNames()); // [ 'queue', 's3' ] — read from plux.json, nothing imported
const s3 = await services.load('s3'); // imports s3's module only, creates the plugin, calls load(config)
console.log(s3.handle('GET /')); // s3 GET /: default-eu-west-1
const { name, version } = services.getContainer('s3').distribution ?? {};
console.log(`${name}@${version}`); // @acme/services@1.2.0: the package that provides s3

for (const service of await services.loadAll()) console.log(service.handle('ping')); // one broken plugin never stops the rest

const cli = new PluginManager<FunctionPlugin<(name: string) => string>>('acme.cli');
console.log((await cli.load('hello')).call('world')); // hello world
