import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { runPlux } from '../../test/support/cli.js';
import { writePackage } from '../../test/support/packages.js';
import { removeTempDirs } from '../../test/support/temp.js';
import { parseIndex, serializeIndex, type IndexedPlugin } from '../core/plux-index.js';
import { loadIndexSchema, validateIndexSchema } from './index-schema.js';
import { runDiscover } from './run-discover.js';

afterAll(removeTempDirs);

const SCHEMA_FILE = join(__dirname, '../../plux.schema.json');
const ajv = new Ajv({ allErrors: true });
const ajvValidate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);

// --- generated indexes: valid and invalid parts mixed, as JSON.parse would give them (own "__proto__" keys) ---
const ASTRAL = '\u{1F600}';
const namespaceArb = fc.oneof(
  fc.constantFrom('acme.services', 'a', '__proto__', 'constructor', '', 'a:b', 'a b', 'a\tb', 'a\u00a0b'),
  fc.constantFrom('x\u0000', 'x\u007f', 'x\u001b[31m', 'a'.repeat(512), 'a'.repeat(513)),
  fc.constantFrom(ASTRAL.repeat(300), ASTRAL.repeat(512), ASTRAL.repeat(513)),
  fc.string({ maxLength: 6, unit: 'binary' }),
);
const nameArb = fc.oneof(namespaceArb, fc.constantFrom('s3:get', 'with space', 'toString'));
const moduleArb = fc.oneof(
  fc.constantFrom('./dist/a.js', 'dist/a.js', 'a.js', './dist/x/y.mjs', '', 'a\u0000b', '../a.js', '/abs.js'),
  fc.constantFrom(
    '\\abs.js',
    'C:\\a.js',
    'c:a.js',
    'http://x/a.js',
    'file:a.js',
    'node:fs',
    './a/../../b.js',
  ),
  fc.string({ maxLength: 8, unit: fc.constantFrom('.', '/', '\\', 'a', ':', 'C') }),
);
const withoutDotDot = (module: unknown) =>
  typeof module !== 'string' || !/(^|[/\\])\.\.([/\\]|$)/.test(module);
const exportArb = fc.oneof(
  fc.constantFrom('S3Plugin', 'default', 'x', '', '\u0000'),
  fc.constant(1),
  fc.constant(null),
);
const entryArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ module: moduleArb, export: exportArb }) },
  fc.record({ module: moduleArb, export: exportArb, extra: fc.boolean() }),
  fc.record({ module: moduleArb }),
  fc.record({ export: exportArb }),
  fc.constantFrom(null, 'x', 1, [] as unknown[]),
);
const objectOf = <T>(key: fc.Arbitrary<string>, value: fc.Arbitrary<T>) =>
  fc.array(fc.tuple(key, value), { maxLength: 4 }).map((pairs) => Object.fromEntries(pairs));
const pluginsArb = fc.oneof(
  {
    weight: 8,
    arbitrary: objectOf(
      namespaceArb,
      fc.oneof(
        { weight: 8, arbitrary: objectOf(nameArb, entryArb) },
        fc.constantFrom(null, 'x', [] as unknown[]),
      ),
    ),
  },
  fc.constantFrom(null, 'x', [] as unknown[]),
);
const indexArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record(
      {
        formatVersion: fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, fc.constantFrom(2, '1', 0, null)),
        plugins: pluginsArb,
        $schema: fc.constantFrom('./node_modules/@plux/core/plux.schema.json', 1),
        other: fc.constant('ignored'),
      },
      { requiredKeys: ['formatVersion', 'plugins'] },
    ),
  },
  fc.record({ plugins: pluginsArb }),
  fc.constantFrom(null, 'x', 1, [] as unknown[]),
);
const SEED = 20261205;

function modulesOf(index: unknown): unknown[] {
  const plugins = (index as { plugins?: unknown } | null)?.plugins;
  if (typeof plugins !== 'object' || plugins === null) return [];
  return Object.values(plugins).flatMap((entries) =>
    typeof entries === 'object' && entries !== null
      ? Object.values(entries).map((entry) => (entry as { module?: unknown } | null)?.module)
      : [],
  );
}

