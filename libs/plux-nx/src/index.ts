/**
 * `@plux/nx`: plux for Nx. Registered as a plugin in nx.json, it infers a cached `plux-discover` target for every
 * project whose package.json has a `plux` field; its executor (`@plux/nx:discover`) writes the project's index, and
 * its generators (`plugin`, `init`) scaffold plugins and configure projects.
 *
 * @packageDocumentation
 */
export {
  createNodes,
  createNodesV2,
  inferDiscoverTarget,
  DEFAULT_TARGET_NAME,
  type PluxPluginOptions,
  type DiscoverTargetContext,
} from './plugins/plugin';
export { default as discoverExecutor } from './executors/discover/executor';
export type { DiscoverExecutorSchema } from './executors/discover/schema';
export { default as pluginGenerator } from './generators/plugin/generator';
export type { PluginGeneratorSchema } from './generators/plugin/schema';
export { default as initGenerator } from './generators/init/generator';
export type { InitGeneratorSchema } from './generators/init/schema';
