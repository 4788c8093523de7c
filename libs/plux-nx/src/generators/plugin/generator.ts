import {
  formatFiles,
  generateFiles,
  installPackagesTask,
  logger,
  names,
  readJson,
  readNxJson,
  type GeneratorCallback,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { join, posix } from 'node:path';
import { configureProjectForPlux } from '../init/generator';
import { discoverTargetName } from '../../utils/discover-target';
import { isDryRun } from '../../utils/dry-run';
import { readProject } from '../../utils/read-project';
import { workspaceCommands } from '../../utils/workspace-commands';
import { findDeclaration } from './lib/find-declaration';
import { detectTestRunner, TEST_RUNNERS } from './lib/test-runner';
import type { PluginGeneratorSchema } from './schema';

/** The plugin kinds the generator writes. */
export const PLUGIN_KINDS = ['class', 'function', 'spec'] as const;

/**
 * `nx g @plux/nx:plugin` (`nx g plux:plugin` inside the plux repository): adds a plux plugin to a project. Writes
 * `<sourceRoot>/<directory>/<name>.ts` holding a `Plugin` subclass (`--kind class`), a `plugin()` function
 * (`function`) or a `PluginSpec` (`spec`), a spec beside it for the project's test runner (vitest or jest; none
 * where the project has no test runner), and an `export *` of it from the project's entry (`<sourceRoot>/index.ts`),
 * and configures the project for plux (as `init --project` does) when it is not.
 *
 * @returns Nx's install task when configuring the project added the `@plux/core` dependency.
 * @throws Error prefixed `@plux/nx:` (and changes nothing) when a name is invalid, the project does not exist, a
 *   file it would write exists, or `namespace:name` is declared already: by this project, another project of the
 *   workspace, or an installed package (the error names the package and the file).
 */
export default async function pluginGenerator(
  tree: Tree,
  options: PluginGeneratorSchema,
): Promise<GeneratorCallback> {
  const name = pluginNameOrThrow(options.name);
  const namespace = namespaceOrThrow(options.namespace);
  const kind = options.kind ?? 'class';
  if (!PLUGIN_KINDS.includes(kind)) {
    throw new Error(`@plux/nx: --kind must be one of ${PLUGIN_KINDS.join(', ')}, got "${kind}"`);
  }
  if (options.unitTestRunner !== undefined && !TEST_RUNNERS.includes(options.unitTestRunner)) {
    throw new Error(
      `@plux/nx: --unitTestRunner must be one of ${TEST_RUNNERS.join(', ')}, got "${options.unitTestRunner}"`,
    );
  }
  const project = readProject(tree, options.project);
  const sourceRoot = project.sourceRoot ?? posix.join(project.root, 'src');
  const directory = posix.join(sourceRoot, directoryOrThrow(options.directory ?? 'plugins'));
  const { runner } = detectTestRunner(tree, project, options.unitTestRunner);

  const fileName = toFileName(name);
  const modulePath = posix.join(directory, `${fileName}.ts`);
  const specPath = posix.join(directory, `${fileName}.spec.ts`);
  for (const path of runner === 'none' ? [modulePath] : [modulePath, specPath]) {
    if (tree.exists(path)) {
      throw new Error(
        `@plux/nx: ${path} already exists; choose another --name or --directory, or delete the file first`,
      );
    }
  }
  const existing = await findDeclaration(
    tree,
    { name: options.project, configuration: project },
    namespace,
    name,
  );
  if (existing?.exact) {
    const where = existing.owner === options.project ? `project ${options.project}` : existing.owner;
    throw new Error(
      `@plux/nx: ${where} already declares the plugin ${namespace}:${name} (in ${existing.path}); ` +
        'choose another --name or --namespace',
    );
  }
  if (existing) {
    const target = discoverTargetName(readNxJson(tree) ?? {}, project);
    throw new Error(
      `@plux/nx: project ${options.project} may already have a plugin named ${name} (pluginName '${name}' in ` +
        `${existing.path}, namespace not determined); choose another --name. Without an index this check is ` +
        `best-effort: run "nx run ${options.project}:${target}" to write the index, then the generator ` +
        'compares namespace and name exactly.',
    );
  }

  const configured = isConfigured(tree, project) ? undefined : configureProjectForPlux(tree, options.project);
  // the name nx.json (or the project's configuration) gives the target, for the hints and the generated comments
  const discoverTarget = configured?.targetName ?? discoverTargetName(readNxJson(tree) ?? {}, project);

  const identifier = toIdentifier(name);
  const className = identifier.endsWith('Plugin') ? pascal(identifier) : `${pascal(identifier)}Plugin`;
  const propertyName = RESERVED.has(identifier) ? `${identifier}Plugin` : identifier;
  generateFiles(tree, join(__dirname, 'files', kind), directory, {
    tmpl: '',
    fileName,
    name,
    namespace,
    project: options.project,
    discoverTarget,
    className,
    propertyName,
    runner,
    specName: `${propertyName}Spec`,
    nameLiteral: quote(name),
    namespaceLiteral: quote(namespace),
    loadedLiteral: quote(kind === 'function' ? `hello from ${name}` : `${name} loaded`),
  });
  if (runner === 'none') tree.delete(specPath);
  const entry = exportFromEntry(tree, sourceRoot, modulePath);

  if (!options.skipFormat) await formatFiles(tree);
  const dryRun = isDryRun();
  const configure = dryRun ? 'would configure' : 'configured';
  const install = configured?.addedDependency
    ? ` Nx ${dryRun ? 'would then run' : 'runs'} "${workspaceCommands(tree).install}" to install @plux/core.`
    : '';
  const spec = runner === 'none' ? 'no spec (the project has no test runner)' : `its ${runner} spec`;
  logger.info(
    `@plux/nx: ${dryRun ? 'would add' : 'added'} the ${kind} plugin ${namespace}:${name} in ${modulePath}, ` +
      `${spec}, and its export from ${entry}` +
      `${configured ? `; ${configure} ${options.project} for plux (${configured.changed.join(', ')})` : ''}.` +
      `${install} Next: build ${options.project} and run ` +
      `"nx run ${options.project}:${discoverTarget}" to index it`,
  );
  return configured?.addedDependency ? () => installPackagesTask(tree, true) : () => undefined;
}

/**
 * The plugin name for the generator, once it is known to be valid: not empty, no `:` (it separates namespace and
 * name), and only letters, digits, `.`, `_` and `-`, since the name also becomes a file name and an identifier.
 * (Unlike `@plux/core`'s `check*` helpers, which return the problem, this throws it.)
 *
 * @throws Error prefixed `@plux/nx:` saying what is wrong.
 */
export function pluginNameOrThrow(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new Error("@plux/nx: --name must not be empty; pass the plugin's name, e.g. --name s3");
  }
  if (name.includes(':')) {
    throw new Error(
      `@plux/nx: the plugin name "${name}" contains ":", which separates namespace and name; pass them apart: ` +
        '--namespace acme.services --name s3',
    );
  }
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    throw new Error(
      `@plux/nx: the plugin name "${name}" may hold only letters, digits, ".", "_" and "-" and start with a ` +
        'letter or digit (it also names the module), e.g. s3 or dynamo-db',
    );
  }
  return name;
}

