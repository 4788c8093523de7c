/**
 * Typed namespaces end to end: `plux discover` (the real binary) indexes a workspace package and an installed one,
 * `plux types` generates the PluginRegistry augmentation from those indexes, and tsc compiles a consumer against
 * it, with `@ts-expect-error` on the wrong namespace and plugin names. Needs the built CLI and declarations
 * (`npm run build -w @plux/core`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runPlux } from './support/cli.js';
import { FIXTURES } from './support/core.js';
import { copyFixture, linkPackage } from './support/packages.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
const ESLINT = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');

let workspace: string;
let app: string;
let registryFile: string;

function tsc(project: string) {
  const run = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8', timeout: 180_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
  workspace = copyFixture('typed-workspace');
  const installed = join(workspace, 'node_modules', 'typed-installed');
  cpSync(join(FIXTURES, 'typed-installed-package'), installed, { recursive: true });
  linkPackage(workspace, '@typed/services', join(workspace, 'packages', 'services'));
  linkPackage(workspace, '@typed/app', join(workspace, 'packages', 'app'));
  // @plux/core's declarations name Node's modules, as they do in any Node project
  linkPackage(workspace, '@types/node', dirname(require.resolve('@types/node/package.json')));
  app = join(workspace, 'packages', 'app');
  registryFile = join(app, 'src', 'plux-registry.d.ts');
  for (const dir of [join(workspace, 'packages', 'services'), installed]) {
    const discover = runPlux(['discover', '--path', 'dist'], { cwd: dir });
    expect(discover.status, discover.stderr).toBe(0);
  }
}, 120_000);
afterAll(removeTempDirs);

/** A package of its own, outside the workspace, that sees no plugin. */
function emptyPackage(): string {
  const dir = makeTempDir('plux-types-none-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lonely', version: '1.0.0' }));
  return dir;
}

