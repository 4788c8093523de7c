import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { setLogSink } from '../core/log.js';
import { findVisiblePackages, nameFromFolder } from './visible-packages.js';
import { WatchRecorder } from './watch.js';
import { findWorkspaceRoot } from './workspace.js';

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

describe('findVisiblePackages', () => {
  it('lists the root and workspace packages, then root node_modules (scoped, pnpm-hoisted), then nested ones', () => {
    const root = tree({
      'package.json': pkg('root', { workspaces: ['libs/*'] }),
      'package-lock.json': '{}',
      'libs/b/package.json': pkg('b'),
      'libs/a/package.json': pkg('a'),
      'libs/a/node_modules/nested/package.json': pkg('nested'),
      'node_modules/.bin/tool': '',
      'node_modules/.cache/x/package.json': pkg('x'),
      'node_modules/.package-lock.json': '{}',
      'node_modules/zed/package.json': pkg('zed'),
      'node_modules/@scope/one/package.json': pkg('@scope/one'),
      'node_modules/.pnpm/node_modules/hoisted/package.json': pkg('hoisted'),
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
    expect(debug).toContain(`workspace packages of ${root} from @manypkg/get-packages (npm)`);
  });

  it('records what decides the answer: config files, install state, scanned folders, glob folders', () => {
    const root = tree({
      'package.json': pkg('root', { workspaces: ['libs/*'] }),
      'package-lock.json': '{}',
      'libs/a/package.json': pkg('a'),
      'node_modules/@scope/one/package.json': pkg('@scope/one'),
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
      'package.json': pkg('app'),
      'node_modules/@loop': { symlink: '@loop' },
      'node_modules/gone': { symlink: 'nowhere' },
      'node_modules/ok/package.json': pkg('ok'),
    });
    const visible = findVisiblePackages(findWorkspaceRoot(root)!, new WatchRecorder());
    expect(visible.problems).toEqual([
      `cannot list ${root}/node_modules/@loop: it is a symlink loop; remove the link`,
    ]);
    expect(
      relative(
        root,
        visible.candidates.map((c) => c.dir),
      ),
    ).toEqual(['', 'node_modules/gone', 'node_modules/ok']);
  });
});

describe("findVisiblePackages in a Yarn Plug'n'Play install", () => {
  it('lists the workspace packages and reports, naming the .pnp.cjs, that installed packages are not seen', () => {
    const root = tree({
      'package.json': pkg('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': pkg('a'),
      '.pnp.cjs': '',
      '.yarnrc.yml': 'nodeLinker: pnp\n',
    });
    const recorder = new WatchRecorder();
    const visible = findVisiblePackages(findWorkspaceRoot(root)!, recorder);
    expect(
      relative(
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
      'package.json': pkg('root', { workspaces: ['libs/*'] }),
      'libs/a/package.json': pkg('a'),
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
