/**
 * `plux explain`'s analysis: why one plugin is, or is not, there. Reads the indexes and the file system only; with
 * `load`, also imports, creates and loads the plugin through a real `PluginManager`.
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';

import type { Distribution, EntryPoint } from '../../core/entry-point.js';
import { findDisabledRule } from '../../runtime/disabled.js';
import { IndexPluginFinder } from '../../runtime/finder.js';
import { PluginManager } from '../../runtime/manager.js';
import { findWorkspaceRoot } from '../../runtime/workspace.js';
import { describeContainer, type ResolvedPlugin } from '../commands/resolve.js';
import { modulePath } from '../commands/shared.js';
import { nearest } from './nearest.js';
import { isBelow } from '../../utils/paths.js';

/** A package, as explain reports it. */
export interface ExplainedPackage {
  name: string;
  version: string;
  /** The absolute package folder. */
  root: string;
  source: 'workspace' | 'installed';
}

/** Another package's entry of the same `namespace:name`, which the explained one hides. */
export interface ExplainedShadow {
  package: ExplainedPackage;
  /** `./dist/index.js#S3Plugin` */
  module: string;
  /** Why the explained plugin's package wins. */
  rule: string;
}

/** Everything `plux explain` found out. */
export interface Explanation {
  /** `namespace:name` */
  plugin: string;
  namespace: string;
  name: string;
  /** Whether a visible package declares it (and its entry was not skipped). */
  found: boolean;
  package?: ExplainedPackage;
  /** The module relative to its package and the export, `./dist/services.js#S3Plugin`. */
  module?: string;
  /** The module's absolute path. */
  path?: string;
  /** Whether the module exists, inside its package (symlinks resolved). */
  moduleExists?: boolean;
  /** The entries of other packages it hides. */
  shadows: ExplainedShadow[];
  /** Index entries of this plugin that were skipped when the indexes were read, each with its reason. */
  skipped: string[];
  /** The `PLUX_DISABLED` rule that disables it, if any. */
  disabledBy?: string;
  /** With `load`: what loading it gave. */
  load?: ResolvedPlugin;
  /** For a plugin that is not found: the nearest names, as `namespace:name`. */
  nearestPlugins?: string[];
  /** For a plugin that is not found: the nearest namespaces. */
  nearestNamespaces?: string[];
  /** Packages whose index is missing or could not be read, or whose entries point at modules not built. */
  indexProblems?: string[];
  /** The verdict: whether a manager would load it (with `load`: whether it did). */
  wouldLoad: boolean;
}

/** Explains `namespace:name` as seen from `cwd`. */
export async function explainPlugin(
  namespace: string,
  name: string,
  options: { cwd: string; load?: boolean },
): Promise<Explanation> {
  const finder = new IndexPluginFinder({ cwd: options.cwd });
  const entryPoint = finder.findPlugins(namespace).find((ep) => ep.name === name);
  const marker = `plugin ${namespace}:${name}:`;
  const problems = finder.listProblems();
  const skipped = problems.filter((p) => p.includes(marker));
  const base = { plugin: `${namespace}:${name}`, namespace, name, skipped };
  const disabled = findDisabledRule(namespace, name);
  const disabledBy = disabled ? disabled.rule : undefined;

  if (!entryPoint) {
    const all = finder.listEntryPoints();
    const namespaces = [...new Set(all.map((ep) => ep.namespace))];
    // the names of the namespace are compared (of the nearest namespaces, for a misspelt one), else whole keys
    const nearestNamespaces = namespaces.includes(namespace) ? [] : nearest(namespace, namespaces);
    const searched = namespaces.includes(namespace) ? [namespace] : nearestNamespaces;
    const nearestPlugins = searched.length
      ? searched.flatMap((ns) =>
          nearest(
            name,
            all.filter((ep) => ep.namespace === ns).map((ep) => ep.name),
          ).map((n) => `${ns}:${n}`),
        )
      : nearest(
          `${namespace}:${name}`,
          all.map((ep) => `${ep.namespace}:${ep.name}`),
        );
    return {
      ...base,
      found: false,
      shadows: [],
      ...(disabledBy ? { disabledBy } : {}),
      nearestPlugins,
      nearestNamespaces,
      indexProblems: problems.filter((p) => !p.includes(marker) && isIndexLevelProblem(p, namespace)),
      wouldLoad: false,
    };
  }

  const dist = entryPoint.distribution;
  const workspaceRoot = findWorkspaceRoot(options.cwd)?.dir;
  const shadows = finder
    .listShadowed()
    .filter((s) => s.winner.namespace === namespace && s.winner.name === name)
    .map((s) => ({
      package: packageOf(s.loser.distribution),
      module: `${modulePath(s.loser)}#${s.loser.export}`,
      rule: precedenceRule(s.winner.distribution, s.loser.distribution, workspaceRoot),
    }))
    .filter((s): s is ExplainedShadow => s.package !== undefined);
  const moduleExists = existsInside(entryPoint);
  const explanation: Explanation = {
    ...base,
    found: true,
    ...(dist ? { package: packageOf(dist) } : {}),
    module: `${modulePath(entryPoint)}#${entryPoint.export}`,
    path: entryPoint.module,
    moduleExists,
    shadows,
    ...(disabledBy ? { disabledBy } : {}),
    wouldLoad: moduleExists && disabledBy === undefined,
  };
  if (options.load) {
    const manager = new PluginManager(namespace, { cwd: options.cwd, finder });
    try {
      await manager.load(name);
    } catch {
      // recorded on the container, described below
    }
    explanation.load = describeContainer(manager.getContainer(name));
    explanation.wouldLoad = explanation.load.state === 'loaded';
  }
  return explanation;
}

/** Problems that concern a whole index (missing, unreadable) or the modules of this namespace. */
function isIndexLevelProblem(problem: string, namespace: string): boolean {
  return !/: plugin [^\s:]+:/.test(problem) || problem.includes(`plugin ${namespace}:`);
}

function packageOf(dist: Distribution | undefined): ExplainedPackage | undefined {
  if (!dist) return undefined;
  return {
    name: dist.name,
    version: dist.version,
    root: dist.root,
    source: dist.workspace ? 'workspace' : 'installed',
  };
}

/** Which precedence rule made `winner`'s package win over `loser`'s. */
function precedenceRule(
  winner: Distribution | undefined,
  loser: Distribution | undefined,
  workspaceRoot: string | undefined,
): string {
  if (winner?.workspace && !loser?.workspace) return 'a workspace package wins over an installed one';
  const atRoot = (d: Distribution | undefined) =>
    workspaceRoot !== undefined && d !== undefined && isBelow(join(workspaceRoot, 'node_modules'), d.root);
  if (atRoot(winner) && !atRoot(loser)) {
    return "the workspace root's node_modules wins over a workspace package's own node_modules";
  }
  return 'both are at the same level: the package name decides (then the path), in sort order';
}

function existsInside(entryPoint: EntryPoint): boolean {
  try {
    const real = realpathSync(entryPoint.module);
    const root = entryPoint.distribution?.root;
    return root === undefined || isBelow(root, real);
  } catch {
    return false;
  }
}