describe('plux types', () => {
  it('writes the registry of every visible plugin, with type-only imports through the packages’ exports', () => {
    const run = runPlux(['types'], { cwd: app });

    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('wrote src/plux-registry.d.ts (5 plugin(s))');
    const text = readFileSync(registryFile, 'utf8');
    // one entry is typed as Plugin: both names are imported
    expect(text).toContain(`\nimport type { InferPlugin, Plugin } from '@plux/core';\n`);
    // through the root entry's barrel; through an "exports" subpath; by path in a package without "exports"
    expect(text).toContain(`"s3": InferPlugin<typeof import("@typed/services")["S3Plugin"]>;`);
    expect(text).toContain(`"hello": InferPlugin<typeof import("@typed/services/cli")["hello"]>;`);
    expect(text).toContain(
      `"dynamodb": InferPlugin<typeof import("typed-installed/dist/dynamo.js")["dynamodb"]>;`,
    );
    // a module no entry of the exports map leads to: said so, typed as Plugin
    expect(text).toContain(`"audit": Plugin;`);
    expect(text).toMatch(
      /\/\/ @typed\/services:\.\/dist\/internal\.js#AuditPlugin: no entry of the "exports" map/,
    );
    expect(run.stderr).toContain('acme.services:audit (@typed/services@1.0.0) is typed as Plugin');
    // sorted by namespace, then name
    const keys = [...text.matchAll(/^ {4,6}"([^"]+)":/gm)].map((m) => m[1]);
    expect(keys).toEqual(['acme.cli', 'hello', 'acme.services', 'audit', 'dynamodb', 's3', 'sqs']);
  });

  it('is deterministic: a second run writes the same bytes, and --check passes', () => {
    const first = readFileSync(registryFile, 'utf8');
    const again = runPlux(['types', '--out', '-'], { cwd: app });
    expect(again.status).toBe(0);
    expect(again.stdout.replace('plux types --out -', 'plux types')).toBe(first);

    const check = runPlux(['types', '--check'], { cwd: app });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toContain('is up to date');
  });

  it('a consumer compiles against the generated registry, and each wrong name is a compile error', () => {
    const run = tsc(app);
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  }, 180_000);

  it('without the registry the same names compile, so the @ts-expect-error lines are what fails', () => {
    const saved = readFileSync(registryFile, 'utf8');
    rmSync(registryFile);
    try {
      const run = tsc(app);
      expect(run.status).not.toBe(0);
      // the expectations about names are unused now: the registry was what made them errors
      const source = readFileSync(join(app, 'src', 'app.ts'), 'utf8').split('\n');
      const lineOf = (text: string) => source.findIndex((l) => l.includes(text)) + 1;
      const unused = [...run.output.matchAll(/app\.ts\((\d+),\d+\): error TS2578: Unused/g)].map((m) =>
        Number(m[1]),
      );
      expect(unused).toEqual([lineOf('is called "nope"'), lineOf('is called "acme.servces"')]);
      // and load('s3') is a plain Plugin without it
      expect(run.output).toMatch(/Property 'bucketName' does not exist on type 'Plugin'/);
    } finally {
      writeFileSync(registryFile, saved);
    }
  }, 180_000);

  it('imports only the names it uses: no Plugin when every entry is typed, nothing when there is no plugin', () => {
    const index = join(workspace, 'packages', 'services', 'plux.json');
    const saved = readFileSync(index, 'utf8');
    const edited = JSON.parse(saved) as { plugins: Record<string, Record<string, unknown>> };
    delete edited.plugins['acme.services']!['audit'];
    writeFileSync(index, `${JSON.stringify(edited, null, 2)}\n`);
    let typed: string;
    try {
      const run = runPlux(['types', '--out', '-'], { cwd: app });
      expect(run.status, run.stderr).toBe(0);
      typed = run.stdout;
    } finally {
      writeFileSync(index, saved);
    }
    expect(typed).toContain(`\nimport type { InferPlugin } from '@plux/core';\n`);
    expect(typed).not.toMatch(/\bPlugin\b/);
    expect(typed).toContain(`"s3": InferPlugin<typeof import("@typed/services")["S3Plugin"]>;`);

    const none = runPlux(['types', '--out', '-'], { cwd: emptyPackage() });
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).not.toContain('import');
    expect(none.stdout).not.toContain('declare module');
    expect(none.stdout).toMatch(/^export \{\};$/m);
  });

  it("passes a project's lint and format check as generated, whatever the Prettier options", async () => {
    const none = runPlux(['types', '--out', '-'], { cwd: emptyPackage() }).stdout;
    const files = { 'typed.d.ts': readFileSync(registryFile, 'utf8'), 'none.d.ts': none };
    // @nx/eslint-plugin's flat TypeScript config builds on these, and ESLint reports an unused disable directive
    const project = makeTempDir('plux-types-lint-');
    const url = (name: string) => JSON.stringify(pathToFileURL(require.resolve(name)).href);
    writeFileSync(
      join(project, 'eslint.config.mjs'),
      `import js from ${url('@eslint/js')};\nimport tseslint from ${url('typescript-eslint')};\n` +
        'export default [js.configs.recommended, ...tseslint.configs.recommended];\n',
    );
    for (const [name, text] of Object.entries(files)) writeFileSync(join(project, name), text);
    const eslint = spawnSync(
      process.execPath,
      [ESLINT, '--max-warnings=0', '--config', 'eslint.config.mjs', ...Object.keys(files)],
      { cwd: project, encoding: 'utf8', timeout: 120_000 },
    );
    expect(eslint.status, `${eslint.stdout}${eslint.stderr}`).toBe(0);

    const prettier = await import('prettier');
    // Prettier's defaults, the .prettierrc Nx generates, and options that would change every line
    const styles = [
      {},
      { singleQuote: true },
      { useTabs: true, printWidth: 40, quoteProps: 'consistent' as const },
    ];
    for (const [name, text] of Object.entries(files)) {
      for (const style of styles) {
        expect(
          await prettier.check(text, { parser: 'typescript', ...style }),
          `${name} ${JSON.stringify(style)}`,
        ).toBe(true);
      }
    }
  }, 120_000);

  it('--check exits 1 naming the change when an index changed, and exits 2 with --out -', () => {
    const index = join(workspace, 'packages', 'services', 'plux.json');
    const saved = readFileSync(index, 'utf8');
    const edited = JSON.parse(saved) as { plugins: Record<string, Record<string, unknown>> };
    delete edited.plugins['acme.services']!['sqs'];
    writeFileSync(index, `${JSON.stringify(edited, null, 2)}\n`);
    try {
      const stale = runPlux(['types', '--check'], { cwd: app });
      expect(stale.status).toBe(1);
      expect(stale.stderr).toMatch(/src\/plux-registry\.d\.ts is stale: .*"sqs"/);
      expect(stale.stderr).toContain("run 'plux types' to regenerate it");
    } finally {
      writeFileSync(index, saved);
    }
    const usage = runPlux(['types', '--check', '--out', '-'], { cwd: app });
    expect(usage.status).toBe(2);
  });
});
