/**
 * Runs the real `plux` binary, as the specs of the CLI do on packages in temp folders.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { CORE_ROOT } from './core.js';

/** The `plux` bin, as npm links it. It imports dist/cli/main.js: build first (`npm run build -w @plux/core`). */
export const PLUX_BIN = join(CORE_ROOT, 'bin', 'plux.js');

/** What a run of the binary gave. */
export interface PluxRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/plux.js ...args` in `cwd`, without colours, and without the plux variables of the test's own
 * environment (`PLUX_DISABLED`, `PLUX_LOG`, …): pass them in `env`.
 */
export function runPlux(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): PluxRun {
  const inherited = { ...process.env };
  for (const name of ['PLUX_DISABLED', 'PLUX_LOG', 'PLUX_NO_CACHE', 'PLUX_FIXTURE_LOG'])
    delete inherited[name];
  const env: NodeJS.ProcessEnv = { ...inherited, NO_COLOR: '1', ...options.env };
  const run = spawnSync(process.execPath, [PLUX_BIN, ...args], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
