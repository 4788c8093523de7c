/**
 * Typed namespaces: the types that connect a namespace's name to its plugins' types, through the `PluginRegistry`
 * interface that `plux types` augments. Types only; nothing here exists at run time.
 */
import type { Plugin, PluginSpec } from './plugin.js';

/**
 * The plugins the indexes declare, by namespace and name, for the type checker: namespace → plugin name → that
 * plugin's own type. Empty here; `plux types` writes its augmentation (a `declare module '@plux/core'` block):
 *
 * ```ts
 * declare module '@plux/core' {
 *   interface PluginRegistry {
 *     'acme.services': { s3: InferPlugin<typeof import('@acme/services').S3Plugin> };
 *   }
 * }
 * ```
 *
 * Augmented, `new PluginManager('acme.services')` knows the namespace's plugins: `load('s3')` resolves to the S3
 * plugin's type, and an unknown namespace or name is a compile error. Not augmented, every signature takes any
 * string, as without it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PluginRegistry {}

/** The namespaces of the {@link PluginRegistry}; `never` when it is not augmented. */
export type RegisteredNamespace = keyof PluginRegistry & string;

/**
 * What `new PluginManager(namespace)` accepts: any string while the registry is empty or the plugin type was given
 * explicitly (`new PluginManager<ServicePlugin>('ns')`), else a registered namespace.
 */
export type NamespaceArgument<N extends string> = [RegisteredNamespace] extends [never]
  ? string
  : string extends N
    ? string
    : N extends RegisteredNamespace
      ? N
      : RegisteredNamespace;

/** The plugin names of namespace `N` in the registry; `string` for a namespace it does not hold. */
export type PluginName<N extends string> = N extends RegisteredNamespace
  ? keyof PluginRegistry[N] & string
  : string;

/** The type of plugin `K` of namespace `N` in the registry, else `P`. */
export type RegisteredPlugin<
  P extends Plugin,
  N extends string,
  K extends string,
> = N extends RegisteredNamespace
  ? K extends keyof PluginRegistry[N]
    ? PluginRegistry[N][K] extends Plugin
      ? PluginRegistry[N][K]
      : P
    : P
  : P;

/** Any plugin of namespace `N` in the registry (the union of their types), else `P`. */
export type NamespacePlugin<P extends Plugin, N extends string> = N extends RegisteredNamespace
  ? Extract<PluginRegistry[N][keyof PluginRegistry[N]], Plugin> extends infer U extends Plugin
    ? [U] extends [never]
      ? P
      : U
    : P
  : P;

/**
 * The type of the plugin a plugin export declares: the instance type of a `Plugin` class, the `P` of a
 * `PluginSpec<P>`, the `FunctionPlugin` of a `plugin()` function; `Plugin` for anything else. `plux types` writes
 * `InferPlugin<typeof S3Plugin>` for each indexed export.
 */
export type InferPlugin<T> = T extends abstract new (...args: never[]) => infer I
  ? I extends Plugin
    ? I
    : Plugin
  : T extends { readonly pluginSpec: PluginSpec<infer P> }
    ? P
    : T extends PluginSpec<infer P>
      ? P
      : Plugin;
