/**
 * Generated trees of hostile packages for hostile-*.spec.ts: fast-check arbitraries that describe packages and
 * their indexes (names that are `__proto__`, unicode, very long or path-like; modules that leave the package in
 * every way there is; entries of the wrong shape), a writer that puts such a tree on disk, and a model that says
 * which plugins plux must list from it.
 *
 * The model restates DESIGN.md's rules, not the runtime's code: an entry is listed when its package's index is an
 * object with `formatVersion` 1 and a `plugins` object, its namespace and name are acceptable, it is an object with a
 * string `module` that names an existing file inside the package (symlinks resolved) and a non-empty string
 * `export`. A workspace package wins over the root's node_modules, which wins over a workspace package's own
 * node_modules; within one of those, the package name decides, then the path.
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import fc from 'fast-check';

/** What a generated module does when the manager imports it. */
export type ModuleKind = 'plugin' | 'throws' | 'not-a-plugin' | 'other-name';

/** How an entry points at its module; only `inside` and `dotdot-inside` stay inside the package. */
export type ModuleRef =
  'inside' | 'dotdot-inside' | 'missing' | 'parent' | 'absolute' | 'url' | 'symlink-out' | 'deep-inside';

/** One generated index entry. */
export interface EntrySpec {
  name: string;
  /** A well-formed entry `{ module, export }`, or a malformed value written as it is. */
  shape: { ref: ModuleRef; kind: ModuleKind; exportName: string; extra?: unknown } | { malformed: unknown };
}

/** One generated package in `node_modules`. */
export interface PackageSpec {
  /** Its folder under node_modules (unique; `@scope/name` for a scoped one), or its name in libs/ (`/` as `-`). */
  folder: string;
  /** Where it is: a workspace package (libs/), the root's node_modules, or a workspace package's node_modules. */
  place: 'workspace' | 'root' | 'nested';
  /** The package.json `name` value (anything; a non-string or empty one falls back to the folder name). */
  name: unknown;
  /** Where the index lives. */
  plux: 'inline' | 'file' | 'file-outside' | 'not-a-path' | 'malformed-file' | 'missing-file';
  formatVersion: unknown;
  /** `plugins` as namespaces, or a malformed value. */
  plugins: { namespace: string; entries: EntrySpec[] }[] | { malformed: unknown };
}

/** An export name the index names but the module does not export. */
export const MISSING_EXPORT = 'missing export';

const CONTROL = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

/** Whether DESIGN.md accepts `value` as a namespace (or, with `namespace` false, as a plugin name). */
export function acceptableKey(value: string, namespace: boolean): boolean {
  if (value === '' || value.length > 512 || CONTROL.test(value)) return false;
  return !namespace || !/[:\s]/.test(value);
}

/** Keys that break naive code: prototype names, path-like, unicode, control characters, very long. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
      '../../etc/passwd',
      '/absolute',
      'C:\\windows',
      'file:///etc/passwd',
      'a/b/../c',
      '.',
      '..',
      '',
      ' ',
      'ns:name',
      'tab\there',
      'nul\u0000byte',
      'line\u2028sep',
      '\ud800',
      '🧩',
      'ünïcödé',
      '名前',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 500, maxLength: 520 }) },
);

/** Values that are not what a field should hold. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, 0, 42, true, '', 'string', [], {}, ['./dist/m.js'], { module: 1 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const entrySpec: fc.Arbitrary<EntrySpec> = fc.record({
  // a small shared pool too, so that packages often declare the same plugin and precedence decides
  name: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('s3', 'sqs', '__proto__') },
    { weight: 2, arbitrary: hostileKey },
  ),
  shape: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        {
          ref: fc.constantFrom<ModuleRef>(
            'inside',
            'inside',
            'inside',
            'dotdot-inside',
            'deep-inside',
            'missing',
            'parent',
            'absolute',
            'url',
            'symlink-out',
          ),
          kind: fc.constantFrom<ModuleKind>(
            'plugin',
            'plugin',
            'plugin',
            'throws',
            'not-a-plugin',
            'other-name',
          ),
          exportName: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom('entry') },
            { weight: 1, arbitrary: fc.constantFrom('', 'default', '__proto__', MISSING_EXPORT) },
          ),
          extra: fc.option(fc.constantFrom('deep', 'fields'), { nil: undefined }),
        },
        { requiredKeys: ['ref', 'kind', 'exportName'] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ malformed: junk }) },
  ),
});

export const packageSpec = (folder: string): fc.Arbitrary<PackageSpec> =>
  fc.record({
    folder: fc.constant(folder),
    place: fc.constantFrom<PackageSpec['place']>('root', 'root', 'workspace', 'nested'),
    name: fc.oneof({ weight: 4, arbitrary: hostileKey }, { weight: 1, arbitrary: junk }),
    plux: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom<PackageSpec['plux']>('inline', 'file') },
      {
        weight: 1,
        arbitrary: fc.constantFrom<PackageSpec['plux']>(
          'file-outside',
          'not-a-path',
          'malformed-file',
          'missing-file',
        ),
      },
    ),
    formatVersion: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: junk }),
    plugins: fc.oneof(
      {
        weight: 8,
        arbitrary: fc.uniqueArray(
          fc.record({
            namespace: fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom('ns.a', 'ns.b') },
              { weight: 2, arbitrary: hostileKey },
            ),
            entries: fc.uniqueArray(entrySpec, { selector: (e) => e.name, minLength: 1, maxLength: 4 }),
          }),
          { selector: (n) => n.namespace, minLength: 1, maxLength: 3 },
        ),
      },
      { weight: 1, arbitrary: fc.record({ malformed: junk }) },
    ),
  });

/** A tree: up to `max` packages, some scoped; folders are unique and safe, everything else is generated. */
export const treeSpec = (max: number): fc.Arbitrary<PackageSpec[]> =>
  fc
    .uniqueArray(fc.constantFrom(...folderNames(max * 2)), { minLength: 2, maxLength: max })
    .chain((folders) => fc.tuple(...folders.map(packageSpec)));

function folderNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i % 3 === 2 ? `@scope${i % 2}/pkg-${i}` : `pkg-${i}`));
}

/** A plugin `plux` must list: where it comes from. */
export interface ExpectedPlugin {
  namespace: string;
  name: string;
  /** The real root of the package that provides it. */
  root: string;
  packageName: string;
  kind: ModuleKind;
  exportName: string;
}

/** Where {@link writeTree} put things. */
export interface WrittenTree {
  root: string;
  /** A folder outside the tree, whose modules must never be imported. */
  outside: string;
  /** The plugins the model says must be listed, winners only, sorted by namespace then name. */
  expected: ExpectedPlugin[];
}

/**
 * Writes `packages` into a workspace at `<base>/tree` (libs/*; `libs/host` holds the nested packages), with
 * `<base>/outside/evil.js` as the target of every escape attempt, and `node_modules/@plux/core` linked to
 * `coreRoot`. Returns the tree and the model's answer.
 */
export function writeTree(base: string, packages: PackageSpec[], coreRoot: string): WrittenTree {
  const root = join(base, 'tree');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'node_modules', '@plux'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  symlinkSync(coreRoot, join(root, 'node_modules', '@plux', 'core'), 'dir');
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'hostile-root', version: '1.0.0', private: true, workspaces: ['libs/*'] }),
  );
  mkdirSync(join(root, 'libs', 'host'), { recursive: true });
  writeFileSync(
    join(root, 'libs', 'host', 'package.json'),
    JSON.stringify({ name: 'host', version: '1.0.0' }),
  );
  writeFileSync(join(outside, 'evil.js'), `${recordImport}\nexport const entry = 'evil';\n`);
  writeFileSync(join(outside, 'plux.json'), JSON.stringify({ formatVersion: 1, plugins: {} }));

  const candidates: (ExpectedPlugin & { order: [number, string, string] })[] = [];
  packages.forEach((spec, p) => {
    // Outside node_modules the test runner (vite, not plux and not Node) imports a module itself, and its resolver
    // parses the package's package.json strictly (a depth limit, no odd numbers): there the hostile content goes in
    // plux.json, which only plux reads, and a name that is not a string is written as null.
    const pkg: PackageSpec =
      spec.place !== 'workspace'
        ? spec
        : {
            ...spec,
            plux: spec.plux === 'inline' ? 'file' : spec.plux,
            name: typeof spec.name === 'string' ? spec.name : null,
          };
    const inLibs = pkg.folder.replace('/', '-');
    const dir = {
      workspace: join(root, 'libs', inLibs),
      root: join(root, 'node_modules', ...pkg.folder.split('/')),
      nested: join(root, 'libs', 'host', 'node_modules', ...pkg.folder.split('/')),
    }[pkg.place];
    mkdirSync(join(dir, 'dist'), { recursive: true });
    // a package without a usable name is named after its folder (`@scope/name` inside node_modules)
    const fallback = pkg.place === 'workspace' ? inLibs : pkg.folder;
    const packageName = typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : fallback;
    const indexOk =
      pkg.formatVersion === 1 && Array.isArray(pkg.plugins) && ['inline', 'file'].includes(pkg.plux);
    // the index as JSON text, built by hand so that "__proto__" stays an own key
    const namespaces: string[] = [];
    if (Array.isArray(pkg.plugins)) {
      pkg.plugins.forEach(({ namespace, entries }, n) => {
        const written: string[] = [];
        entries.forEach((entry, e) => {
          written.push(
            `${JSON.stringify(entry.name)}:${writeEntry(dir, entry, { p, n, e, namespace, outside })}`,
          );
          const shape = entry.shape;
          if (
            indexOk &&
            !('malformed' in shape) &&
            acceptableKey(namespace, true) &&
            acceptableKey(entry.name, false) &&
            ['inside', 'dotdot-inside', 'deep-inside'].includes(shape.ref) &&
            shape.exportName !== ''
          ) {
            candidates.push({
              namespace,
              name: entry.name,
              root: realpathSync(dir),
              packageName,
              kind: shape.kind,
              exportName: shape.exportName,
              order: [RANK[pkg.place], packageName, realpathSync(dir)],
            });
          }
        });
        namespaces.push(`${JSON.stringify(namespace)}:{${written.join(',')}}`);
      });
    }
    const plugins = Array.isArray(pkg.plugins)
      ? `{${namespaces.join(',')}}`
      : JSON.stringify(pkg.plugins.malformed);
    const index = `{"formatVersion":${JSON.stringify(pkg.formatVersion) ?? 'null'},"plugins":${plugins}}`;
    const field = {
      inline: index,
      file: '"./plux.json"',
      'file-outside': JSON.stringify('../../../outside/plux.json'),
      'not-a-path': '42',
      'malformed-file': '"./plux.json"',
      'missing-file': '"./nope.json"',
    }[pkg.plux];
    if (pkg.plux === 'file') writeFileSync(join(dir, 'plux.json'), index);
    if (pkg.plux === 'malformed-file') writeFileSync(join(dir, 'plux.json'), index.slice(0, -1));
    writeFileSync(
      join(dir, 'package.json'),
      `{"name":${JSON.stringify(pkg.name) ?? 'null'},"version":"1.0.${p}","type":"module","plux":${field}}`,
    );
  });

  candidates.sort(
    (a, b) => a.order[0] - b.order[0] || compare(a.order[1], b.order[1]) || compare(a.order[2], b.order[2]),
  );
  const winners = new Map<string, ExpectedPlugin>();
  for (const { order, ...plugin } of candidates) {
    void order;
    const key = JSON.stringify([plugin.namespace, plugin.name]);
    if (!winners.has(key)) winners.set(key, plugin);
  }
  const expected = [...winners.values()].sort(
    (a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name),
  );
  return { root, outside, expected };
}

