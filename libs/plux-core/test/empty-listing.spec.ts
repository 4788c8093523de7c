/**
 * A tree where plux sees no index at all (typically a deployed app whose plugin packages, or their plux.json, were
 * left out) lists nothing: that is said once, as a warning naming the root and what to do, and under
 * `PLUX_LOG=debug` the folders that were read are listed. Real folders on disk; the cache case runs real processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { setLogSink } from '../src/core/log.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { CORE_ROOT, ensureCoreBuilt } from './support/core.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

afterAll(removeTempDirs);
afterEach(() => {
  delete process.env['PLUX_LOG'];
});

/** An app folder with two installed packages (one scoped), none with a plux index; `withIndex` adds one that has. */
function appTree(withIndex = false): string {
  const root = makeTempDir('plux-empty-');
  const write = (dir: string, pkg: object) => {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(pkg));
  };
  write('.', { name: 'deployed-app', version: '1.0.0', dependencies: { lodash: '*', '@acme/util': '*' } });
  write('node_modules/lodash', { name: 'lodash', version: '4.0.0' });
  write('node_modules/@acme/util', { name: '@acme/util', version: '1.0.0' });
  if (withIndex) {
    write('node_modules/greet', {
      name: 'greet',
      version: '1.0.0',
      plux: { formatVersion: 1, plugins: { greet: { hello: { module: './index.js', export: 'hello' } } } },
    });
    writeFileSync(join(root, 'node_modules/greet/index.js'), 'export const hello = 1;\n');
  }
  return root;
}

/** Lists every plugin visible from `root` with a fresh finder (no cache); returns what was logged. */
function listFrom(root: string): { names: string[]; logged: { level: string; message: string }[] } {
  const logged: { level: string; message: string }[] = [];
  const previous = setLogSink((level, message) => void logged.push({ level, message }));
  try {
    const names = new IndexPluginFinder({ cwd: root, cache: false }).listEntryPoints().map((ep) => ep.name);
    return { names, logged };
  } finally {
    setLogSink(previous);
  }
}

describe('a tree where no package has a plux index', () => {
  it('lists nothing and says so once: the root, why, and what to do', () => {
    const root = appTree();
    const first = listFrom(root);
    expect(first.names).toEqual([]);
    const warnings = first.logged.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`no plugins visible from ${root}`);
    expect(warnings[0]).toMatch(/no package there or in its node_modules has a plux index/);
    expect(warnings[0]).toMatch(/plux discover/);
    expect(warnings[0]).toMatch(/PLUX_LOG=debug/);
    // once per process, however many finders look
    expect(listFrom(root).logged.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('under PLUX_LOG=debug, names the folders it read', () => {
    const root = appTree();
    process.env['PLUX_LOG'] = 'debug';
    const debug = listFrom(root)
      .logged.filter((l) => l.level === 'debug')
      .map((l) => l.message);
    expect(debug).toContainEqual(
      `read ${root}: workspace packages .; installed packages ${join('node_modules')} (2)`,
    );
  });

  it('says nothing when one visible package has plugins', () => {
    const { names, logged } = listFrom(appTree(true));
    expect(names).toEqual(['hello']);
    expect(logged.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('says where it looked from when there is no package.json at all', () => {
    const bare = makeTempDir('plux-no-package-');
    const { names, logged } = listFrom(bare);
    expect(names).toEqual([]);
    const warnings = logged.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual([
      expect.stringContaining(`no plugins visible from ${bare}: there is no package.json`),
    ]);
  });

  it('warns in every process, also when the answer comes from the on-disk cache', () => {
    ensureCoreBuilt();
    const root = appTree();
    const script =
      `const { PluginManager } = await import(${JSON.stringify(join(CORE_ROOT, 'dist', 'index.js'))});` +
      `console.log(JSON.stringify(new PluginManager('greet').listNames()));`;
    const runs = [1, 2].map(() =>
      spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PLUX_LOG: '', PLUX_NO_CACHE: '', NODE_OPTIONS: '' },
        timeout: 60_000,
      }),
    );
    for (const run of runs) {
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe('[]');
      expect(run.stderr.match(/plux: no plugins visible from/g)).toHaveLength(1);
    }
    // the second process answered from the cache the first one wrote
    const cached = spawnSync('ls', [join(root, 'node_modules', '.cache', 'plux')], { encoding: 'utf8' });
    expect(cached.stdout.trim()).not.toBe('');
  }, 120_000);
});
