import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run, workspaceRoot } from './support.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The packages a user of published plux packages installs: plux itself, the demo's plugin libraries, a third party. */
const PACKED = ['libs/plux-core', 'libs/demo-api', 'libs/demo-storage', 'libs/demo-messaging'];
const THIRD_PARTY = 'vendor/minicloud-secrets-1.2.0.tgz';

/**
 * What the consumer project runs, as a user of the published packages would: list the plugins of two namespaces from
 * the installed indexes, load every one, and print what plux says about each (state and distribution).
 */
const CHECK_SCRIPT = `
import { createRouter, readConfig } from '@minicloud/api';
import { PluginManager } from '@plux/core';

const router = createRouter();
const report = [];
for (const namespace of ['minicloud.services', 'minicloud.examples']) {
  const manager = new PluginManager(namespace, { loadArgs: [{ router, config: readConfig() }] });
  const names = manager.listNames().sort();
  for (const name of names) {
    let error;
    try {
      await manager.load(name);
    } catch (e) {
      error = e.message;
    }
    const c = manager.getContainer(name);
    const d = c.distribution;
    report.push({
      id: namespace + ':' + name,
      loaded: c.isLoaded,
      error,
      module: c.entryPoint?.module,
      distribution: d && { name: d.name, version: d.version, root: d.root, workspace: d.workspace },
    });
  }
}
const answer = await router.handle({ method: 'PUT', url: '/kv/greeting', body: new TextEncoder().encode('hi') });
console.log(JSON.stringify({ report, routes: router.routes.length, kvStatus: answer.status }));
`;

interface Reported {
  id: string;
  loaded: boolean;
  error?: string;
  module?: string;
  distribution?: { name: string; version: string; root: string; workspace: boolean };
}

describe('the published packages, installed from tarballs outside the workspace', () => {
  let temp: string;
  let project: string;
  let tarballs: Record<string, string>;

  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), 'plux-published-'));
    const packs = join(temp, 'tarballs');
    mkdirSync(packs);
    tarballs = {};
    for (const dir of PACKED) {
      const packed = await run(npm, ['pack', '--pack-destination', packs, '--silent'], {
        cwd: join(workspaceRoot, dir),
      });
      expect(packed.code, packed.stderr).toBe(0);
      tarballs[dir] = join(packs, packed.stdout.trim().split('\n').pop()!);
    }
    tarballs[THIRD_PARTY] = join(workspaceRoot, THIRD_PARTY);

    project = join(temp, 'consumer');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    );
    writeFileSync(join(project, 'check.mjs'), CHECK_SCRIPT);
    // @plux/core's own dependencies come from the registry, through the npm cache when it has them
    const installed = await run(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        ...Object.values(tarballs),
      ],
      { cwd: project, timeoutMs: 120_000 },
    );
    expect(installed.code, installed.stderr).toBe(0);
  }, 150_000);

  afterAll(() => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('packs plux.json and the built code into each plugin tarball, and no specs', () => {
    const storage = join(project, 'node_modules', '@minicloud', 'storage');
    expect(readdirSync(storage).sort()).toEqual(['dist', 'package.json', 'plux.json']);
    expect(readdirSync(join(storage, 'dist')).filter((f) => f.includes('.spec.'))).toEqual([]);
    expect(readdirSync(join(project, 'node_modules', 'minicloud-secrets')).sort()).toContain('plux.json');
  });

  it('lists and loads every plugin, each with the distribution it was installed from', async () => {
    const result = await run(process.execPath, ['check.mjs'], {
      cwd: project,
      env: { PLUX_NO_CACHE: '1' },
      timeoutMs: 30_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const { report, routes, kvStatus } = JSON.parse(result.stdout) as {
      report: Reported[];
      routes: number;
      kvStatus: number;
    };

    expect(report.map((r) => r.id)).toEqual([
      'minicloud.services:kv',
      'minicloud.services:queue',
      'minicloud.services:s3',
      'minicloud.services:secrets',
      'minicloud.examples:kv',
      'minicloud.examples:queue',
      'minicloud.examples:s3',
      'minicloud.examples:secrets',
    ]);
    for (const plugin of report) {
      expect(plugin.error, plugin.id).toBeUndefined();
      expect(plugin.loaded, plugin.id).toBe(true);
      expect(plugin.distribution?.workspace, plugin.id).toBe(false);
      // the plugin's module is the installed copy, inside the package folder in node_modules
      expect(relative(plugin.distribution!.root, plugin.module!).startsWith('..'), plugin.id).toBe(false);
      expect(relative(project, plugin.distribution!.root).split(/[\\/]/)[0], plugin.id).toBe('node_modules');
    }
    const packageOf = (id: string) => report.find((r) => r.id === id)!.distribution!;
    expect(packageOf('minicloud.services:s3')).toMatchObject({
      name: '@minicloud/storage',
      version: '0.1.0',
    });
    expect(packageOf('minicloud.services:kv')).toMatchObject({
      name: '@minicloud/storage',
      version: '0.1.0',
    });
    expect(packageOf('minicloud.services:queue')).toMatchObject({
      name: '@minicloud/messaging',
      version: '0.1.0',
    });
    expect(packageOf('minicloud.services:secrets')).toMatchObject({
      name: 'minicloud-secrets',
      version: '1.2.0',
    });
    expect(packageOf('minicloud.examples:secrets')).toMatchObject({
      name: 'minicloud-secrets',
      version: '1.2.0',
    });

    // the loaded services mounted their routes on the router they were given (loadArgs), and answer through it
    expect(routes).toBe(7 + 4 + 3 + 3);
    expect(kvStatus).toBe(200);
  });
});
