import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { captureLogInEachTest } from '../../test/support/doubles.js';
import { packageJson } from '../../test/support/packages.js';
import { makeTempTree, relativePaths, removeTempDirs } from '../../test/support/temp.js';
import { findVisiblePackages, nameFromFolder } from './visible-packages.js';
import { WatchRecorder } from './watch.js';
import { findWorkspaceRoot } from './workspace.js';

afterAll(removeTempDirs);
const logged = captureLogInEachTest();
const tree = (files: Record<string, string | object>) => makeTempTree(files, 'plux-ws-');

describe('findVisiblePackages', () => {
  it('lists the root and workspace packages, then root node_modules (scoped, pnpm-hoisted), then nested ones', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*'] }),
      'package-lock.json': '{}',
      'libs/b/package.json': packageJson('b'),
      'libs/a/package.json': packageJson('a'),
      'libs/a/node_modules/nested/package.json': packageJson('nested'),
      'node_modules/.bin/tool': '',
      'node_modules/.cache/x/package.json': packageJson('x'),
      'node_modules/.package-lock.json': '{}',
      'node_modules/zed/package.json': packageJson('zed'),
      'node_modules/@scope/one/package.json': packageJson('@scope/one'),
      'node_modules/.pnpm/node_modules/hoisted/package.json': packageJson('hoisted'),
      'node_modules/a': { symlink: '../libs/a' },
      'node_modules/stray-file.txt': '',
    });
    const visible = findVisiblePackages(findWorkspaceRoot(root)!, new WatchRecorder());
    const rows = visible.candidates.map(
      (c) => [c.dir.slice(root.length + 1), c.tier, c.hoisted, c.linked] as const,
    );
    // precedence order between groups; within a group, directory order (the finder sorts by package name later)
    const group = (r: (typeof rows)[number]) =>
      ['workspace', 'root', 'nested'].indexOf(r[1]) * 2 + (r[2] ? 1 : 0);
    expect(rows.map(group)).toEqual(rows.map(group).sort());
    expect([...rows].sort((a, b) => group(a) - group(b) || (a[0] < b[0] ? -1 : 1))).toEqual([
      ['', 'workspace', false, true],
      ['libs/a', 'workspace', false, true],
      ['libs/b', 'workspace', false, true],
      ['node_modules/@scope/one', 'root', false, false],
      ['node_modules/a', 'root', false, true],
      ['node_modules/zed', 'root', false, false],
      ['node_modules/.pnpm/node_modules/hoisted', 'root', true, false],
      ['libs/a/node_modules/nested', 'nested', false, false],
    ]);
    expect(visible.problems).toEqual([]);
    expect(logged.messages('debug')).toContain(
      `workspace packages of ${root} from @manypkg/get-packages (npm)`,
    );
  });

  it('records what decides the answer: config files, install state, scanned folders, glob folders', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*'] }),
      'package-lock.json': '{}',
      'libs/a/package.json': packageJson('a'),
      'node_modules/@scope/one/package.json': packageJson('@scope/one'),
    });
    const recorder = new WatchRecorder();
    findVisiblePackages(findWorkspaceRoot(root)!, recorder);
    const watched = recorder.records.map(
      ([kind, path, stat]) => `${kind} ${path.slice(root.length)} ${stat === '-' ? '-' : '+'}`,
    );
    expect(watched).toEqual(
      expect.arrayContaining([
        'f /package.json +',
        'f /pnpm-workspace.yaml -',
        'd /libs +',
        'f /node_modules/.package-lock.json -',
        'f /node_modules/.modules.yaml -',
        'd /node_modules +',
        'd /node_modules/@scope +',
        'd /libs/a/node_modules -',
      ]),
    );
    // no .pnpm folder: its hidden hoisting folder is not even looked at (its creation changes node_modules)
    expect(watched.some((w) => w.includes('.pnpm'))).toBe(false);
  });

  it('reports a symlink loop and skips a vanished folder, without hanging', () => {
    const root = tree({
      'package.json': packageJson('app'),
      'node_modules/@loop': { symlink: '@loop' },
      'node_modules/gone': { symlink: 'nowhere' },
      'node_modules/ok/package.json': packageJson('ok'),
    });
    const visible = findVisiblePackages(findWorkspaceRoot(root)!, new WatchRecorder());
    expect(visible.problems).toEqual([
      `cannot list ${root}/node_modules/@loop: it is a symlink loop; remove the link`,
    ]);
    expect(
      relativePaths(
        root,
        visible.candidates.map((c) => c.dir),
      ),
    ).toEqual(['', 'node_modules/gone', 'node_modules/ok']);
  });
});

describe("findVisiblePackages in a Yarn Plug'n'Play install", () => {
  it('lists the workspace packages and reports, naming the .pnp.cjs, that installed packages are not seen', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': packageJson('a'),
      '.pnp.cjs': '',
      '.yarnrc.yml': 'nodeLinker: pnp\n',
    });
    const recorder = new WatchRecorder();
    const visible = findVisiblePackages(findWorkspaceRoot(root)!, recorder);
    expect(
      relativePaths(
        root,
        visible.candidates.map((c) => c.dir),
      ),
    ).toEqual(['', 'libs/a']);
    expect(visible.problems).toEqual([
      expect.stringContaining(`${root} is installed with Yarn Plug'n'Play (${join(root, '.pnp.cjs')})`),
    ]);
    expect(visible.problems[0]).toContain('"nodeLinker: node-modules"');
    // the cache must notice a switch of linker
    expect(recorder.records.map((r) => r[1])).toContain(join(root, '.pnp.cjs'));
  });

  it('says nothing of PnP without a .pnp.cjs', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': packageJson('a'),
    });
    expect(findVisiblePackages(findWorkspaceRoot(root)!, new WatchRecorder()).problems).toEqual([]);
  });
});

describe('nameFromFolder', () => {
  it('names a package after its folder, with its scope', () => {
    expect(nameFromFolder('/r/node_modules/@acme/x')).toBe('@acme/x');
    expect(nameFromFolder('/r/node_modules/x')).toBe('x');
  });
});
