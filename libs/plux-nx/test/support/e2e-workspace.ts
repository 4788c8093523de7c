/**
 * Temporary Nx workspaces for the end-to-end spec: the fixture workspace plus copies of @plux/core and @plux/nx
 * (what a `git clone` holds), with a node_modules that links every installed package of this repository except
 * @plux/*, which link into the copy, as `npm ci` would. No network, no install: a workspace is ready in a second.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** The root of this repository. */
export const REPO_ROOT = join(__dirname, '../../../..');

const FIXTURE = join(__dirname, '../fixtures/workspace');
const LIBS = ['plux-core', 'plux-nx'];
const SKIPPED = new Set(['node_modules', 'dist', '.nx', 'coverage', 'test-results']);

/** Creates a workspace from the fixture and the current sources of @plux/core and @plux/nx. */
export function createE2eWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'plux-nx-e2e-'));
  cpSync(FIXTURE, root, { recursive: true });
  for (const lib of LIBS) {
    const from = join(REPO_ROOT, 'libs', lib);
    cpSync(from, join(root, 'libs', lib), { recursive: true, filter: (path) => keep(from, path, true) });
  }
  linkNodeModules(root);
  return root;
}

/**
 * Copies a workspace to a new path as a fresh clone would hold it: sources only, without `.nx`, build outputs,
 * indexes or node_modules (which is linked again).
 */
export function cloneWorkspace(from: string): string {
  const root = mkdtempSync(join(tmpdir(), 'plux-nx-e2e-clone-'));
  cpSync(from, root, {
    recursive: true,
    filter: (path) => keep(from, path, false) && !path.endsWith(`${sep}plux.json`),
  });
  linkNodeModules(root);
  return root;
}

/** The result of one `nx` command. */
export interface NxRun {
  status: number | null;
  /** stdout and stderr together. */
  output: string;
  /** Wall time in milliseconds. */
  ms: number;
}

/**
 * Runs the real `nx` binary in `cwd`, without daemon, colours or prompts. Asynchronous on purpose: the remote
 * cache server lives in this process and must keep answering while nx runs.
 */
export function runNx(cwd: string, args: string[], env: Record<string, string> = {}): Promise<NxRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules/nx/dist/bin/nx.js'), ...args], {
      cwd,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, ms: Date.now() - started });
    });
  });
}

/**
 * A self-hosted remote cache (the HTTP API Nx reads from `NX_SELF_HOSTED_REMOTE_CACHE_SERVER`), kept in memory.
 */
export async function startRemoteCache(): Promise<{
  url: string;
  stored: Map<string, Buffer>;
  close(): void;
}> {
  const stored = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const hash = /^\/v1\/cache\/([^/?]+)/.exec(req.url ?? '')?.[1];
    if (!hash) return void res.writeHead(404).end();
    if (req.method === 'GET') {
      const body = stored.get(hash);
      if (!body) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    }
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (stored.has(hash)) return void res.writeHead(409).end();
        stored.set(hash, Buffer.concat(chunks));
        res.writeHead(200).end();
      });
      return;
    }
    res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stored, close: () => server.close() };
}

/** Removes a temporary workspace (kept when PLUX_E2E_KEEP is set, for a look after a failure). */
export function removeWorkspace(root: string | undefined): void {
  if (root && !process.env['PLUX_E2E_KEEP']) rmSync(root, { recursive: true, force: true });
}

function keep(base: string, path: string, isLib: boolean): boolean {
  const parts = relative(base, path).split(sep);
  if (parts.some((part) => SKIPPED.has(part))) return false;
  // A lib's own tests and fixtures are not needed to build or run it.
  return !(isLib && parts[0] === 'test');
}

function linkNodeModules(root: string): void {
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@plux'), { recursive: true });
  for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    // .cache and .vite hold tool caches (plux's own among them) that must not be shared with this repository.
    if (entry === '@plux' || (entry.startsWith('.') && entry !== '.bin')) continue;
    symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const lib of LIBS)
    symlinkSync(join('..', '..', 'libs', lib), join(modules, '@plux', lib.slice('plux-'.length)));
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // vitest's own variables would make the workspace's vitest think it runs inside this one.
    if (value === undefined || key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'NODE_ENV')
      continue;
    if (key.startsWith('NX_')) continue;
    env[key] = value;
  }
  return {
    ...env,
    NX_DAEMON: 'false',
    CI: 'true',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}
