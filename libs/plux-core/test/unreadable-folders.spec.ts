/**
 * Folders this process may not search or list (EACCES): reported as unreadable, naming the folder and Node's
 * reason once, never as missing. Root ignores permissions, so when the tests run as root the runtime runs in a
 * child process that is still root but without the capabilities that bypass file permissions (`setpriv
 * --bounding-set=-dac_override,-dac_read_search`): it is refused the locked folders like any user, yet can still
 * reach this repository and its `node_modules`, which another user (`nobody`) cannot when the checkout lies in a
 * private folder such as one made by `mktemp -d`. Otherwise it runs as the current user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RACY_WINDOW_MS } from '../src/runtime/watch.js';
import { copyBuiltCore, FIXTURES } from './support/core.js';
import { writeIndexedPackage } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

const CHILD = join(FIXTURES, 'special-files-child.mjs');
const NS = 'locked';
const isRoot = process.getuid?.() === 0;
const hasSetpriv = (() => {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface ChildAnswer {
  listed: string[];
  problems: string[];
  loads: Record<string, string>;
}

/** Runs the built runtime on `cwd`, without the permission-bypassing capabilities when this process is root. */
function runUnprivileged(cwd: string, cache: 'on' | 'off', asSelf = false): ChildAnswer {
  const [command, ...args] =
    isRoot && !asSelf
      ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', process.execPath, CHILD]
      : [process.execPath, CHILD];
  const result = spawnSync(command!, [...args, cwd, NS, cache], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, PLUX_LOG: 'silent', PLUX_NO_CACHE: '', NODE_OPTIONS: '' },
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ChildAnswer;
}

let base: string;
let root: string;
let locked: string[] = [];
// setpriv is part of util-linux, on every Linux this suite runs on; without it root cannot drop its rights
describe.skipIf(isRoot && !hasSetpriv)('folders that cannot be searched or listed', () => {
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'plux-eacces-')));
    chmodSync(base, 0o755); // mkdtemp makes it 0700
    const core = copyBuiltCore();
    chmodSync(dirname(core), 0o755);
    root = join(base, 'root');
    const nm = join(root, 'node_modules');
    mkdirSync(join(nm, '@plux'), { recursive: true });
    symlinkSync(core, join(nm, '@plux', 'core'), 'dir');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'eacces-root', version: '1.0.0' }));
    const plugin = (name: string) =>
      writeIndexedPackage(join(nm, ...name.split('/')), {
        name,
        namespace: NS,
        source:
          `import { plugin } from '@plux/core';\nexport const entry = plugin({ namespace: '${NS}', ` +
          `name: '${name}', load: () => 'loaded' }, () => {});\n`,
      });
    plugin('open');
    const lockedDist = join(plugin('locked-dist'), 'dist');
    const lockedScope = dirname(plugin('@locked/inside'));
    chmodSync(lockedDist, 0o600); // listable, not searchable
    chmodSync(lockedScope, 0o000);
    locked = [lockedDist, lockedScope];
    // A cache written by a privileged run lists every plugin, so the unprivileged warm start fails at load. It is
    // written once the tree is older than the cache's racy window, so that no entry needs a content check, which
    // the unprivileged run could not make (it cannot list @locked) and would take as a change.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RACY_WINDOW_MS + 500);
    runUnprivileged(root, 'on', true);
  }, 120_000);
  afterAll(() => {
    for (const dir of locked) chmodSync(dir, 0o755);
    rmSync(base, { recursive: true, force: true });
    removeTempDirs();
  }, 60_000);

  it('reports a module in an unsearchable dist/ as unreadable, not missing, and lists the rest', () => {
    const answer = runUnprivileged(root, 'off');
    expect(answer.listed).toEqual([`${NS}:open`]);
    expect(answer.loads).toEqual({ open: 'loaded' });
    const problem = answer.problems.find((p) => p.includes('locked-dist'));
    expect(problem).toContain(
      `plugin ${NS}:locked-dist: module ./dist/index.js cannot be read (EACCES: permission denied, realpath `,
    );
    expect(problem).not.toContain('does not exist');
  });

  it('reports an unlistable folder with the reason once (no doubled EACCES)', () => {
    const answer = runUnprivileged(root, 'off');
    const scope = join(root, 'node_modules', '@locked');
    expect(answer.problems).toContainEqual(
      `cannot list ${scope}: EACCES: permission denied, scandir '${scope}'`,
    );
    expect(answer.problems.join('\n')).not.toContain('EACCES: EACCES');
  });

  it('refuses at load, as unreadable, a listed module whose folder cannot be searched', () => {
    // a warm start from the cache written before the folder was locked: listed, then refused when loaded
    const answer = runUnprivileged(root, 'on');
    expect(answer.listed).toContain(`${NS}:locked-dist`);
    expect(answer.loads['locked-dist']).toMatch(
      new RegExp(
        `^PluginException: cannot import plugin ${NS}:locked-dist: module .*index\\.js of package ` +
          'locked-dist@1\\.0\\.0 cannot be read \\(EACCES: permission denied, \\w+ .*\\); make it readable',
      ),
    );
  });
});
