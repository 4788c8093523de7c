import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { cleanEnv, minicloud, minicloudBin, run, workspaceRoot } from './support.js';

interface ServiceJson {
  name: string;
  state: string;
  reason?: string;
  package: { name: string; version: string; origin: string };
  routes: string[];
}

describe('minicloud, the built program', () => {
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill('SIGKILL');
    server = undefined;
  });

  /** Starts `minicloud serve --port 0 --json` and waits for the line that says where it listens. */
  async function serve(env: Record<string, string>) {
    const child = spawn(process.execPath, [minicloudBin, 'serve', '--port', '0', '--json'], {
      cwd: workspaceRoot,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let stdout = '';
    child.stdout!.setEncoding('utf8');
    for await (const chunk of child.stdout! as AsyncIterable<string>) {
      stdout += chunk;
      if (stdout.includes('\n')) break;
    }
    if (!stdout.includes('\n')) throw new Error(`minicloud serve printed no address; stderr:\n${stderr}`);
    const ready = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as {
      url: string;
      services: ServiceJson[];
    };
    return { child, ready, stderr: () => stderr };
  }

  it('serves the enabled services over real HTTP on 127.0.0.1 and refuses the disabled one with its reason', async () => {
    const { child, ready, stderr } = await serve({ MINICLOUD_SERVICES: 's3,queue,secrets' });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // s3, from the workspace lib @minicloud/storage
    expect((await fetch(`${ready.url}/s3/reports`, { method: 'PUT' })).status).toBe(200);
    const put = await fetch(`${ready.url}/s3/reports/2024/q1.csv`, {
      method: 'PUT',
      body: 'month,total\njan,3\n',
    });
    expect(put.status).toBe(200);
    const get = await fetch(`${ready.url}/s3/reports/2024/q1.csv`);
    expect(await get.text()).toBe('month,total\njan,3\n');
    expect(get.headers.get('etag')).toBe(((await put.json()) as { etag: string }).etag);

    // queue, from @minicloud/messaging: first in, first out
    for (const body of ['one', 'two']) {
      expect((await fetch(`${ready.url}/queue/work/messages`, { method: 'POST', body })).status).toBe(201);
    }
    const received = (await (await fetch(`${ready.url}/queue/work/messages?max=2`)).json()) as {
      messages: { body: string }[];
    };
    expect(received.messages.map((m) => m.body)).toEqual(['one', 'two']);

    // secrets, from the installed package minicloud-secrets
    await fetch(`${ready.url}/secrets/token`, { method: 'PUT', body: 's3cr3t' });
    expect(await (await fetch(`${ready.url}/secrets/token`)).json()).toEqual({
      name: 'token',
      version: 1,
      value: 's3cr3t',
    });

    // kv is left out by MINICLOUD_SERVICES: its shouldLoad() said no, and the server says why
    const kv = await fetch(`${ready.url}/kv/colour`);
    expect(kv.status).toBe(503);
    expect(await kv.json()).toEqual({
      error: {
        code: 'ServiceDisabled',
        message:
          'service kv is disabled: Load condition for plugin was false: kv is not in MINICLOUD_SERVICES=s3,queue,secrets',
      },
    });

    const health = (await (await fetch(`${ready.url}/_minicloud/health`)).json()) as {
      services: Record<string, { state: string; package: string; version: string; origin: string }>;
    };
    expect(health.services).toMatchObject({
      s3: { state: 'running', package: '@minicloud/storage', version: '0.1.0', origin: 'workspace' },
      kv: { state: 'disabled', package: '@minicloud/storage', origin: 'workspace' },
      queue: { state: 'running', package: '@minicloud/messaging', version: '0.1.0', origin: 'workspace' },
      secrets: { state: 'running', package: 'minicloud-secrets', version: '1.2.0', origin: 'installed' },
    });

    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(stderr()).toContain('minicloud: stopped');
  });

  it('tours every running service and reports the plugins PLUX_DISABLED and MINICLOUD_SERVICES turned off', async () => {
    const result = await minicloud(['tour', '--json'], {
      MINICLOUD_SERVICES: 's3,kv,secrets',
      PLUX_DISABLED: 'minicloud.services:kv',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      url: string;
      services: ServiceJson[];
      examples: { service: string; ok: boolean }[];
      requests: { service: string; method: string; path: string; status: number }[];
      lifecycle: { state: string; namespace: string; name: string; detail: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const byName = Object.fromEntries(report.services.map((s) => [s.name, s]));
    expect(byName.kv).toMatchObject({
      state: 'disabled',
      reason: 'PLUX_DISABLED rule "minicloud.services:kv" matched',
    });
    expect(byName.queue).toMatchObject({
      state: 'disabled',
      reason: 'Load condition for plugin was false: queue is not in MINICLOUD_SERVICES=s3,kv,secrets',
    });
    expect(byName.secrets).toMatchObject({
      state: 'running',
      package: { name: 'minicloud-secrets', version: '1.2.0', origin: 'installed' },
    });
    expect(byName.secrets!.routes).toContain('PUT /secrets/:name');
    expect(report.examples).toEqual([
      { service: 's3', ok: true },
      { service: 'secrets', ok: true },
    ]);
    expect(report.requests).toContainEqual(
      expect.objectContaining({
        service: 'secrets',
        method: 'GET',
        path: '/secrets/db-password?version=1',
        status: 200,
      }),
    );
    expect(report.requests).toContainEqual(
      expect.objectContaining({ service: 'kv', method: 'GET', path: '/kv', status: 503 }),
    );

    const log = report.lifecycle.map((e) => `${e.state} ${e.namespace}:${e.name}`);
    expect(log).toContain('loaded minicloud.services:secrets');
    expect(log).toContain('disabled minicloud.services:kv');
    // PLUX_DISABLED is checked before the import: kv's module is never resolved
    expect(log).not.toContain('resolved minicloud.services:kv');
    // the examples of services that are not running stay unread entries of plux.json
    expect(log.filter((l) => l.includes('minicloud.examples:'))).toEqual([
      'resolved minicloud.examples:s3',
      'loaded minicloud.examples:s3',
      'resolved minicloud.examples:secrets',
      'loaded minicloud.examples:secrets',
    ]);
    expect(report.lifecycle.find((e) => e.state === 'resolved' && e.name === 'secrets')?.detail).toBe(
      'minicloud-secrets@1.2.0 (installed)',
    );
  });

  it('prints aligned tables without colour when stdout is not a terminal, and colours them on request', async () => {
    const plain = await minicloud(['tour'], { MINICLOUD_SERVICES: 's3,queue,secrets' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('\x1b[');
    const table = plain.stdout.split('\n');
    const header = table.find((l) => l.includes('NAME') && l.includes('STATE'))!;
    const secrets = table.find((l) => /^\s+secrets\s+running/.test(l))!;
    const kv = table.find((l) => /^\s+kv\s+disabled/.test(l))!;
    // the columns line up: PACKAGE starts at the same column in the header and in each row
    expect(secrets.indexOf('minicloud-secrets@1.2.0')).toBe(header.indexOf('PACKAGE'));
    expect(kv.indexOf('@minicloud/storage@0.1.0')).toBe(header.indexOf('PACKAGE'));
    expect(secrets).toMatch(/installed\s+3\s+versioned secrets/);
    expect(plain.stdout).toMatch(/✓ queue {2}✓ s3 {2}✓ secrets/);

    const forced = await minicloud(['services'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\x1b[32mrunning\x1b[39m');
    const noColor = await minicloud(['services'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\x1b[');
  });

  it('lists every plugin of its three namespaces from the indexes, with the package each comes from', async () => {
    const result = await minicloud(['plugins', '--json']);
    expect(result.code).toBe(0);
    const plugins = JSON.parse(result.stdout) as {
      namespace: string;
      name: string;
      package: { name: string };
    }[];
    const ids = plugins.map((p) => `${p.namespace}:${p.name} ${p.package.name}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'minicloud.commands:tour minicloud',
        'minicloud.services:s3 @minicloud/storage',
        'minicloud.services:kv @minicloud/storage',
        'minicloud.services:queue @minicloud/messaging',
        'minicloud.services:secrets minicloud-secrets',
        'minicloud.examples:secrets minicloud-secrets',
      ]),
    );
    expect(new Set(plugins.map((p) => p.namespace))).toEqual(
      new Set(['minicloud.commands', 'minicloud.services', 'minicloud.examples']),
    );
  });

  it('says the port is taken, without a stack, exit code 1', async () => {
    const occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    const { port } = occupier.address() as AddressInfo;
    try {
      const result = await minicloud(['serve', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `minicloud: port ${port} is in use; pass --port 0 for a free one (or MINICLOUD_PORT)\n`,
      );
    } finally {
      occupier.close();
    }
  });

  it('says how to reach a server on another port when call finds none, exit code 1', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve)); // a port nothing listens on

    const fromEnv = await minicloud(['call', 'PUT', '/s3/photos'], { MINICLOUD_PORT: String(port) });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toMatch(
      new RegExp(`^minicloud call: cannot reach http://127\\.0\\.0\\.1:${port} \\(`),
    );
    expect(fromEnv.stderr).toContain(
      'if it serves on another port, pass --url http://127.0.0.1:<port> or set MINICLOUD_PORT=<port>',
    );
    const fromUrl = await minicloud(['call', 'GET', '/s3', '--url', `http://127.0.0.1:${port}`]);
    expect(fromUrl.code).toBe(1);
    expect(fromUrl.stderr).toContain(`cannot reach http://127.0.0.1:${port}`);
    expect(fromUrl.stderr).toContain('check the URL');
  });

  it('answers a --port that is not a port number as a usage error naming the flag, exit code 2', async () => {
    for (const port of ['abc', '99999']) {
      const result = await minicloud(['serve', '--port', port]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `minicloud serve: --port ${port} is not a port number (0-65535; 0 picks a free port)`,
      );
      expect(result.stderr).toContain('usage: minicloud serve [options]');
      expect(result.stderr).not.toContain('RangeError');
    }
    const fromEnv = await minicloud(['serve'], { MINICLOUD_PORT: 'abc' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('MINICLOUD_PORT=abc is not a port number');
    expect(fromEnv.stderr).toContain('fix or unset MINICLOUD_PORT');
    const services = await minicloud(['services'], { MINICLOUD_PORT: 'abc' });
    expect(services.code).toBe(2);
    expect(services.stderr).toContain('MINICLOUD_PORT=abc is not a port number');
    expect(services.stderr).not.toContain('RangeError');
  });

  it('warns about a selected service no plugin has and goes on with the others', async () => {
    const result = await minicloud(['services', '--json', '--services', 's3,nope']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('minicloud: unknown service nope (known: kv, queue, s3, secrets)\n');
    const states = (JSON.parse(result.stdout) as ServiceJson[]).map((s) => `${s.name} ${s.state}`);
    expect(states).toEqual(['kv disabled', 'queue disabled', 's3 running', 'secrets disabled']);
  });

  it('says how to build when it is run before the build (dist/ missing), exit code 1', async () => {
    const unbuilt = mkdtempSync(join(tmpdir(), 'minicloud-unbuilt-'));
    try {
      mkdirSync(join(unbuilt, 'bin'));
      copyFileSync(minicloudBin, join(unbuilt, 'bin', 'minicloud.js'));
      writeFileSync(join(unbuilt, 'package.json'), JSON.stringify({ type: 'module' }));
      const result = await run(process.execPath, [join(unbuilt, 'bin', 'minicloud.js'), 'tour']);
      expect(result.code).toBe(1);
      // one command that builds the program and indexes its plugins: `demo:build` alone leaves no plux.json
      expect(result.stderr).toMatch(
        /^minicloud is not built yet: run `npx nx run demo:plux-discover` \(or `npm run demo`\) first\n/,
      );
      expect(result.stderr).not.toContain('demo:build');
      expect(result.stderr).not.toContain('    at ');
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });

  it('answers an unknown command with the commands that exist, exit code 2', async () => {
    const result = await minicloud(['deploy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown command deploy; commands: call, help, plugins, serve, services, tour',
    );
  });
});
