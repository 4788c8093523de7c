import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { demoRoot, run, stripAnsi, workspaceRoot } from './support.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const CACHED = /> nx run demo:plux-discover\s+\[(local cache|existing outputs match the cache, left as is)\]/;

describe('npm run demo, the quickstart command', () => {
  it('indexes the plugins through Nx, runs the tour, and is a cache hit for discovery the second time', async () => {
    const script = (
      JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts.demo;
    expect(script).toMatch(/^nx run demo:plux-discover /);

    const demo = async () => {
      const result = await run(npm, ['run', 'demo'], { env: { NX_DAEMON: 'false' } });
      return { ...result, stdout: stripAnsi(result.stdout) };
    };
    const first = await demo();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('> nx run demo:plux-discover');
    expect(first.stdout).toMatch(/✓ queue {2}✓ s3 {2}✓ secrets/);
    expect(first.stdout).toMatch(/kv\s+disabled\s+@minicloud\/storage@0\.1\.0\s+workspace/);
    expect(first.stdout).toMatch(/secrets\s+running\s+minicloud-secrets@1\.2\.0\s+installed/);
    expect(existsSync(join(demoRoot, 'plux.json'))).toBe(true);

    const second = await demo();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(CACHED);
    expect(second.stdout).toMatch(/Cache:\s+(\d+)\/\1 hit \(100%\)/);
    expect(second.stdout).toMatch(/✓ queue {2}✓ s3 {2}✓ secrets/);
  });
});
