/**
 * Property tests over generated trees of hostile packages (see support/hostile.ts): whatever the packages' indexes
 * hold, the runtime lists exactly the valid plugins, answers the same through its on-disk cache, throws nothing but
 * plux errors, imports no module outside its package's real root, and leaves every prototype alone.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { EntryPoint } from '../src/core/entry-point.js';
import { isPluginError } from '../src/core/errors.js';
import { setLogSink } from '../src/core/log.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
import { MAX_PROBLEMS_PER_INDEX } from '../src/runtime/package-index.js';
import { copyBuiltCore } from './support/core.js';
import {
  type ExpectedPlugin,
  hostileKey,
  MISSING_EXPORT,
  type ModuleKind,
  type PackageSpec,
  treeSpec,
  writeTree,
} from './support/hostile.js';
import { removeTempDirs } from './support/temp.js';

// Every tree of this file goes under one folder, removed with one recursive rm at the end: hundreds of small
// trees removed one by one took longer than a hook's default timeout on a busy CI machine.
let base: string | undefined;
function tempDir(): string {
  base ??= realpathSync(mkdtempSync(join(tmpdir(), 'plux-hostile-')));
  return mkdtempSync(join(base, 't-'));
}

/**
 * The property runs are seeded, so `npm test` runs the same trees every time; `npm run fuzz` (tools/fuzz) runs this
 * file with other seeds (PLUX_FUZZ_SEED, PLUX_FUZZ_RUNS) and prints any seed that fails.
 */
const SEED = Number(process.env['PLUX_FUZZ_SEED'] ?? 20_261_205);
const RUNS = Number(process.env['PLUX_FUZZ_RUNS'] ?? 100);

let core: string;
beforeAll(() => {
  core = copyBuiltCore();
});
beforeEach(() => {
  setLogSink(() => {});
  globalThis.__hostileImports = [];
});
afterEach(() => setLogSink());
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true, maxRetries: 3 });
  removeTempDirs();
}, 120_000);

