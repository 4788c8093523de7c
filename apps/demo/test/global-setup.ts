import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { demoRoot, nxBin, run, workspaceRoot } from './support.js';

/**
 * Builds minicloud and its plugin libraries and writes their plux.json, the way `npm run demo` does: through Nx, so
 * after `npm run build` this is a handful of cache hits.
 */
export default async function setup(): Promise<void> {
  const result = await run(process.execPath, [nxBin, 'run', 'demo:plux-discover', '--output-style=stream'], {
    cwd: workspaceRoot,
    env: { NX_DAEMON: 'false' },
    timeoutMs: 170_000,
  });
  if (result.code !== 0 || !existsSync(join(demoRoot, 'plux.json'))) {
    throw new Error(
      `demo tests: \`nx run demo:plux-discover\` failed (exit ${result.code}); the end-to-end specs need the built ` +
        `program and its plux.json\n${result.stdout}\n${result.stderr}`,
    );
  }
}
