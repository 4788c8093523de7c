/**
 * A tree built by the real pnpm (pinned in the root package.json): a pnpm workspace with `workspace:*` links, its
 * `.pnpm` virtual store and hidden hoisting folder, two versions of one plugin package (one of them installed twice,
 * once per `@plux/core` peer) and two versions of `@plux/core`, installed offline from local tarballs in one
 * `pnpm install`. Everything below is asserted on that one install.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ListedPlugin } from '../src/cli/commands/list.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
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

let root: string;
let first: Scan;

beforeAll(() => {
  root = stageWorkspace('pnpm', packFixtures());
  install('pnpm', root);
  first = scan(root);
}, 120_000);
afterAll(removeTempDirs);

const at = (...path: string[]) => join(root, ...path);
const real = (...path: string[]) => realpathSync(at(...path));

describe('a pnpm workspace with workspace:* links and the .pnpm virtual store', () => {
  it('is laid out the way the assertions below assume', () => {
    expect(existsSync(at('node_modules/.modules.yaml'))).toBe(true);
    // every installed package is a link into the virtual store; workspace:* is a link to the workspace package
    expect(lstatSync(at('node_modules/clash-plugins')).isSymbolicLink()).toBe(true);
    expect(real('node_modules/clash-plugins')).toContain(`${sep}.pnpm${sep}`);
    expect(real('libs/app-one/node_modules/@pm/app-two')).toBe(at('libs/app-two'));
    expect(versionAt(at('node_modules/clash-plugins'))).toBe('2.0.0');
    expect(versionAt(at('libs/app-one/node_modules/clash-plugins'))).toBe('1.0.0');
    expect(versionAt(at('libs/app-two/node_modules/clash-plugins'))).toBe('2.0.0');
    // the same version twice: its peer @plux/core differs (7 at the root, 8 in app-two)
    expect(real('libs/app-two/node_modules/clash-plugins')).not.toBe(real('node_modules/clash-plugins'));
    // deep-plugins is only a dependency of dep-holder: pnpm hoists it into its hidden folder only
    expect(existsSync(at('node_modules/deep-plugins'))).toBe(false);
    expect(existsSync(at('node_modules/.pnpm/node_modules/deep-plugins'))).toBe(true);
    expect(versionAt(at('libs/app-two/node_modules/@plux/core'))).toBe('8.0.0');
  });

  it('finds the plugins of workspace packages and of dependencies, at their real paths, each once', () => {
    const { finder, providers } = first;
    expect(providers).toEqual({
      'pm.app:one-class': at('libs/app-one'),
      'pm.app:one-function': at('libs/app-one'),
      'pm.app:one-spec': at('libs/app-one'),
      'pm.app:two-class': at('libs/app-two'),
      'pm.app:two-function': at('libs/app-two'),
      'pm.app:two-spec': at('libs/app-two'),
      'pm.clash:greet': real('node_modules/clash-plugins'),
      'pm.deps:deep': real('node_modules/.pnpm/node_modules/deep-plugins'),
      'pm.deps:scoped': real('node_modules/@pm/scoped-plugins'),
    });
    expect(finder.listProblems()).toEqual([]);
    const roots = [...finder.listEntryPoints(), ...finder.listShadowed().map((s) => s.loser)].map(
      (ep) => ep.distribution!.root,
    );
    for (const dir of roots) expect(realpathSync(dir)).toBe(dir);
    for (const ep of finder.listEntryPoints())
      expect(ep.module.startsWith(ep.distribution!.root + sep)).toBe(true);
    // app-two, reached as a workspace package and through app-one's workspace:* link, is one workspace package
    const two = finder.findPlugins('pm.app').filter((ep) => ep.name.startsWith('two-'));
    expect(new Set(two.map((ep) => ep.distribution)).size).toBe(1);
    expect(two[0]!.distribution!.workspace).toBe(true);
  });

  it('counts nothing twice: a package reached through several links is one package, never its own rival', () => {
    const { finder } = first;
    for (const { winner, loser } of finder.listShadowed()) {
      expect(loser.distribution!.root).not.toBe(winner.distribution!.root);
    }
    const losers = finder.listShadowed().map((s) => s.loser.distribution!.root);
    expect(new Set(losers).size).toBe(losers.length);
  });

  it('lets the root copy win over every other visible copy, and warns once per loser naming both', () => {
    const { finder, warnings } = first;
    const winner = real('node_modules/clash-plugins');
    const losers = visibleCopies(root, 'clash-plugins', ['libs/app-one', 'libs/app-two']).filter(
      (dir) => dir !== winner,
    );
    // app-one's 1.0.0 and app-two's 2.0.0 (the one built for @plux/core 8) at least
    expect(losers).toContain(real('libs/app-one/node_modules/clash-plugins'));
    expect(losers).toContain(real('libs/app-two/node_modules/clash-plugins'));
    expect(
      finder
        .listShadowed()
        .map((s) => s.loser.distribution!.root)
        .sort(),
    ).toEqual([...losers].sort());
    for (const loser of losers) {
      expect(warnings).toContainEqual(
        expect.stringContaining(
          `clash-plugins@${versionAt(loser)} (${loser}) declares pm.clash:greet, also declared by clash-plugins@2.0.0 (${winner})`,
        ),
      );
    }
    expect(warnings).toHaveLength(losers.length);
  });

  it('gives the same answer from a workspace package, and through the on-disk cache', () => {
    const answer = (finder: IndexPluginFinder) => ({
      listed: finder.listEntryPoints().map((ep) => `${ep.namespace}:${ep.name}=${ep.distribution!.root}`),
      shadowed: finder.listShadowed().map((s) => `${s.winner.value} > ${s.loser.distribution!.root}`),
    });
    const expected = answer(first.finder);
    expect(answer(scan(root, at('libs/app-one/dist')).finder)).toEqual(expected);
    expect(answer(new IndexPluginFinder({ cwd: root, cache: true }))).toEqual(expected);
    expect(answer(new IndexPluginFinder({ cwd: at('libs/app-two'), cache: true }))).toEqual(expected);
  });

  it('shows the losers as shadowed in `plux list`', () => {
    const run = runPlux(['list', '--json', '--namespace', 'pm.clash'], { cwd: at('libs/app-two') });
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as ListedPlugin[];
    expect(rows[0]).toMatchObject({ package: 'clash-plugins', version: '2.0.0' });
    expect(rows[0]!.shadowedBy).toBeUndefined();
    expect(rows[0]!.path.startsWith(real('node_modules/clash-plugins'))).toBe(true);
    expect(rows.slice(1).map((r) => r.shadowedBy)).toEqual(
      first.finder.listShadowed().map(() => 'clash-plugins@2.0.0'),
    );
  });

  it('loads every plugin through either installed @plux/core, whichever core each plugin was built against', () => {
    const expected = Object.fromEntries(
      Object.entries({
        ...expectedAppLoads(),
        'pm.clash:greet': { value: 'clash-plugins@2.0.0' },
        'pm.deps:deep': { value: 'deep-plugins' },
        'pm.deps:scoped': { value: '@pm/scoped-plugins' },
      }).map(([key, value]) => [key, expect.objectContaining(value)]),
    );
    for (const core of [real('node_modules/@plux/core'), real('libs/app-two/node_modules/@plux/core')]) {
      expect(loadWithCore(core, at('libs/app-one'), ['pm.app', 'pm.clash', 'pm.deps']), core).toEqual(
        expected,
      );
    }
  });

  it("loads them through this repository's @plux/core too", async () => {
    const manager = new PluginManager('pm.app', { finder: first.finder });
    expect(await manager.loadAll({ propagateExceptions: true })).toHaveLength(6);
    expect(manager.listContainers().map((c) => c.loadValue)).toEqual(
      Object.values(expectedAppLoads()).map((l) => l.value),
    );
  });
});