/** Every own property of the prototypes a loader could pollute, with its value. */
function prototypes(): Map<string, unknown> {
  const seen = new Map<string, unknown>();
  for (const [label, proto] of [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['Function', Function.prototype],
    ['String', String.prototype],
  ] as const) {
    for (const key of Reflect.ownKeys(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      seen.set(`${label}.${String(key)}`, descriptor.value ?? descriptor.get);
    }
  }
  return seen;
}

const summary = (p: { namespace: string; name: string; root: string; exportName: string }) =>
  JSON.stringify([p.namespace, p.name, p.root, p.exportName]);
const fromEntryPoint = (ep: EntryPoint) =>
  summary({ namespace: ep.namespace, name: ep.name, root: ep.distribution!.root, exportName: ep.export });

describe('the runtime on generated hostile trees', () => {
  it('lists exactly the valid plugins, the same through the cache, and loads each or fails with a plux error', async () => {
    const pristine = prototypes();
    // what the runs exercised: the examples below force every case, the seeded random trees add variety
    const seen = { listed: 0, loaded: 0, failed: 0, shadowed: 0, problems: 0 };
    await fc.assert(
      fc.asyncProperty(treeSpec(8), fc.array(hostileKey, { maxLength: 4 }), async (packages, probes) => {
        globalThis.__hostileImports = [];
        const tree = writeTree(tempDir(), packages, core);
        const finder = new IndexPluginFinder({ cwd: tree.root, cache: false });
        const listed = finder.listEntryPoints();
        expect(listed.map(fromEntryPoint)).toEqual(tree.expected.map(summary));
        expect(finder.listProblems().every((p) => typeof p === 'string')).toBe(true);
        seen.listed += listed.length;
        seen.shadowed += finder.listShadowed().length;
        seen.problems += finder.listProblems().length;

        // the on-disk cache gives the same answer, written (cold) and read back (warm)
        for (let i = 0; i < 2; i++) {
          const cached = new IndexPluginFinder({ cwd: tree.root, cache: true });
          expect(cached.listEntryPoints().map(fromEntryPoint)).toEqual(tree.expected.map(summary));
          expect(cached.listProblems()).toEqual(finder.listProblems());
        }

        for (const ep of listed) {
          expect(realpathSync(ep.module).startsWith(ep.distribution!.root + sep)).toBe(true);
        }

        const namespaces = new Set([...tree.expected.map((p) => p.namespace), ...probes]);
        for (const namespace of namespaces) {
          const manager = new PluginManager(namespace, { finder });
          for (const name of manager.listNames()) {
            const expected = tree.expected.find((p) => p.namespace === namespace && p.name === name)!;
            seen[(await expectLoad(manager, expected)) ? 'loaded' : 'failed']++;
          }
          for (const probe of probes) {
            if (manager.exists(probe)) continue;
            const error = await manager.load(probe).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(isPluginError(error, 'PluginNotFound')).toBe(true);
          }
        }

        const imported = (globalThis.__hostileImports ?? []).map((url) => fileURLToPath(url));
        expect(imported.filter((file) => !file.startsWith(tree.root + sep))).toEqual([]);
        expect(prototypes()).toEqual(pristine);
      }),
      { seed: SEED, numRuns: RUNS, examples: FORCED_TREES.map((tree) => [tree, ['__proto__']]) },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
  }, 240_000);

  it('answers any namespace, prototype names included, without throwing', () => {
    const root = writeTree(tempDir(), [], core).root;
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    fc.assert(
      fc.property(hostileKey, (namespace) => {
        expect(finder.findPlugins(namespace)).toEqual([]);
        expect(new PluginManager(namespace, { finder }).listNames()).toEqual([]);
      }),
      { seed: SEED, numRuns: 2 * RUNS, examples: [['__proto__'], ['constructor'], ['']] },
    );
  });
});

const inside = (kind: ModuleKind) => ({ ref: 'inside' as const, kind, exportName: 'entry' });

/**
 * Trees every run checks before the random ones, built so that each case the property counts occurs: a listed
 * plugin that loads, one that fails, a shadowed pair, and problems (an escaping module, a malformed entry).
 */
const FORCED_TREES: PackageSpec[][] = [
  [
    {
      folder: 'pkg-0',
      place: 'root',
      name: 'alpha',
      plux: 'inline',
      formatVersion: 1,
      plugins: [
        {
          namespace: 'ns.a',
          entries: [
            { name: 's3', shape: inside('plugin') },
            { name: 'sqs', shape: inside('throws') },
            { name: '__proto__', shape: inside('other-name') },
            { name: 'escape', shape: { ref: 'parent', kind: 'plugin', exportName: 'entry' } },
            { name: 'junk', shape: { malformed: { module: 1 } } },
          ],
        },
      ],
    },
    {
      folder: '@scope0/pkg-2',
      place: 'workspace',
      name: 'beta',
      plux: 'file',
      formatVersion: 1,
      plugins: [{ namespace: 'ns.a', entries: [{ name: 's3', shape: inside('plugin') }] }],
    },
    {
      folder: 'pkg-1',
      place: 'nested',
      name: 'gamma',
      plux: 'file',
      formatVersion: 1,
      plugins: [{ namespace: 'ns.b', entries: [{ name: 'sqs', shape: inside('not-a-plugin') }] }],
    },
  ],
];

/** Loads one plugin; its new imports must lie inside its package, and any failure must be a plux error. */
async function expectLoad(manager: PluginManager, expected: ExpectedPlugin): Promise<boolean> {
  const before = globalThis.__hostileImports!.length;
  const outcome = await manager.load(expected.name).then(
    () => 'loaded',
    (error: unknown) => error,
  );
  const imports = globalThis.__hostileImports!.slice(before).map((url) => realpathSync(fileURLToPath(url)));
  for (const file of imports) expect(file.startsWith(expected.root + sep)).toBe(true);
  if (expected.kind === 'plugin' && expected.exportName !== MISSING_EXPORT) {
    expect(outcome, outcome instanceof Error ? `${outcome.message} / ${String(outcome.cause)}` : '').toBe(
      'loaded',
    );
    expect(manager.getContainer(expected.name).loadValue).toBe('loaded');
    return true;
  } else {
    expect(isPluginError(outcome), String(outcome)).toBe(true);
    // the message names the plugin, or at least its entry point (package:module#export)
    const { message } = outcome as Error;
    const value = manager.getContainer(expected.name).entryPoint!.value;
    expect(
      message.includes(`${expected.namespace}:${expected.name}`) || message.includes(value),
      message,
    ).toBe(true);
    return false;
  }
}

describe('the runtime on huge and deeply nested input', () => {
  it('lists every plugin of a 50,000-entry index, and skips only the one bad entry among them', () => {
    const root = tempDir();
    const pkg = join(root, 'node_modules', 'huge-plugins');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"huge-root"}');
    writeFileSync(join(pkg, 'dist', 'index.js'), 'export const x = 1;\n');
    const namespaces: string[] = [];
    for (let n = 0; n < 50; n++) {
      const entries = Array.from(
        { length: 1000 },
        (_, i) =>
          `"p${i}":{"module":"${n === 7 && i === 7 ? '../escape.js' : './dist/index.js'}","export":"x"}`,
      );
      namespaces.push(`"ns.${n}":{${entries.join(',')}}`);
    }
    writeFileSync(join(pkg, 'plux.json'), `{"formatVersion":1,"plugins":{${namespaces.join(',')}}}`);
    writeFileSync(join(pkg, 'package.json'), '{"name":"huge-plugins","plux":"./plux.json"}');

    const finder = new IndexPluginFinder({ cwd: root, cache: true });
    expect(finder.listEntryPoints()).toHaveLength(49_999);
    expect(finder.findPlugins('ns.7').map((ep) => ep.name)).not.toContain('p7');
    expect(finder.listProblems()).toEqual([
      expect.stringContaining('plugin ns.7:p7: module "../escape.js" leaves the package root'),
    ]);
    // read back from the cache
    expect(new IndexPluginFinder({ cwd: root, cache: true }).findPlugins('ns.49')).toHaveLength(1000);
  });

  it('reports a few of 10,000 bad entries one by one and counts the rest, without flooding stderr', () => {
    const root = tempDir();
    const pkg = join(root, 'node_modules', 'noisy-plugins');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"noisy-root"}');
    writeFileSync(join(pkg, 'dist', 'index.js'), 'export const x = 1;\n');
    const bad = Array.from({ length: 10_000 }, (_, i) =>
      i % 2
        ? `"p${i}":{"module":"./dist/missing-${i}.js","export":"x"}`
        : `"p${i}":{"module":${i},"export":"x"}`,
    );
    writeFileSync(
      join(pkg, 'package.json'),
      `{"name":"noisy-plugins","version":"6.6.6","plux":{"formatVersion":1,"plugins":{"noisy":{${bad.join(',')},` +
        `"good":{"module":"./dist/index.js","export":"x"}}}}}`,
    );
    const warnings: string[] = [];
    setLogSink((level, message) => void (level === 'warn' && warnings.push(message)));
    const finder = new IndexPluginFinder({ cwd: root, cache: true });
    expect(finder.findPlugins('noisy').map((ep) => ep.name)).toEqual(['good']);
    expect(finder.listProblems()).toHaveLength(MAX_PROBLEMS_PER_INDEX + 1);
    expect(finder.listProblems()).toContainEqual(
      expect.stringContaining(
        `noisy-plugins@6.6.6 (${pkg}), ${join(pkg, 'package.json')} ("plux" field): 9980 more entries skipped`,
      ),
    );
    expect(warnings).toHaveLength(MAX_PROBLEMS_PER_INDEX + 1);
    expect(new IndexPluginFinder({ cwd: root, cache: true }).listProblems()).toEqual(finder.listProblems());
  });

  it('survives very deep JSON, very long names and module paths too long for the file system', () => {
    const root = tempDir();
    const pkg = join(root, 'node_modules', 'deep-plugins');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"deep-root"}');
    writeFileSync(join(pkg, 'dist', 'index.js'), 'export const x = 1;\n');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const long = 'x'.repeat(100_000);
    writeFileSync(
      join(pkg, 'package.json'),
      `{"name":"deep-plugins","nested":${deep},"description":"${long}","plux":{"formatVersion":1,"plugins":{` +
        `"deep":{"ok":{"module":"./dist/index.js","export":"x","extra":${deep}},` +
        `"too-long":{"module":"./${'a/'.repeat(3000)}x.js","export":"x"},` +
        `"${long}":{"module":"./dist/index.js","export":"x"}}}}}`,
    );
    const finder = new IndexPluginFinder({ cwd: root, cache: true });
    expect(finder.findPlugins('deep').map((ep) => ep.name)).toEqual(['ok']);
    expect(finder.listProblems()).toHaveLength(2);
    expect(finder.listProblems().join('\n')).toContain('too-long');
    expect(
      new IndexPluginFinder({ cwd: root, cache: true }).findPlugins('deep').map((ep) => ep.name),
    ).toEqual(['ok']);
  });
});
