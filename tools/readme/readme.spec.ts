/**
 * The README's worked example is code a new user copies: compile it (strict TypeScript, against the built
 * @plux/core), index the package with the real `plux discover --update-package`, and run the application, so the
 * README cannot drift from the API.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORE = join(REPO, 'libs/plux-core');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/** The TypeScript blocks of the README's "A worked example" section, in order. */
function workedExample(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## A worked example'),
    readme.indexOf('## Lifecycle and errors'),
  );
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function writePackage(dir: string, packageJson: object, source: Record<string, string>): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'ES2022',
        strict: true,
        noImplicitOverride: true,
        declaration: true,
        outDir: 'dist',
        rootDir: 'src',
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(REPO, 'node_modules/@types')],
      },
      include: ['src'],
    }),
  );
  for (const [file, text] of Object.entries(source)) writeFileSync(join(dir, 'src', file), text);
  mkdirSync(join(dir, 'node_modules/@plux'), { recursive: true });
  symlinkSync(CORE, join(dir, 'node_modules/@plux/core'));
}

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, PLUX_NO_CACHE: '1' } });

let tmp: string;
let services: string;
let app: string;
let appOutput: string;

beforeAll(() => {
  const [servicesSource, appSource] = workedExample();
  tmp = mkdtempSync(join(tmpdir(), 'plux-readme-'));
  services = join(tmp, 'services');
  app = join(tmp, 'app');
  writePackage(
    services,
    {
      name: '@acme/services',
      version: '1.2.0',
      type: 'module',
      exports: { '.': { types: './dist/services.d.ts', default: './dist/services.js' } },
      files: ['dist'],
    },
    { 'services.ts': servicesSource! },
  );
  run(process.execPath, [TSC, '-p', '.'], services);
  run(process.execPath, [join(CORE, 'bin/plux.js'), 'discover', '--update-package'], services);

  const result =
    "\nconsole.log('RESULT ' + JSON.stringify({ names: services.listNames(), s3: s3.handle('GET /'), " +
    "package: services.getContainer('s3').distribution?.name, hello: (await cli.load('hello')).call('world') }));\n";
  writePackage(
    app,
    { name: 'app', version: '0.0.0', type: 'module', private: true },
    { 'main.ts': appSource! + result },
  );
  mkdirSync(join(app, 'node_modules/@acme'), { recursive: true });
  symlinkSync(services, join(app, 'node_modules/@acme/services'));
  run(process.execPath, [TSC, '-p', '.'], app);
  appOutput = run(process.execPath, ['dist/main.js'], app);
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the README's worked example", () => {
  it('has both halves: the plugin package and the application', () => {
    expect(workedExample()).toHaveLength(2);
  });

  it('indexes the three plugins, and --update-package points package.json at the index', () => {
    const index = JSON.parse(readFileSync(join(services, 'plux.json'), 'utf8'));
    expect(index.plugins).toEqual({
      'acme.cli': { hello: { export: 'hello', module: './dist/services.js' } },
      'acme.services': {
        queue: { export: 'queue', module: './dist/services.js' },
        s3: { export: 'S3Plugin', module: './dist/services.js' },
      },
    });
    const pkg = JSON.parse(readFileSync(join(services, 'package.json'), 'utf8'));
    expect(pkg.plux).toBe('./plux.json');
    expect(pkg.files).toContain('plux.json');
  });

  it('runs the application with the results the comments promise', () => {
    const line = appOutput.split('\n').find((l) => l.startsWith('RESULT '));
    expect(JSON.parse(line!.slice('RESULT '.length))).toEqual({
      names: ['queue', 's3'],
      s3: 's3 GET /: default-eu-west-1',
      package: '@acme/services',
      hello: 'hello world',
    });
    expect(appOutput).toContain('loaded acme.services:s3');
    expect(appOutput).toContain('loaded acme.services:queue');
  });
});
