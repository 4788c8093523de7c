/**
 * A tree built by the real npm (the one running this repository): an npm workspace whose two packages need two
 * versions of one plugin package and two versions of `@plux/core`, installed from local tarballs in one
 * `npm install`. Everything below is asserted on that one install.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PluginManager } from '../src/runtime/manager.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { runPlux } from './support/cli.js';
import {
  expectedAppLoads,
  install,
  loadWithCore,
  packFixtures,
  scan,
  type Scan,
  stageWorkspace,
  versionAt,
  visibleCopies,
} from './support/pm.js';
import { removeTempDirs } from './support/temp.js';
import type { ListedPlugin } from '../src/cli/commands/list.js';

let root: string;
let installMs: number;
/** The first scan of the tree: warnings are logged once per process, so this one holds them. */
let first: Scan;

beforeAll(() => {
  root = stageWorkspace('npm', packFixtures());
  installMs = install('npm', root);
  first = scan(root);
}, 120_000);
afterAll(removeTempDirs);

const nm = (...path: string[]) => join(root, ...path);

describe('an npm workspace with two versions of a plugin package and of @plux/core', () => {
  it('is laid out the way the assertions below assume (npm hoists the root dependency, nests the others)', () => {
    expect(installMs).toBeGreaterThan(0);
    expect(versionAt(nm('node_modules/clash-plugins'))).toBe('2.0.0');
    expect(versionAt(nm('libs/app-one/node_modules/clash-plugins'))).toBe('1.0.0');
    // a copy nested inside an installed package: importable by that package only
    expect(versionAt(nm('node_modules/dep-holder/node_modules/clash-plugins'))).toBe('1.0.0');
    // deep-plugins is a dependency of dep-holder only, hoisted to the top
    expect(versionAt(nm('node_modules/deep-plugins'))).toBe('1.0.0');
    expect(versionAt(nm('node_modules/@plux/core'))).toBe('7.0.0');
    expect(versionAt(nm('libs/app-two/node_modules/@plux/core'))).toBe('8.0.0');
    expect(realpathSync(nm('node_modules/@pm/app-one'))).toBe(nm('libs/app-one'));
  });

  it('lists the plugins of the workspace packages, of the root dependencies and of hoisted dependencies', () => {
    const { finder, providers } = scan(root);
    expect(providers).toEqual({
      'pm.app:one-class': nm('libs/app-one'),
      'pm.app:one-function': nm('libs/app-one'),
      'pm.app:one-spec': nm('libs/app-one'),
      'pm.app:two-class': nm('libs/app-two'),
      'pm.app:two-function': nm('libs/app-two'),
      'pm.app:two-spec': nm('libs/app-two'),
      'pm.clash:greet': nm('node_modules/clash-plugins'),
      'pm.deps:deep': nm('node_modules/deep-plugins'),
      'pm.deps:scoped': nm('node_modules/@pm/scoped-plugins'),
    });
    expect(finder.listProblems()).toEqual([]);
    // the workspace packages, also reached through node_modules/@pm/*, are workspace packages and counted once
    const app = finder.findPlugins('pm.app').map((ep) => ep.distribution!);
    expect(app.every((d) => d.workspace)).toBe(true);
    expect(new Set(app.map((d) => d.root)).size).toBe(2);
    for (const ep of finder.listEntryPoints()) {
      expect(ep.module.startsWith(realpathSync(ep.distribution!.root) + '/')).toBe(true);
    }
  });

  it('lets the root node_modules copy win, shadows the nested one and warns naming both package@version (path)', () => {
    const { finder, warnings } = first;
    const winner = nm('node_modules/clash-plugins');
    const loser = nm('libs/app-one/node_modules/clash-plugins');
    expect(visibleCopies(root, 'clash-plugins', ['libs/app-one', 'libs/app-two']).sort()).toEqual(
      [winner, loser].sort(),
    );
    expect(
      finder.listShadowed().map((s) => [s.winner.distribution!.root, s.loser.distribution!.root]),
    ).toEqual([[winner, loser]]);
    expect(warnings).toEqual([
      expect.stringContaining(
        `clash-plugins@1.0.0 (${loser}) declares pm.clash:greet, also declared by clash-plugins@2.0.0 (${winner})`,
      ),
    ]);
    // the copy nested inside dep-holder is invisible: neither listed nor reported
    const hidden = nm('node_modules/dep-holder/node_modules/clash-plugins');
    expect(existsSync(hidden)).toBe(true);
    expect(warnings.join('\n')).not.toContain(hidden);
  });

  it('gives the same answer every time, with and without the on-disk cache', () => {
    const answer = (finder: IndexPluginFinder) => ({
      listed: finder.listEntryPoints().map((ep) => `${ep.namespace}:${ep.name}=${ep.distribution!.root}`),
      shadowed: finder.listShadowed().map((s) => `${s.winner.value} > ${s.loser.distribution!.root}`),
    });
    const first = answer(scan(root).finder);
    expect(answer(scan(root).finder)).toEqual(first);
    const cold = new IndexPluginFinder({ cwd: root, cache: true });
    expect(answer(cold)).toEqual(first);
    expect(existsSync(nm('node_modules/.cache/plux'))).toBe(true);
    expect(answer(new IndexPluginFinder({ cwd: nm('libs/app-two'), cache: true }))).toEqual(first);
  });

  it('shows the loser as shadowed in `plux list`', () => {
    const json = runPlux(['list', '--json', '--namespace', 'pm.clash'], { cwd: root });
    expect(json.status).toBe(0);
    const rows = JSON.parse(json.stdout) as ListedPlugin[];
    expect(rows.map((r) => [r.package, r.version, r.path.slice(root.length), r.shadowedBy])).toEqual([
      ['clash-plugins', '2.0.0', '/node_modules/clash-plugins/dist/index.js', undefined],
      [
        'clash-plugins',
        '1.0.0',
        '/libs/app-one/node_modules/clash-plugins/dist/index.js',
        'clash-plugins@2.0.0',
      ],
    ]);
    expect(json.stderr).toContain('clash-plugins@1.0.0 (');

    const table = runPlux(['list'], { cwd: nm('libs/app-one') });
    const greet = table.stdout.split('\n').filter((line) => /\bgreet\b/.test(line));
    expect(greet).toHaveLength(2);
    expect(greet[0]).toMatch(/clash-plugins@2\.0\.0/);
    expect(greet[0]).not.toMatch(/shadowed/);
    expect(greet[1]).toMatch(/clash-plugins@1\.0\.0 .*shadowed by clash-plugins@2\.0\.0/);
  });

  it('loads every plugin through either installed @plux/core, whichever core each plugin was built against', () => {
    const expected = {
      ...expectedAppLoads(),
      'pm.clash:greet': { value: 'clash-plugins@2.0.0' },
      'pm.deps:deep': { value: 'deep-plugins' },
      'pm.deps:scoped': { value: '@pm/scoped-plugins' },
    };
    for (const core of [nm('node_modules/@plux/core'), nm('libs/app-two/node_modules/@plux/core')]) {
      const loaded = loadWithCore(core, root, ['pm.app', 'pm.clash', 'pm.deps']);
      expect(loaded, `through ${core}`).toEqual(
        Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.objectContaining({ ...v })])),
      );
    }
  });

  it("loads them through this repository's @plux/core too", async () => {
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    const manager = new PluginManager('pm.app', { finder });
    const plugins = await manager.loadAll({ propagateExceptions: true });
    expect(plugins).toHaveLength(6);
    expect(manager.listContainers().map((c) => c.loadValue)).toEqual(
      Object.values(expectedAppLoads()).map((l) => l.value),
    );
    const clash = new PluginManager('pm.clash', { finder });
    await clash.load('greet');
    expect(clash.getContainer('greet').loadValue).toBe('clash-plugins@2.0.0');
    expect(clash.getContainer('greet').distribution?.root).toBe(nm('node_modules/clash-plugins'));
  });
});
