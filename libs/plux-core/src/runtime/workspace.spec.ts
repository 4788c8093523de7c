import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { captureLogInEachTest } from '../../test/support/doubles.js';
import { packageJson } from '../../test/support/packages.js';
import { makeTempTree, relativePaths, removeTempDirs } from '../../test/support/temp.js';
import { findVisiblePackages } from './visible-packages.js';
import { WatchRecorder } from './watch.js';
import { findWorkspaceRoot, listWorkspacePackages } from './workspace.js';

afterAll(removeTempDirs);
const logged = captureLogInEachTest();
const tree = (files: Record<string, string | object>) => makeTempTree(files, 'plux-ws-');

describe('findWorkspaceRoot', () => {
  it('finds the nearest ancestor with a workspaces field, from deep inside a package', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': packageJson('a'),
      'libs/a/src/deep/x.js': '',
    });
    expect(findWorkspaceRoot(join(root, 'libs/a/src/deep'))).toEqual({
      dir: root,
      tool: 'package.json',
      globs: ['libs/*'],
    });
  });

  it('reads the globs of yarn-style { packages }, pnpm-workspace.yaml and lerna.json', () => {
    const yarn = tree({ 'package.json': packageJson('r', { workspaces: { packages: ['pkgs/*'] } }) });
    expect(findWorkspaceRoot(yarn)).toMatchObject({ tool: 'package.json', globs: ['pkgs/*'] });

    const pnpm = tree({
      'package.json': packageJson('r'),
      'pnpm-workspace.yaml':
        "# the workspace\npackages:\n  - 'apps/*'\n  - \"libs/**\"   # all\n  - tools\n\n  - '!**/test/**'\ncatalog:\n  react: ^18\n",
    });
    expect(findWorkspaceRoot(pnpm)).toMatchObject({
      tool: 'pnpm',
      globs: ['apps/*', 'libs/**', 'tools', '!**/test/**'],
    });

    const lerna = tree({ 'package.json': packageJson('r'), 'lerna.json': { packages: ['modules/*'] } });
    expect(findWorkspaceRoot(lerna)).toMatchObject({ tool: 'lerna', globs: ['modules/*'] });
  });

  it('outside a workspace, takes the nearest package root that has node_modules', () => {
    const root = tree({
      'package.json': packageJson('app'),
      'node_modules/.package-lock.json': '{}',
      'src/package.json': { type: 'module' },
      'src/lib/x.js': '',
    });
    expect(findWorkspaceRoot(join(root, 'src/lib'))).toEqual({ dir: root, globs: [] });
    // without node_modules anywhere, the nearest package root
    const bare = tree({ 'package.json': packageJson('app'), 'sub/package.json': packageJson('sub') });
    expect(findWorkspaceRoot(join(bare, 'sub'))).toEqual({ dir: join(bare, 'sub'), globs: [] });
  });

  it('returns undefined where no ancestor is a package', () => {
    const empty = tree({ 'nothing/here.txt': '' });
    expect(findWorkspaceRoot(join(empty, 'nothing'))).toBeUndefined();
  });
});

describe('listWorkspacePackages', () => {
  it('expands the globs itself when @manypkg/get-packages fails on a malformed package.json', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*', 'apps/**', '!apps/skip'] }),
      'package-lock.json': '{}',
      'libs/good/package.json': packageJson('good'),
      'libs/broken/package.json': '{ "name": ',
      'libs/no-package/readme.md': '',
      'apps/web/package.json': packageJson('web'),
      'apps/deep/er/package.json': packageJson('deeper'),
      'apps/skip/package.json': packageJson('skip'),
      'apps/web/node_modules/dep/package.json': packageJson('dep'),
      'apps/loop': { symlink: '.' },
    });
    const dirs = listWorkspacePackages(findWorkspaceRoot(root)!, new WatchRecorder());
    expect(relativePaths(root, dirs)).toEqual(['apps/deep/er', 'apps/web', 'libs/broken', 'libs/good']);
    expect(
      logged.messages('debug').some((m) => m.startsWith(`@manypkg/get-packages failed in ${root}`)),
    ).toBe(true);
  });

  it('expands the globs itself when the workspace lacks the lock file @manypkg/get-packages expects', () => {
    const root = tree({
      'package.json': packageJson('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': packageJson('a'),
    });
    expect(relativePaths(root, listWorkspacePackages(findWorkspaceRoot(root)!, new WatchRecorder()))).toEqual(
      ['libs/a'],
    );
    expect(logged.messages('debug')).toContain(
      `@manypkg/get-packages sees a plain package, not the workspace ${root}: expanding the globs`,
    );
  });

  it('keeps workspace globs inside the root: one that leaves it is reported and ignored', () => {
    const root = tree({
      'root/package.json': packageJson('root', { workspaces: ['../*', '/abs/*', 'libs/../../x', 'libs/*'] }),
      'root/package-lock.json': '{}',
      'root/libs/a/package.json': packageJson('a'),
      'sibling/package.json': packageJson('sibling'),
      'x/package.json': packageJson('x'),
    });
    const problems: string[] = [];
    const workspaceRoot = findWorkspaceRoot(join(root, 'root'))!;
    const dirs = listWorkspacePackages(workspaceRoot, new WatchRecorder(), problems);
    expect(relativePaths(join(root, 'root'), dirs)).toEqual(['libs/a']);
    expect(problems).toEqual(
      ['../*', '/abs/*', 'libs/../../x'].map(
        (glob) =>
          `the workspace glob "${glob}" in ${join(root, 'root', 'package.json')} reaches outside the workspace ` +
          'root; it is ignored (workspace packages must be inside the root)',
      ),
    );
    // and the visible packages say so too
    const visible = findVisiblePackages(workspaceRoot, new WatchRecorder());
    expect(visible.candidates.map((c) => c.dir)).not.toContain(join(root, 'sibling'));
    expect(visible.problems).toHaveLength(3);
  });

  it('uses @manypkg/get-packages for a pnpm workspace', () => {
    const root = tree({
      'package.json': packageJson('root'),
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'packages/x/package.json': packageJson('x'),
    });
    expect(relativePaths(root, listWorkspacePackages(findWorkspaceRoot(root)!, new WatchRecorder()))).toEqual(
      ['packages/x'],
    );
    expect(logged.messages('debug')).toContain(
      `workspace packages of ${root} from @manypkg/get-packages (pnpm)`,
    );
  });
});