describe('plux.schema.json', () => {
  it('is the schema the validator loads, and a valid draft-07 schema', () => {
    expect(loadIndexSchema()).toEqual(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(ajv.validateSchema(loadIndexSchema() as object)).toBe(true);
  });

  it('is shipped in the package and exported as @plux/core/plux.schema.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(pkg.files).toContain('plux.schema.json');
    expect(pkg.exports['./plux.schema.json']).toBe('./plux.schema.json');
  });

  it('agrees with ajv on every generated index (fixed seed)', () => {
    fc.assert(
      fc.property(indexArb, (index) => {
        expect(validateIndexSchema(index).length === 0).toBe(ajvValidate(index));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("accepts exactly what the runtime's reader reads without a problem (fixed seed)", () => {
    let valid = 0;
    fc.assert(
      fc.property(indexArb, (index) => {
        const schemaValid = ajvValidate(index);
        const readerValid = parseIndex(index).problems.length === 0;
        if (schemaValid) valid++;
        // the schema is at least as strict as the reader: what it accepts, the runtime reads in full
        if (schemaValid) expect(readerValid).toBe(true);
        // and no stricter, except for `..` segments that stay inside the package (the reader tolerates them)
        if (modulesOf(index).every(withoutDotDot)) expect(schemaValid).toBe(readerValid);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(valid).toBeGreaterThan(100);
  });

  it('accepts every index discovery writes (fixed seed)', () => {
    /* eslint-disable no-control-regex -- the rules of the format name control characters */
    const pluginArb = fc.record({
      namespace: fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((s) => !/[:\s\u0000-\u001f\u007f]/.test(s)),
      name: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)),
      module: fc.constantFrom('./dist/a.js', './dist/sub/b.mjs', './lib/c.cjs'),
      export: fc.constantFrom('default', 'S3Plugin', 'hello'),
    });
    /* eslint-enable no-control-regex */
    fc.assert(
      fc.property(fc.array(pluginArb, { maxLength: 6 }), (plugins: IndexedPlugin[]) => {
        const index = JSON.parse(serializeIndex(plugins)) as unknown;
        expect(validateIndexSchema(index)).toEqual([]);
        expect(ajvValidate(index)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('names the place and the rule of each problem', () => {
    const problems = validateIndexSchema({
      formatVersion: 1,
      plugins: {
        'a:b': { x: { module: './a.js', export: 'x' } },
        acme: {
          s3: { module: 'https://example.com/a.js', export: '' },
          q: { module: './d/../q.js' },
        },
      },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^key \/plugins\/a:b: must match .*no ":", whitespace or control characters/),
      '/plugins/acme/s3/module: must not be a URL',
      '/plugins/acme/s3/export: must be at least 1 character',
      '/plugins/acme/q: must have "export"',
      '/plugins/acme/q/module: must not be a ".." segment',
    ]);
    expect(validateIndexSchema({ formatVersion: 2, plugins: {} })).toEqual(['/formatVersion: must be 1']);
    expect(validateIndexSchema([])).toEqual(['/: must be an object']);
  });
});

describe('runDiscover with check', () => {
  const S3_MODULE = `import { Plugin } from '@plux/core';
export class S3Plugin extends Plugin {
  static namespace = 'acme.services';
  static pluginName = 's3';
}
`;

  it('reports how the index on disk breaks the schema', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE }, { plux: './plux.json' });
    writeFileSync(
      join(root, 'plux.json'),
      JSON.stringify({
        formatVersion: 1,
        plugins: { 'acme.services': { s3: { module: '/etc/x.js', export: 'S3Plugin' } } },
      }),
    );
    const run = await runDiscover({ root, check: true });
    expect(run.stale).toBe(true);
    expect(run.schemaProblems).toEqual(['/plugins/acme.services/s3/module: must not be an absolute path']);

    writeFileSync(join(root, 'plux.json'), '{ "formatVersion": 1, ');
    expect((await runDiscover({ root, check: true })).schemaProblems).toEqual([
      expect.stringMatching(/^not JSON: /),
    ]);
  });

  it('reports no problem for an index discovery wrote, nor without check', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE }, { plux: './plux.json' });
    expect((await runDiscover({ root })).schemaProblems).toEqual([]);
    const check = await runDiscover({ root, check: true });
    expect(check).toMatchObject({ stale: false, schemaProblems: [] });
  });

  it('plux discover --check names each problem, with the fix, exit 1 (the built CLI)', () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE }, { plux: './plux.json' });
    writeFileSync(
      join(root, 'plux.json'),
      JSON.stringify({
        formatVersion: 1,
        plugins: { 'acme.services': { s3: { module: './dist/index.js' } } },
      }),
    );
    const run = runPlux(['discover', '--check'], { cwd: root });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('plux.json is stale');
    expect(run.stderr).toContain('breaks plux.schema.json: /plugins/acme.services/s3: must have "export"');
    expect(run.stderr).toContain("Run 'plux discover'");
  });
});