/**
 * The namespace for the generator, once it is known to be dotted identifiers (`acme.services`).
 *
 * @throws Error prefixed `@plux/nx:` saying what is wrong.
 */
export function namespaceOrThrow(namespace: unknown): string {
  if (typeof namespace !== 'string' || namespace === '') {
    throw new Error(
      '@plux/nx: --namespace must not be empty; pass dotted identifiers, e.g. --namespace acme.services',
    );
  }
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(namespace)) {
    throw new Error(
      `@plux/nx: the namespace "${namespace}" is not dotted identifiers; use letters, digits and "_" between ` +
        'dots, not starting with a digit, e.g. acme.services',
    );
  }
  return namespace;
}

function directoryOrThrow(directory: string): string {
  const normalized = posix.normalize(directory.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../')) {
    throw new Error(
      `@plux/nx: --directory "${directory}" leaves the project's source root; pass a folder inside it, e.g. plugins`,
    );
  }
  return normalized === '' ? '.' : normalized;
}

function isConfigured(tree: Tree, project: ProjectConfiguration): boolean {
  const path = posix.join(project.root, 'package.json');
  return tree.exists(path) && readJson<{ plux?: unknown }>(tree, path).plux !== undefined;
}

/** Adds `export * from './<dir>/<file>.js'` to the project's entry (creating it if there is none); returns its path. */
function exportFromEntry(tree: Tree, sourceRoot: string, modulePath: string): string {
  const entry =
    ['index.ts', 'main.ts'].map((f) => posix.join(sourceRoot, f)).find((p) => tree.exists(p)) ??
    posix.join(sourceRoot, 'index.ts');
  let specifier = posix.relative(posix.dirname(entry), modulePath).replace(/\.ts$/, '.js');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const line = `export * from '${specifier}';`;
  const text = tree.exists(entry) ? (tree.read(entry, 'utf8') ?? '') : '';
  if (!text.includes(line)) {
    tree.write(entry, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
  }
  return entry;
}

function toFileName(name: string): string {
  return names(name).fileName.replace(/[^a-z0-9._-]/g, '-');
}

function toIdentifier(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : pascal(w))).join('');
  return /^[0-9]/.test(camel) ? `_${camel}` : camel;
}

function pascal(word: string): string {
  return word.startsWith('_') ? `_${pascal(word.slice(1))}` : word.charAt(0).toUpperCase() + word.slice(1);
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval'
  ).split(' '),
);