/** DESIGN.md's precedence of where a package is: lower wins. */
const RANK: Record<PackageSpec['place'], number> = { workspace: 0, root: 1, nested: 2 };

/** The first line of every generated module: records that it was imported. */
export const recordImport = '(globalThis.__hostileImports ??= []).push(import.meta.url);';

declare global {
  var __hostileImports: string[] | undefined;
}

function writeEntry(
  dir: string,
  entry: EntrySpec,
  where: { p: number; n: number; e: number; namespace: string; outside: string },
): string {
  const { shape } = entry;
  if ('malformed' in shape) return JSON.stringify(shape.malformed) ?? 'null';
  const file = `m${where.n}-${where.e}.js`;
  const module = {
    inside: `./dist/${file}`,
    'dotdot-inside': `./dist/../dist/${file}`,
    'deep-inside': `./${'deep/'.repeat(40)}${file}`,
    missing: './dist/missing.js',
    parent: `../pkg-${where.p}-sibling/dist/${file}`,
    absolute: join(where.outside, 'evil.js'),
    url: `file://${join(where.outside, 'evil.js')}`,
    'symlink-out': `./dist/link-${file}`,
  }[shape.ref];
  const target = join(dir, module);
  if (shape.ref === 'symlink-out') symlinkSync(join(where.outside, 'evil.js'), target);
  else if (!['missing', 'absolute', 'url', 'parent'].includes(shape.ref)) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, moduleSource(shape.kind, where.namespace, entry.name, shape.exportName));
  }
  if (shape.ref === 'parent') {
    // a real module of another folder: listing or importing it would leave this package
    const sibling = join(dir, module);
    mkdirSync(dirname(sibling), { recursive: true });
    writeFileSync(sibling, moduleSource(shape.kind, where.namespace, entry.name, shape.exportName));
  }
  const extra =
    shape.extra === 'deep'
      ? `,"extra":${'['.repeat(5000)}${']'.repeat(5000)}`
      : shape.extra === 'fields'
        ? ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}'
        : '';
  return `{"module":${JSON.stringify(module)},"export":${JSON.stringify(shape.exportName)}${extra}}`;
}

