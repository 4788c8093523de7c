/**
 * A real workspace folder for generator specs whose install task must run: the package manager is replaced on PATH
 * by a script that records how it was called (and answers `--version`), so Nx's own install task runs for real
 * without touching a registry.
 */
import { FsTree } from 'nx/src/generators/tree';
import type { Tree } from '@nx/devkit';
import { chmodSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';

/** A workspace on disk with a recording package manager; call {@link restore} when done. */
export interface RecordedWorkspace {
  tree: Tree;
  root: string;
  /** The package manager commands run so far, e.g. `['npm install']`. */
  calls(): string[];
}

const dirs: string[] = [];
const originalPath = process.env['PATH'];

/**
 * Creates the folder with `files` (JSON for objects), a lockfile naming `manager`, and `manager` on PATH.
 * Resets Nx's memo of the last install, so each workspace installs afresh.
 */
export function recordedWorkspace(
  manager: 'npm' | 'pnpm' | 'yarn',
  files: Record<string, string | object> = {},
): RecordedWorkspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'plux-nx-gen-')));
  const bin = mkdtempSync(join(tmpdir(), 'plux-nx-bin-'));
  dirs.push(root, bin);
  const log = join(root, '.calls.log');
  writeFileSync(
    join(bin, manager),
    `#!/bin/sh\ncase "$*" in *--version*) echo 10.0.0; exit 0;; esac\necho "${manager} $*" >> "${log}"\n`,
  );
  chmodSync(join(bin, manager), 0o755);
  process.env['PATH'] = `${bin}${delimiter}${originalPath}`;
  const lockfile = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' }[manager];
  const all: Record<string, string | object> = {
    'package.json': { name: 'acme', private: true },
    'nx.json': {},
    [lockfile]: '',
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  (globalThis as Record<string, unknown>)['__packageJsonInstallCache__'] = undefined;
  return {
    tree: new FsTree(root, false),
    root,
    calls: () => {
      try {
        return readFileSync(log, 'utf8').trim().split('\n');
      } catch {
        return [];
      }
    },
  };
}

/** Puts PATH back and removes every folder {@link recordedWorkspace} made. */
export function restore(): void {
  process.env['PATH'] = originalPath;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
