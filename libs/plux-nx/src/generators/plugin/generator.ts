import {
  formatFiles,
  generateFiles,
  logger,
  names,
  readJson,
  visitNotIgnoredFiles,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { join, posix } from 'node:path';
import { configureProjectForPlux } from '../init/generator';
import { isDryRun } from '../../utils/dry-run';
import { readProject } from '../../utils/read-project';
import type { PluginGeneratorSchema } from './schema';

/** The plugin kinds the generator writes. */
export const PLUGIN_KINDS = ['class', 'function', 'spec'] as const;

/**
 * `nx g plux:plugin` (also `nx g @plux/nx:plugin`): adds a plux plugin to a project. Writes
 * `<sourceRoot>/<directory>/<name>.ts` holding a `Plugin` subclass (`--kind class`), a `plugin()` function
 * (`function`) or a `PluginSpec` (`spec`), a vitest spec beside it, and an `export *` of it from the project's entry
 * (`<sourceRoot>/index.ts`), and configures the project for plux (as `init` does) when it is not.
 *
 * @throws Error prefixed `@plux/nx:` (and changes nothing) when a name is invalid, the project does not exist, a
 *   file it would write exists, or the project already declares a plugin with this namespace and name.
 */
export default async function pluginGenerator(tree: Tree, options: PluginGeneratorSchema): Promise<void> {
  const name = checkPluginName(options.name);
  const namespace = checkNamespace(options.namespace);
  const kind = options.kind ?? 'class';
  if (!PLUGIN_KINDS.includes(kind)) {
    throw new Error(`@plux/nx: --kind must be one of ${PLUGIN_KINDS.join(', ')}, got "${kind}"`);
  }
  const project = readProject(tree, options.project);
  const sourceRoot = project.sourceRoot ?? posix.join(project.root, 'src');
  const directory = posix.join(sourceRoot, checkDirectory(options.directory ?? 'plugins'));

  const fileName = toFileName(name);
  const modulePath = posix.join(directory, `${fileName}.ts`);
  const specPath = posix.join(directory, `${fileName}.spec.ts`);
  for (const path of [modulePath, specPath]) {
    if (tree.exists(path)) {
      throw new Error(
        `@plux/nx: ${path} already exists; choose another --name or --directory, or delete the file first`,
      );
    }
  }
  const existing = findDeclaredPlugin(tree, project, namespace, name);
  if (existing?.exact) {
    throw new Error(
      `@plux/nx: project ${options.project} already has the plugin ${namespace}:${name} (in ${existing.path}); ` +
        'choose another --name or --namespace',
    );
  }
  if (existing) {
    throw new Error(
      `@plux/nx: project ${options.project} may already have a plugin named ${name} (pluginName '${name}' in ` +
        `${existing.path}, namespace not determined); choose another --name. Without an index this check is ` +
        `best-effort: run "nx run ${options.project}:plux-discover" to write the index, then the generator ` +
        'compares namespace and name exactly.',
    );
  }

  const configured = isConfigured(tree, project) ? undefined : configureProjectForPlux(tree, options.project);

  const identifier = toIdentifier(name);
  const className = identifier.endsWith('Plugin') ? pascal(identifier) : `${pascal(identifier)}Plugin`;
  const propertyName = RESERVED.has(identifier) ? `${identifier}Plugin` : identifier;
  generateFiles(tree, join(__dirname, 'files', kind), directory, {
    tmpl: '',
    fileName,
    name,
    namespace,
    project: options.project,
    className,
    propertyName,
    specName: `${propertyName}Spec`,
    nameLiteral: quote(name),
    namespaceLiteral: quote(namespace),
    loadedLiteral: quote(kind === 'function' ? `hello from ${name}` : `${name} loaded`),
  });
  const entry = exportFromEntry(tree, sourceRoot, modulePath);

  if (!options.skipFormat) await formatFiles(tree);
  const dryRun = isDryRun();
  const configure = dryRun ? 'would configure' : 'configured';
  logger.info(
    `@plux/nx: ${dryRun ? 'would add' : 'added'} the ${kind} plugin ${namespace}:${name} in ${modulePath}, its ` +
      `spec, and its export from ${entry}` +
      `${configured ? `; ${configure} ${options.project} for plux (${configured.changed.join(', ')})` : ''}. ` +
      `Next: build ${options.project} and run "nx run ${options.project}:${configured?.targetName ?? 'plux-discover'}" to index it`,
  );
}

/**
 * Checks a plugin name for the generator: not empty, no `:` (it separates namespace and name), and only letters,
 * digits, `.`, `_` and `-`, since the name also becomes a file name and an identifier.
 *
 * @throws Error prefixed `@plux/nx:` saying what is wrong.
 */
export function checkPluginName(name: unknown): string {
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
 * Checks a namespace: dotted identifiers (`acme.services`).
 *
 * @throws Error prefixed `@plux/nx:` saying what is wrong.
 */
export function checkNamespace(namespace: unknown): string {
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

function checkDirectory(directory: string): string {
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

/**
 * Where the project already declares `namespace:name`: its index (the file package.json `plux` names, or an inline
 * index there), or a source file with a `new PluginSpec(...)`, a `plugin({ ... })` or a class with both statics
 * (the shapes this generator writes) — `exact` then. When there is no index (it is usually gitignored and written
 * by `plux-discover`), a namespace inherited from a base class or given by a constant escapes those shapes, so any
 * literal `pluginName = '<name>'` / `pluginName: '<name>'` counts too, in any namespace (`exact: false`).
 */
function findDeclaredPlugin(
  tree: Tree,
  project: ProjectConfiguration,
  namespace: string,
  name: string,
): { path: string; exact: boolean } | undefined {
  const packagePath = posix.join(project.root, 'package.json');
  const plux = tree.exists(packagePath) ? readJson<{ plux?: unknown }>(tree, packagePath).plux : undefined;
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

  let found: { path: string; exact: boolean } | undefined;
  const loose = new RegExp(`\\bpluginName\\s*(?::\\s*[^=;\\n]*=|[:=])\\s*${literal(name)}`);
  visitNotIgnoredFiles(tree, project.root, (path) => {
    if (found?.exact || !/\.[cm]?[jt]sx?$/.test(path) || /(^|\/)(node_modules|dist)\//.test(path)) return;
    const text = tree.read(path, 'utf8') ?? '';
    if (!text.includes(name)) return;
    if (declares(text, namespace, name)) found = { path, exact: true };
    else if (!found && index === undefined && loose.test(text)) found = { path, exact: false };
  });
  return found;
}

/** A regular expression matching `value` as a quoted string literal. */
function literal(value: string): string {
  const v = escapeRegExp(value);
  return `(?:'${v}'|"${v}"|\`${v}\`)`;
}

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

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval'
  ).split(' '),
);
