import { spawn, type SpawnOptions } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo's folder (apps/demo). */
export const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The workspace root. */
export const workspaceRoot = join(demoRoot, '..', '..');
/** The built program's entry, what `npx minicloud` runs. */
export const minicloudBin = join(demoRoot, 'bin', 'minicloud.js');
/** Nx's own entry, run with node so no shell or npx sits in between. */
export const nxBin = join(workspaceRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');

/** What a finished child process left behind. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end and collects its output. The environment starts from this process's, without the
 * variables that would change what the demo prints (colours, service selection, PLUX_DISABLED), plus `env`.
 */
export function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<RunResult> {
  const { timeoutMs = 120_000, env = {}, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: workspaceRoot,
      ...spawnOptions,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment for a child: this one's, minus what changes the demo's output, plus `extra`. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'MINICLOUD_SERVICES', 'MINICLOUD_PORT', 'PLUX_DISABLED']) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `minicloud <args>` with node. */
export function minicloud(args: readonly string[], env: Record<string, string | undefined> = {}) {
  return run(process.execPath, [minicloudBin, ...args], { env, timeoutMs: 30_000 });
}

/** `text` without ANSI colour sequences (Nx colours its output even into a pipe when CI is set). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
