/**
 * `plux show` reads a package's index through the runtime's reader, in real folders: it prints what `list` and
 * `resolve` see, and an index the runtime rejects is an error naming the file and the fix, never printed.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseIndex } from '../../core/plux-index.js';
import type { CliIo } from '../io.js';
import { main } from '../main.js';
import type { ListedPlugin } from './list.js';
import type { ResolvedPlugin } from './resolve.js';

let workspace: string;

/** Runs `plux` in-process from `cwd`, with captured output. */
async function plux(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: {},
  };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

function write(path: string, content: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

const index = (plugins: Record<string, Record<string, { module: string; export: string }>>) => ({
  formatVersion: 1,
  plugins,
});

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'plux-show-'));
  write(join(workspace, 'package.json'), { name: 'ws', private: true, workspaces: ['packages/*'] });

  // a good package, one of whose entries names a module that was never built
  const good = join(workspace, 'packages', 'good');
  write(join(good, 'package.json'), { name: 'good', version: '1.2.3', plux: './plux.json' });
  write(join(good, 'dist', 'services.js'), 'export const S3 = 1;\nexport const Sqs = 2;\n');
  write(
    join(good, 'plux.json'),
    index({
      'acme.services': {
        s3: { module: './dist/services.js', export: 'S3' },
        sqs: { module: 'dist/services.js', export: 'Sqs' },
        ghost: { module: './dist/ghost.js', export: 'Ghost' },
      },
    }),
  );

  // its "plux" field points outside the package
  const outside = index({ 'acme.services': { evil: { module: './dist/evil.js', export: 'Evil' } } });
  write(join(workspace, 'packages', 'x.json'), outside);
  const parent = join(workspace, 'packages', 'parent');
  write(join(parent, 'package.json'), { name: 'parent', version: '1.0.0', plux: '../x.json' });
  write(join(parent, 'dist', 'evil.js'), 'export const Evil = 1;\n');

  // its plux.json is a symlink that leaves the package
  write(join(workspace, 'elsewhere', 'plux.json'), outside);
  const linked = join(workspace, 'packages', 'linked');
  write(join(linked, 'package.json'), { name: 'linked', version: '1.0.0', plux: './plux.json' });
  write(join(linked, 'dist', 'evil.js'), 'export const Evil = 1;\n');
  symlinkSync(join(workspace, 'elsewhere', 'plux.json'), join(linked, 'plux.json'));
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('plux show', () => {
  it('prints the entries list and resolve see, and names the one the runtime skips', async () => {
    const show = await plux(workspace, 'show', 'good');
    const list = await plux(workspace, 'list', '--json');
    const resolve = await plux(workspace, 'resolve', '--namespace', 'acme.services', '--json');

    expect(show.status).toBe(0);
    const shown = parseIndex(JSON.parse(show.stdout));
    expect(shown.problems).toEqual([]);
    const listed = (JSON.parse(list.stdout) as ListedPlugin[]).filter((p) => p.package === 'good');
    const asListed = (p: { namespace: string; name: string; module: string; export: string }) =>
      `${p.namespace}:${p.name} = ${p.module.startsWith('.') ? p.module : `./${p.module}`}#${p.export}`;
    expect(shown.plugins.map(asListed)).toEqual(listed.map(asListed));
    expect(shown.plugins.map((p) => p.name)).toEqual(['s3', 'sqs']);
    // the module as the index spells it
    expect(shown.plugins.find((p) => p.name === 'sqs')?.module).toBe('dist/services.js');
    const resolved = (JSON.parse(resolve.stdout) as ResolvedPlugin[]).filter(
      (p) => p.package === 'good@1.2.3',
    );
    expect(resolved.map((p) => p.name).sort()).toEqual(['s3', 'sqs']);
    expect(show.stderr).toContain(
      'plugin acme.services:ghost: module ./dist/ghost.js does not exist (skipped)',
    );
  });

  it('prints the same by name, by path and from inside the package', async () => {
    const byName = await plux(workspace, 'show', 'good');
    const byPath = await plux(workspace, 'show', './packages/good');
    const here = await plux(join(workspace, 'packages', 'good', 'dist'), 'show');

    expect([byPath.status, here.status]).toEqual([0, 0]);
    expect(byPath.stdout).toBe(byName.stdout);
    expect(here.stdout).toBe(byName.stdout);
  });

  it('rejects a "plux" field that leaves the package, as the runtime does, and prints nothing', async () => {
    const show = await plux(workspace, 'show', 'parent');
    const byPath = await plux(workspace, 'show', 'packages/parent');
    const list = await plux(workspace, 'list', '--json');

    expect([show.status, byPath.status]).toEqual([1, 1]);
    expect(show.stdout).toBe('');
    expect(show.stderr).toContain('the "plux" field of');
    expect(show.stderr).toContain('is not a path inside the package');
    expect(byPath.stderr).toBe(show.stderr);
    expect((JSON.parse(list.stdout) as ListedPlugin[]).some((p) => p.package === 'parent')).toBe(false);
  });

  it('rejects a plux.json symlink that leaves the package, naming where it leads and the fix', async () => {
    const show = await plux(workspace, 'show', 'linked');
    const list = await plux(workspace, 'list', '--json');

    expect(show.status).toBe(1);
    expect(show.stdout).toBe('');
    expect(show.stderr).toContain(`resolves to ${join(workspace, 'elsewhere', 'plux.json')}`);
    expect(show.stderr).toContain('outside the package (ignored)');
    expect(show.stderr).toContain('plux discover');
    expect((JSON.parse(list.stdout) as ListedPlugin[]).some((p) => p.package === 'linked')).toBe(false);
  });
});

describe('plux show at the root of a workspace', () => {
  it('asks for a package by name and lists the workspace packages that declare an index', async () => {
    for (const argv of [['show'], ['show', '.'], ['show', 'ws']]) {
      const run = await plux(workspace, ...argv);
      expect(run.status, argv.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        `ws (${workspace}) is the workspace root, and declares no index of its own`,
      );
      expect(run.stderr).toContain(
        "Name a package: 'plux show <package>'. Workspace packages with an index: good, linked, parent.",
      );
      // not the advice for a package: the root is not where plugins are indexed
      expect(run.stderr).not.toContain('--update-package');
    }
  });

  it('says that no workspace package declares an index yet, and how to write one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plux-show-root-'));
    try {
      // a pnpm workspace: the root's package.json has no "workspaces" field
      write(join(root, 'package.json'), { name: '@ws/source', private: true });
      write(join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'libs/*'\n");
      write(join(root, 'libs', 'util', 'package.json'), { name: '@ws/util', version: '0.0.1' });
      const run = await plux(root, 'show');

      expect(run.status).toBe(1);
      expect(run.stderr).toContain('@ws/source');
      expect(run.stderr).toContain('is the workspace root, and declares no index of its own');
      expect(run.stderr).toContain(
        "No workspace package declares an index yet: run 'plux discover --update-package' in a package that " +
          "provides plugins, then 'plux show <package>'.",
      );
      // a package of the workspace without an index keeps the advice for a package
      const util = await plux(join(root, 'libs', 'util'), 'show');
      expect(util.status).toBe(1);
      expect(util.stderr).toContain('@ws/util');
      expect(util.stderr).toContain('has no "plux" field');
      expect(util.stderr).toContain("Run 'plux discover --update-package' in it");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
