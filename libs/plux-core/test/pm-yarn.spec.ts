/**
 * Trees built by the real yarn berry (pinned in the root package.json), offline from local tarballs: the same
 * workspace once with `nodeLinker: node-modules` and once with Plug'n'Play, which plux does not support and must
 * say so; and once with yarn classic (1.x, through npx).
 *
 * Yarn ignores `bundleDependencies`, so the `@plux/core` copies packed here carry no dependencies: the plugins only
 * import `@plux/core`, which needs none, and the finder and manager are this repository's.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ListedPlugin } from '../src/cli/commands/list.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
import { runPlux } from './support/cli.js';
import {
  expectedAppLoads,
  install,
  packFixtures,
  type Scan,
  scan,
  stageWorkspace,
  versionAt,
  visibleCopies,
} from './support/pm.js';
import { removeTempDirs } from './support/temp.js';

let modules: string;
let pnp: string;
let classic: string;
let firstModules: Scan;
let firstPnp: Scan;

beforeAll(() => {
  const tarballs = packFixtures({ bundleCoreDependencies: false });
  modules = stageWorkspace('yarn-node-modules', tarballs);
  pnp = stageWorkspace('yarn-pnp', tarballs);
  install('yarn-node-modules', modules);
  install('yarn-pnp', pnp);
  classic = stageWorkspace('yarn-classic', tarballs);
  install('yarn-classic', classic);
  firstModules = scan(modules);
  firstPnp = scan(pnp);
}, 120_000);
afterAll(removeTempDirs);

describe('a yarn workspace with nodeLinker: node-modules', () => {
  const at = (...path: string[]) => join(modules, ...path);

  it('is laid out the way the assertions below assume', () => {
    expect(existsSync(at('node_modules/.yarn-state.yml'))).toBe(true);
    expect(versionAt(at('node_modules/clash-plugins'))).toBe('2.0.0');
    expect(versionAt(at('libs/app-one/node_modules/clash-plugins'))).toBe('1.0.0');
    expect(versionAt(at('node_modules/dep-holder/node_modules/clash-plugins'))).toBe('1.0.0');
    expect(versionAt(at('libs/app-two/node_modules/@plux/core'))).toBe('8.0.0');
  });

  it('lists the plugins of the workspace packages and of the dependencies', () => {
    expect(firstModules.providers).toEqual({
      'pm.app:one-class': at('libs/app-one'),
      'pm.app:one-function': at('libs/app-one'),
      'pm.app:one-spec': at('libs/app-one'),
      'pm.app:two-class': at('libs/app-two'),
      'pm.app:two-function': at('libs/app-two'),
      'pm.app:two-spec': at('libs/app-two'),
      'pm.clash:greet': at('node_modules/clash-plugins'),
      'pm.deps:deep': at('node_modules/deep-plugins'),
      'pm.deps:scoped': at('node_modules/@pm/scoped-plugins'),
    });
    expect(firstModules.finder.listProblems()).toEqual([]);
    for (const ep of firstModules.finder.listEntryPoints()) {
      expect(ep.module.startsWith(realpathSync(ep.distribution!.root) + sep)).toBe(true);
    }
  });

  it('lets the root copy win, shadows every workspace package copy and warns naming both', () => {
    const { finder, warnings } = firstModules;
    const winner = at('node_modules/clash-plugins');
    const losers = visibleCopies(modules, 'clash-plugins', ['libs/app-one', 'libs/app-two']).filter(
      (dir) => dir !== winner,
    );
    expect(losers).toContain(at('libs/app-one/node_modules/clash-plugins'));
    expect(
      finder
        .listShadowed()
        .map((s) => s.loser.distribution!.root)
        .sort(),
    ).toEqual(losers.sort());
    for (const loser of losers) {
      expect(warnings).toContainEqual(
        expect.stringContaining(
          `clash-plugins@${versionAt(loser)} (${loser}) declares pm.clash:greet, also declared by clash-plugins@2.0.0 (${winner})`,
        ),
      );
    }
    expect(warnings.join('\n')).not.toContain(at('node_modules/dep-holder'));
  });

  it('shows the losers as shadowed in `plux list`, the same through the on-disk cache', () => {
    const runs = [0, 1].map(() => runPlux(['list', '--json', '--namespace', 'pm.clash'], { cwd: modules }));
    expect(existsSync(at('node_modules/.cache/plux'))).toBe(true);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    const rows = JSON.parse(runs[0]!.stdout) as ListedPlugin[];
    expect(rows.map((r) => r.shadowedBy ?? null)).toEqual([
      null,
      ...firstModules.finder.listShadowed().map(() => 'clash-plugins@2.0.0'),
    ]);
  });

  it('loads plugins built against either @plux/core', async () => {
    const finder = new IndexPluginFinder({ cwd: modules, cache: false });
    const manager = new PluginManager('pm.app', { finder });
    expect(await manager.loadAll({ propagateExceptions: true })).toHaveLength(6);
    expect(manager.listContainers().map((c) => c.loadValue)).toEqual(
      Object.values(expectedAppLoads()).map((l) => l.value),
    );
    const clash = new PluginManager('pm.clash', { finder });
    await clash.load('greet');
    expect(clash.getContainer('greet').loadValue).toBe('clash-plugins@2.0.0');
  });
});

describe("a yarn workspace with Plug'n'Play", () => {
  it('is a PnP install: a .pnp.cjs and no node_modules', () => {
    expect(existsSync(join(pnp, '.pnp.cjs'))).toBe(true);
    expect(existsSync(join(pnp, 'node_modules'))).toBe(false);
  });

  it('still lists the workspace packages’ plugins, and says clearly that PnP installs are not seen', () => {
    const { finder, warnings } = firstPnp;
    expect(Object.keys(firstPnp.providers)).toEqual(Object.keys(expectedAppLoads()));
    const problems = finder.listProblems();
    expect(problems).toEqual([expect.stringContaining("Yarn Plug'n'Play")]);
    expect(problems[0]).toContain(join(pnp, '.pnp.cjs'));
    expect(problems[0]).toContain('nodeLinker: node-modules');
    expect(warnings).toEqual(problems);
  });

  it('says so in `plux list` too, on stderr, with the workspace plugins on stdout', () => {
    const run = runPlux(['list', '--json'], { cwd: join(pnp, 'libs', 'app-one') });
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as ListedPlugin[]).map((r) => `${r.namespace}:${r.name}`)).toEqual(
      Object.keys(expectedAppLoads()),
    );
    expect(run.stderr).toContain("Yarn Plug'n'Play");
  });
});

describe('a yarn classic (1.x) workspace', () => {
  const at = (...path: string[]) => join(classic, ...path);

  it('hoists like npm: the root dependency on top, the other version nested in the workspace package', () => {
    expect(existsSync(at('yarn.lock'))).toBe(true);
    expect(versionAt(at('node_modules/clash-plugins'))).toBe('2.0.0');
    expect(versionAt(at('libs/app-one/node_modules/clash-plugins'))).toBe('1.0.0');
    expect(versionAt(at('node_modules/dep-holder/node_modules/clash-plugins'))).toBe('1.0.0');
  });

  it('lists, shadows and loads like the other package managers', async () => {
    const { finder, providers } = scan(classic);
    expect(providers).toMatchObject({
      'pm.app:two-spec': at('libs/app-two'),
      'pm.clash:greet': at('node_modules/clash-plugins'),
      'pm.deps:deep': at('node_modules/deep-plugins'),
      'pm.deps:scoped': at('node_modules/@pm/scoped-plugins'),
    });
    expect(Object.keys(providers)).toHaveLength(9);
    expect(finder.listProblems()).toEqual([]);
    expect(
      finder.listShadowed().map((s) => [s.winner.distribution!.root, s.loser.distribution!.root]),
    ).toEqual([[at('node_modules/clash-plugins'), at('libs/app-one/node_modules/clash-plugins')]]);
    const manager = new PluginManager('pm.app', { finder });
    expect(await manager.loadAll({ propagateExceptions: true })).toHaveLength(6);
  });
});
