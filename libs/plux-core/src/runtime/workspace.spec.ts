import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { setLogSink } from '../core/log.js';
import { findVisiblePackages } from './visible-packages.js';
import { WatchRecorder } from './watch.js';
import { findWorkspaceRoot, listWorkspacePackages } from './workspace.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let debug: string[];
beforeEach(() => {
  debug = [];
  vi.stubEnv('PLUX_LOG', 'debug');
  setLogSink((level, message) => void (level === 'debug' && debug.push(message)));
});
afterEach(() => {
  setLogSink();
  vi.unstubAllEnvs();
});

/** A temp folder with `files` (objects written as JSON, `{ symlink }` as links); returns its real path. */
function tree(files: Record<string, string | object>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'plux-ws-')));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof content === 'object' && 'symlink' in content)
      symlinkSync((content as { symlink: string }).symlink, target);
    else writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const pkg = (name: string, extra: object = {}) => ({ name, version: '1.0.0', ...extra });
const relative = (root: string, paths: string[]) => paths.map((p) => p.slice(root.length + 1));

describe('findWorkspaceRoot', () => {
  it('finds the nearest ancestor with a workspaces field, from deep inside a package', () => {
    const root = tree({
      'package.json': pkg('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': pkg('a'),
      'libs/a/src/deep/x.js': '',
    });
    expect(findWorkspaceRoot(join(root, 'libs/a/src/deep'))).toEqual({
      dir: root,
      tool: 'package.json',
      globs: ['libs/*'],
    });
  });

  it('reads the globs of yarn-style { packages }, pnpm-workspace.yaml and lerna.json', () => {
    const yarn = tree({ 'package.json': pkg('r', { workspaces: { packages: ['pkgs/*'] } }) });
    expect(findWorkspaceRoot(yarn)).toMatchObject({ tool: 'package.json', globs: ['pkgs/*'] });

    const pnpm = tree({
      'package.json': pkg('r'),
      'pnpm-workspace.yaml':
        "# the workspace\npackages:\n  - 'apps/*'\n  - \"libs/**\"   # all\n  - tools\n\n  - '!**/test/**'\ncatalog:\n  react: ^18\n",
    });
    expect(findWorkspaceRoot(pnpm)).toMatchObject({
      tool: 'pnpm',
      globs: ['apps/*', 'libs/**', 'tools', '!**/test/**'],
    });

    const lerna = tree({ 'package.json': pkg('r'), 'lerna.json': { packages: ['modules/*'] } });
    expect(findWorkspaceRoot(lerna)).toMatchObject({ tool: 'lerna', globs: ['modules/*'] });
  });

  it('outside a workspace, takes the nearest package root that has node_modules', () => {
    const root = tree({
      'package.json': pkg('app'),
      'node_modules/.package-lock.json': '{}',
      'src/package.json': { type: 'module' },
      'src/lib/x.js': '',
    });
    expect(findWorkspaceRoot(join(root, 'src/lib'))).toEqual({ dir: root, globs: [] });
    // without node_modules anywhere, the nearest package root
    const bare = tree({ 'package.json': pkg('app'), 'sub/package.json': pkg('sub') });
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
      'package.json': pkg('root', { workspaces: ['libs/*', 'apps/**', '!apps/skip'] }),
      'package-lock.json': '{}',
      'libs/good/package.json': pkg('good'),
      'libs/broken/package.json': '{ "name": ',
      'libs/no-package/readme.md': '',
      'apps/web/package.json': pkg('web'),
      'apps/deep/er/package.json': pkg('deeper'),
      'apps/skip/package.json': pkg('skip'),
      'apps/web/node_modules/dep/package.json': pkg('dep'),
      'apps/loop': { symlink: '.' },
    });
    const dirs = listWorkspacePackages(findWorkspaceRoot(root)!, new WatchRecorder());
    expect(relative(root, dirs)).toEqual(['apps/deep/er', 'apps/web', 'libs/broken', 'libs/good']);
    expect(debug.some((m) => m.startsWith(`@manypkg/get-packages failed in ${root}`))).toBe(true);
  });

  it('expands the globs itself when the workspace lacks the lock file @manypkg/get-packages expects', () => {
    const root = tree({
      'package.json': pkg('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': pkg('a'),
    });
    expect(relative(root, listWorkspacePackages(findWorkspaceRoot(root)!, new WatchRecorder()))).toEqual([
      'libs/a',
    ]);
    expect(debug).toContain(
      `@manypkg/get-packages sees a plain package, not the workspace ${root}: expanding the globs`,
    );
  });

  it('keeps workspace globs inside the root: one that leaves it is reported and ignored', () => {
    const root = tree({
      'root/package.json': pkg('root', { workspaces: ['../*', '/abs/*', 'libs/../../x', 'libs/*'] }),
      'root/package-lock.json': '{}',
      'root/libs/a/package.json': pkg('a'),
      'sibling/package.json': pkg('sibling'),
      'x/package.json': pkg('x'),
    });
    const problems: string[] = [];
    const workspaceRoot = findWorkspaceRoot(join(root, 'root'))!;
    const dirs = listWorkspacePackages(workspaceRoot, new WatchRecorder(), problems);
    expect(relative(join(root, 'root'), dirs)).toEqual(['libs/a']);
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
      'package.json': pkg('root'),
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'packages/x/package.json': pkg('x'),
    });
    expect(relative(root, listWorkspacePackages(findWorkspaceRoot(root)!, new WatchRecorder()))).toEqual([
      'packages/x',
    ]);
    expect(debug).toContain(`workspace packages of ${root} from @manypkg/get-packages (pnpm)`);
  });
});