function moduleSource(kind: ModuleKind, namespace: string, name: string, exportName: string): string {
  const ns = JSON.stringify(namespace);
  const body = {
    plugin: `plugin({ namespace: ${ns}, name: ${JSON.stringify(name)}, load: () => 'loaded' }, () => {})`,
    'other-name': `plugin({ namespace: ${ns}, name: ${JSON.stringify(`${name}-other`)} }, () => {})`,
    'not-a-plugin': '42',
    throws: '(() => { throw new Error("controlled import failure"); })()',
  }[kind];
  // the export name may be anything, "__proto__" included: export it under a string name
  return [
    recordImport,
    "import { plugin } from '@plux/core';",
    `const value = ${body};`,
    // 'missing export' is what the index names, not what the module exports
    `export { value as ${JSON.stringify(exportName === '' || exportName === MISSING_EXPORT ? 'unused' : exportName)} };`,
    '',
  ].join('\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shape of a synthetic tree made by {@link writeSyntheticTree}. */
export interface SyntheticTreeOptions {
  /** Packages in the root's node_modules; every `pluginEvery`-th one has an index with one plugin. */
  installed: number;
  pluginEvery: number;
  /** Workspace packages (libs/w0 …), each with an index with one plugin. */
  workspace: number;
  /** Extra plugins in libs/w0's index, with long names: makes a big cache. */
  bigIndex?: number;
}

/**
 * Writes a workspace with many installed packages, fast (no install): a root package.json with `workspaces`, the
 * workspace packages, and `node_modules/pkg-<i>` (every fifth one in a scope folder). Returns every
 * `namespace:name` it declares.
 */
export function writeSyntheticTree(root: string, options: SyntheticTreeOptions): string[] {
  const keys: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const inline = (entries: Record<string, Record<string, string>>) =>
    JSON.stringify({
      formatVersion: 1,
      plugins: Object.fromEntries(
        Object.entries(entries).map(([ns, names]) => [
          ns,
          Object.fromEntries(
            Object.entries(names).map(([name, file]) => [name, { module: file, export: 'plugin' }]),
          ),
        ]),
      ),
    });
  write(
    join(root, 'package.json'),
    JSON.stringify({ name: 'synthetic-root', private: true, workspaces: ['libs/*'] }),
  );
  for (let i = 0; i < options.workspace; i++) {
    const dir = join(root, 'libs', `w${i}`);
    const names: Record<string, string> = { [`w${i}`]: './index.js' };
    if (i === 0) {
      for (let b = 0; b < (options.bigIndex ?? 0); b++) names[`big-${b}-${'x'.repeat(120)}`] = './index.js';
    }
    for (const name of Object.keys(names)) keys.push(`ws:${name}`);
    write(join(dir, 'index.js'), 'export const plugin = {};\n');
    write(
      join(dir, 'package.json'),
      `{"name":"@ws/w${i}","version":"1.0.0","type":"module","plux":${inline({ ws: names })}}`,
    );
  }
  for (let i = 0; i < options.installed; i++) {
    const folder = i % 5 === 4 ? `@scope-${i % 3}/pkg-${i}` : `pkg-${i}`;
    const dir = join(root, 'node_modules', ...folder.split('/'));
    const pkg: Record<string, unknown> = { name: folder, version: '1.0.0', main: './index.js' };
    if (i % options.pluginEvery === 0) {
      write(join(dir, 'index.js'), 'export const plugin = {};\n');
      keys.push(`installed:${folder}`);
      write(
        join(dir, 'package.json'),
        `${JSON.stringify(pkg).slice(0, -1)},"plux":${inline({ installed: { [folder]: './index.js' } })}}`,
      );
    } else {
      write(join(dir, 'package.json'), JSON.stringify(pkg));
    }
  }
  return keys.sort();
}
