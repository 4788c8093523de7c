import {
  getProjects,
  logger,
  readJson,
  visitNotIgnoredFiles,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { isAbsolute, posix, relative, sep } from 'node:path';
import { loadCoreRuntime, safeRealpath } from '../../../utils/plux-packages';
import { thrownText } from '../../../utils/thrown-text';

/** Where a `namespace:name` is declared already. */
export interface Declaration {
  /** The package that declares it (its package.json name), or the project name when it has none. */
  owner: string;
  /** The file that declares it, relative to the workspace root (an index, a package.json, or a source file). */
  path: string;
  /** False for a best-effort match: a literal `pluginName` whose namespace could not be read. */
  exact: boolean;
}

/**
 * Whether `namespace:name` is declared in the project itself (its index, or its source before it has one), in any
 * other project of the workspace (read from the tree, so pending changes count), or in any package the runtime sees
 * from the workspace root (`@plux/core`'s own finder over the indexes of the installed packages).
 */
export async function findDeclaration(
  tree: Tree,
  project: { name: string; configuration: ProjectConfiguration },
  namespace: string,
  name: string,
): Promise<Declaration | undefined> {
  const own = findInProject(tree, project.configuration, namespace, name, { loose: true });
  if (own) return { owner: project.name, ...own };
  const projectRoots = new Set<string>();
  for (const [projectName, configuration] of getProjects(tree)) {
    projectRoots.add(configuration.root);
    if (configuration.root === project.configuration.root) continue;
    const found = findInProject(tree, configuration, namespace, name, { loose: false });
    if (found) return { owner: packageName(tree, configuration) ?? projectName, ...found };
  }
  return findInstalled(tree, projectRoots, namespace, name);
}

/** The project's index (or, without one, the shapes of its sources); `loose` adds any literal `pluginName`. */
function findInProject(
  tree: Tree,
  project: ProjectConfiguration,
  namespace: string,
  name: string,
  options: { loose: boolean },
): { path: string; exact: boolean } | undefined {
  const packagePath = posix.join(project.root, 'package.json');
  const plux = tree.exists(packagePath) ? readJson<{ plux?: unknown }>(tree, packagePath).plux : undefined;
  if (plux === undefined && !options.loose) return undefined; // not a plux package: nothing to find
  let index: { plugins?: Record<string, Record<string, unknown>> } | undefined;
  let indexPath = packagePath;
  if (typeof plux === 'string' && plux !== '') {
    indexPath = posix.join(project.root, plux);
    if (tree.exists(indexPath)) {
      try {
        index = readJson(tree, indexPath);
      } catch {
        index = {}; // a broken index is the discover target's business; it exists, so no guessing
      }
    }
  } else if (typeof plux === 'object' && plux !== null) {
    index = plux as typeof index;
  }
  const plugins = index?.plugins?.[namespace];
  if (plugins && Object.hasOwn(plugins, name)) return { path: indexPath, exact: true };
  if (index !== undefined) return undefined;

  let found: { path: string; exact: boolean } | undefined;
  const loose = new RegExp(`\\bpluginName\\s*(?::\\s*[^=;\\n]*=|[:=])\\s*${literal(name)}`);
  visitNotIgnoredFiles(tree, project.root, (path) => {
    if (found?.exact || !/\.[cm]?[jt]sx?$/.test(path) || /(^|\/)(node_modules|dist)\//.test(path)) return;
    const text = tree.read(path, 'utf8') ?? '';
    if (!text.includes(name)) return;
    if (declares(text, namespace, name)) found = { path, exact: true };
    else if (!found && options.loose && loose.test(text)) found = { path, exact: false };
  });
  return found;
}

/** The plugin in an installed package, as the runtime resolves it from the workspace root. */
async function findInstalled(
  tree: Tree,
  projectRoots: Set<string>,
  namespace: string,
  name: string,
): Promise<Declaration | undefined> {
  let entryPoints: { name: string; distribution?: { name: string; root: string; packageJson: object } }[];
  try {
    const { IndexPluginFinder } = await loadCoreRuntime();
    entryPoints = quietly(() =>
      new IndexPluginFinder({ cwd: tree.root, cache: false }).findPlugins(namespace),
    );
  } catch (error) {
    logger.warn(
      `@plux/nx: could not read the installed packages' indexes, so only the workspace's projects were checked ` +
        `for ${namespace}:${name} (${thrownText(error)})`,
    );
    return undefined;
  }
  const workspaceRoot = safeRealpath(tree.root); // the finder reports real paths
  for (const entry of entryPoints) {
    const distribution = entry.distribution;
    if (entry.name !== name || !distribution) continue;
    const root = relative(workspaceRoot, distribution.root).split(sep).join('/');
    if (projectRoots.has(root)) continue; // a project of the workspace: the tree, with its pending changes, decided
    const plux = (distribution.packageJson as { plux?: unknown }).plux;
    const file = typeof plux === 'string' ? posix.join(root, plux) : posix.join(root, 'package.json');
    const shown = root.startsWith('..') || isAbsolute(root) ? posix.join(distribution.root, file) : file;
    return { owner: distribution.name, path: shown, exact: true };
  }
  return undefined;
}

function packageName(tree: Tree, project: ProjectConfiguration): string | undefined {
  const path = posix.join(project.root, 'package.json');
  return tree.exists(path) ? readJson<{ name?: string }>(tree, path).name : undefined;
}

/** A regular expression matching `value` as a quoted string literal. */
function literal(value: string): string {
  const v = escapeRegExp(value);
  return `(?:'${v}'|"${v}"|\`${v}\`)`;
}

/** A `new PluginSpec(ns, name)`, a `plugin({ namespace, name })` or a class with both statics: the generator's shapes. */
function declares(text: string, namespace: string, name: string): boolean {
  const str = literal;
  const spec = new RegExp(
    `new\\s+PluginSpec\\s*(?:<[^>]*>)?\\s*\\(\\s*${str(namespace)}\\s*,\\s*${str(name)}`,
  );
  if (spec.test(text)) return true;
  for (const call of text.matchAll(/\bplugin\s*(?:<[^>]*>)?\(\s*\{([^}]*)\}/g)) {
    const body = call[1] ?? '';
    if (
      new RegExp(`namespace\\s*:\\s*${str(namespace)}`).test(body) &&
      new RegExp(`\\bname\\s*:\\s*${str(name)}`).test(body)
    ) {
      return true;
    }
  }
  const statics = (field: string, value: string) =>
    new RegExp(`static\\s+(?:override\\s+)?(?:readonly\\s+)?${field}\\s*(?::[^=]*)?=\\s*${str(value)}`);
  return text
    .split(/\bclass\s+/)
    .slice(1)
    .some((body) => statics('namespace', namespace).test(body) && statics('pluginName', name).test(body));
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a look-up with the runtime's own diagnostics off: what an app is told on stderr (no plugins visible yet,
 * an installed package's bad entry) is noise in a generator, which only asks whether a name is taken.
 */
function quietly<T>(lookUp: () => T): T {
  const level = process.env['PLUX_LOG'];
  process.env['PLUX_LOG'] = 'silent';
  try {
    return lookUp();
  } finally {
    if (level === undefined) delete process.env['PLUX_LOG'];
    else process.env['PLUX_LOG'] = level;
  }
}
