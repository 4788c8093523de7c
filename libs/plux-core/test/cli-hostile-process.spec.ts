/**
 * The `plux` binary against packages whose code attacks the process that imports it or reads its output: a
 * module that calls process.exit() or never settles its top-level await during discovery, a module that prints
 * while the index goes to stdout, and a reader that closes stdout early. Needs the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PLUX_BIN, runPlux } from './support/cli.js';
import { writePackage } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

afterAll(removeTempDirs, 60_000);

const plugin = `import { PluginSpec } from '@plux/core';\nexport const a = new PluginSpec('acme.t', 'a', class {});\n`;
const staleIndex = `${JSON.stringify({ formatVersion: 1, plugins: {} }, null, 2)}\n`;

describe('plux discover on a module that ends the process', () => {
  it.each([0, 3])('exits 1 naming the module that called process.exit(%i), and writes nothing', (code) => {
    const pkg = writePackage({ 'dist/index.js': plugin, 'dist/quit.js': `process.exit(${code});\n` });

    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`./dist/quit.js: process.exit(${code}) was called while it was imported`);
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('fails --check --strict on a stale index instead of passing', () => {
    const pkg = writePackage({ 'dist/index.js': plugin, 'dist/quit.js': 'process.exit(0);\n' });
    writeFileSync(join(pkg, 'plux.json'), staleIndex);

    const run = runPlux(['discover', '--check', '--strict'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('./dist/quit.js: process.exit(0) was called');
    expect(readFileSync(join(pkg, 'plux.json'), 'utf8')).toBe(staleIndex);
  });

  it('names the module even when it catches what process.exit() throws', () => {
    const pkg = writePackage({
      'dist/index.js': plugin,
      'dist/sly.js': 'try { process.exit(0); } catch {}\nexport const x = 1;\n',
    });

    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('./dist/sly.js: process.exit(0) was called');
  });
});

describe('plux discover on a module that ends the process from a timer', () => {
  it('exits 1 naming the module whose timer called process.exit(0) while another module was imported', () => {
    const pkg = writePackage({
      'dist/a-later.js': 'setTimeout(() => process.exit(0), 0);\nexport const x = 1;\n',
      'dist/b-slow.js': 'await new Promise((resolve) => setTimeout(resolve, 100));\nexport const y = 1;\n',
      'dist/index.js': plugin,
    });

    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.stderr).toContain(
      './dist/a-later.js: process.exit(0) was called during discovery, from a timer or callback it started',
    );
    expect(run.stderr).not.toContain('b-slow');
    expect(run.status).toBe(1);
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });
});

describe('plux discover on a module whose import never settles', () => {
  it('exits 1 at once naming the module when nothing else keeps the process alive', () => {
    const pkg = writePackage({
      'dist/index.js': plugin,
      'dist/stall.js': 'await new Promise(() => {});\n',
    });

    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('./dist/stall.js: its import never settles');
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('exits 1 after the import timeout when a timer keeps the process alive (flag and environment)', () => {
    const pkg = writePackage({
      'dist/index.js': plugin,
      'dist/stall.js': 'setInterval(() => {}, 1000);\nawait new Promise(() => {});\n',
    });

    const flag = runPlux(['discover', '--import-timeout', '300'], { cwd: pkg });
    const env = runPlux(['discover'], { cwd: pkg, env: { PLUX_IMPORT_TIMEOUT: '300' } });

    for (const run of [flag, env]) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('./dist/stall.js: its import did not settle within 300 ms');
    }
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('refuses an import timeout that is not a positive whole number of milliseconds', () => {
    const pkg = writePackage({ 'dist/index.js': plugin });

    const flag = runPlux(['discover', '--import-timeout', '1.5s'], { cwd: pkg });
    const env = runPlux(['discover'], { cwd: pkg, env: { PLUX_IMPORT_TIMEOUT: 'soon' } });

    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('--import-timeout needs a positive whole number of milliseconds, got 1.5s');
    expect(env.status).toBe(1);
    expect(env.stderr).toContain(
      'PLUX_IMPORT_TIMEOUT must be a positive whole number of milliseconds, got "soon"',
    );
  });
});

describe('plux discover --output - on a module that prints', () => {
  it('writes only the index to stdout; what the module prints, now or later, goes to stderr', () => {
    const pkg = writePackage({
      'dist/index.js': plugin,
      'dist/noisy.js':
        "console.log('noise from console.log');\nprocess.stdout.write('noise from stdout.write\\n');\n" +
        "setTimeout(() => console.log('late noise'), 20);\nawait new Promise((r) => setTimeout(r, 50));\n",
    });

    const run = runPlux(['discover', '--output', '-'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      formatVersion: 1,
      plugins: { 'acme.t': { a: { export: 'a', module: './dist/index.js' } } },
    });
    expect(run.stderr).toContain('noise from console.log');
    expect(run.stderr).toContain('noise from stdout.write');
    expect(run.stderr).toContain('late noise');
  });
});

describe('plux with a reader that closes stdout early', () => {
  const count = 2500;
  let pkg: string;

  beforeAll(() => {
    const lines = [`import { Plugin, PluginSpec } from '@plux/core';`, 'class P extends Plugin {}'];
    for (let i = 0; i < count; i++)
      lines.push(`export const p${i} = new PluginSpec('acme.many', 'plugin-${i}', P);`);
    pkg = writePackage({ 'dist/index.js': `${lines.join('\n')}\n` }, { plux: './plux.json' });
    const run = runPlux(['discover'], { cwd: pkg });
    expect(run.status).toBe(0);
  }, 120_000);

  /** Runs `plux <args> | head -c 100` in bash and returns plux's own exit status and stderr. */
  function pipeToHead(args: string[]) {
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const script = `node '${PLUX_BIN}' ${quoted} 2>"$ERR" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const errFile = join(pkg, 'stderr.txt');
    const run = spawnSync('bash', ['-c', script], {
      cwd: pkg,
      env: { ...process.env, ERR: errFile, NO_COLOR: '1', PLUX_LOG: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: Number(run.stdout.trim()), stderr: readFileSync(errFile, 'utf8') };
  }

  it.each([
    [['list']],
    [['list', '--json']],
    [['resolve', '--namespace', 'acme.many']],
    [['discover', '--output', '-']],
  ])(
    'plux %j | head ends quietly with exit 0',
    (args) => {
      const run = pipeToHead(args);

      expect(run.stderr).not.toMatch(/EPIPE|Error|at /);
      expect(run.status).toBe(0);
    },
    60_000,
  );

  it('still writes the whole output when the reader reads it all', () => {
    const run = runPlux(['list', '--json'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(count);
  });
});

describe('plux messages and tables that echo hostile values', () => {
  it('escapes a terminal escape in a package name, in both the diagnostics and the table', () => {
    const pkg = writePackage(
      {
        'dist/index.js': plugin,
        'plux.json': JSON.stringify({
          formatVersion: 1,
          plugins: {
            'acme.t': {
              a: { module: './dist/index.js', export: 'a' },
              b: { module: '../outside\u009b31m.js', export: 'b' },
            },
          },
        }),
      },
      { name: 'evil\u001b[2J', plux: './plux.json' },
    );

    const run = runPlux(['list'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('evil\\u001b[2J@1.0.0');
    expect(run.stderr).toContain('\\u009b31m');
    // eslint-disable-next-line no-control-regex
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/[\u001b\u009b]/);
  });
});
