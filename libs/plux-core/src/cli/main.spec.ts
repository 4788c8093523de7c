import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { CliIo } from './io.js';
import { main } from './main.js';

/** Runs `main` in-process with captured output. */
async function plux(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: process.cwd(),
    env: {},
  };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

describe('main', () => {
  it('prints the version of @plux/core with --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

    expect(await plux('--version')).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints help listing every command on stdout with --help, and on stderr with exit 2 when given nothing', async () => {
    const help = await plux('--help');
    const nothing = await plux();

    expect(help.status).toBe(0);
    for (const name of ['discover', 'list', 'resolve', 'show']) expect(help.stdout).toContain(`  ${name} `);
    expect(nothing).toEqual({ status: 2, stdout: '', stderr: help.stdout });
  });

  it("prints a command's help with `<command> --help` and `help <command>`", async () => {
    const flag = await plux('show', '--help');
    const word = await plux('help', 'show');

    expect(flag.status).toBe(0);
    expect(flag.stdout).toContain('Usage: plux show [--cwd <dir>] [package]');
    expect(word).toEqual(flag);
  });

  it('exits 2 naming an unknown command or global option', async () => {
    const command = await plux('frobnicate');
    const option = await plux('--frobnicate');

    expect(command.status).toBe(2);
    expect(command.stderr).toContain(
      'unknown command "frobnicate"; the commands are discover, explain, list, resolve, types, show',
    );
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('unknown option --frobnicate');
  });

  it('exits 2 with the command named and a pointer to its help on a bad flag', async () => {
    const run = await plux('list', '--json=yes');

    expect(run).toEqual({
      status: 2,
      stdout: '',
      stderr: "plux: error: plux list: --json takes no value\n  Run 'plux list --help' for usage.\n",
    });
  });

  it('names --cwd in the usage lines of list, resolve and show', async () => {
    expect((await plux('list', '--help')).stdout).toMatch(/^Usage: plux list .*\[--cwd <dir>\]/);
    expect((await plux('resolve', '--help')).stdout).toMatch(
      /^Usage: plux resolve --namespace <ns> .*\[--cwd <dir>\]/,
    );
    expect((await plux('show', '--help')).stdout).toMatch(/^Usage: plux show \[--cwd <dir>\]/);
  });

  it('exits 2 with "no such folder" when --cwd names a folder that does not exist', async () => {
    for (const args of [['list'], ['resolve', '-n', 'acme'], ['show']]) {
      const run = await plux(...args, '--cwd', '/nonexistent/plux-folder');

      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`plux ${args[0]}: --cwd /nonexistent/plux-folder: no such folder`);
    }
  });

  it('exits 2 with "no such folder" when discover --root names a folder that does not exist', async () => {
    const run = await plux('discover', '--root', '/nonexistent/plux-package');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('plux discover: --root /nonexistent/plux-package: no such folder');
  });

  it('treats a path given to show as a path, and says when it names no folder', async () => {
    for (const path of ['./does/not/exist', 'does/not/exist', '/does/not/exist']) {
      const run = await plux('show', path);

      expect(run.status, path).toBe(2);
      expect(run.stderr).toContain(`plux show: ${path}: no such folder`);
      expect(run.stderr).not.toContain('no package');
    }
  });

  it('echoes an unknown command escaped and cut, never raw', async () => {
    const run = await plux(`evil\u009b31m${'x'.repeat(1000)}`);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "evil\\u009b31mxxx');
    expect(run.stderr).not.toMatch(/[\u0080-\u009f]/);
    expect(run.stderr.split('\n')[0]!.length).toBeLessThan(320);
  });
});
