import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  checkModulePath,
  checkName,
  checkNamespace,
  parseIndex,
  serializeIndex,
  type IndexedPlugin,
} from './plux-index.js';

const entry = (
  namespace: string,
  name: string,
  module = './dist/a.js',
  exportName = name,
): IndexedPlugin => ({
  namespace,
  name,
  module,
  export: exportName,
});

describe('serializeIndex', () => {
  it('sorts namespaces and names and ends with a newline, whatever the input order', () => {
    const a = serializeIndex([entry('b.ns', 'z'), entry('a.ns', 'y'), entry('b.ns', 'a')]);
    const b = serializeIndex([entry('b.ns', 'a'), entry('b.ns', 'z'), entry('a.ns', 'y')]);
    expect(a).toBe(b);
    expect(a.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(a).plugins)).toEqual(['a.ns', 'b.ns']);
    expect(Object.keys(JSON.parse(a).plugins['b.ns'])).toEqual(['a', 'z']);
    expect(JSON.parse(a).formatVersion).toBe(1);
  });

  it('keeps __proto__ and constructor as plain names without touching any prototype', () => {
    const text = serializeIndex([entry('__proto__', 'constructor'), entry('ns', '__proto__')]);
    const parsed = parseIndex(JSON.parse(text));
    expect(parsed.problems).toEqual([]);
    expect(parsed.plugins.map((p) => `${p.namespace}:${p.name}`).sort()).toEqual([
      '__proto__:constructor',
      'ns:__proto__',
    ]);
    expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
    expect(Object.prototype).not.toHaveProperty('module');
  });
});

describe('parseIndex', () => {
  it('reads what serializeIndex writes', () => {
    const plugins = [entry('acme.services', 's3', './dist/s3.js', 'S3Plugin'), entry('acme.cli', 'deploy')];
    const parsed = parseIndex(JSON.parse(serializeIndex(plugins)));
    expect(parsed.problems).toEqual([]);
    expect(parsed.plugins).toEqual(expect.arrayContaining(plugins));
    expect(parsed.plugins).toHaveLength(2);
  });

  it('rejects a whole index of another format version, saying which one it reads', () => {
    expect(parseIndex({ formatVersion: 2, plugins: {} }).problems).toEqual([
      'unsupported formatVersion 2 (this plux reads 1)',
    ]);
    expect(parseIndex([]).problems[0]).toMatch(/must be a JSON object, got an array/);
  });

  it('skips each bad entry with a reason and keeps every good one', () => {
    const parsed = parseIndex({
      formatVersion: 1,
      plugins: {
        good: { a: { module: './dist/a.js', export: 'a' } },
        'bad:ns': { b: { module: './dist/b.js', export: 'b' } },
        mixed: {
          up: { module: '../other/x.js', export: 'x' },
          abs: { module: '/etc/passwd.js', export: 'x' },
          url: { module: 'https://example.com/x.js', export: 'x' },
          noexport: { module: './dist/c.js' },
          fine: { module: 'dist/d.js', export: 'default' },
        },
        notobject: 'x',
      },
    });
    expect(parsed.plugins.map((p) => `${p.namespace}:${p.name}`)).toEqual(['good:a', 'mixed:fine']);
    expect(parsed.problems).toHaveLength(6);
    expect(parsed.problems.join('\n')).toMatch(
      /plugin mixed:up: module "..\/other\/x.js" leaves the package root/,
    );
    expect(parsed.problems.join('\n')).toMatch(/plugin mixed:abs: .* is an absolute path/);
    expect(parsed.problems.join('\n')).toMatch(/plugin mixed:url: .* is a URL/);
    expect(parsed.problems.join('\n')).toMatch(/namespace "bad:ns": a namespace must not contain ":"/);
  });

  it('never throws and never lists an entry whose module could leave the package (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', '__proto__', 'dist', 'a.js', 'C:', '\\'),
      fc.string(),
    );
    const modulePath = fc.array(segment, { maxLength: 6 }).map((parts) => parts.join('/'));
    const name = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'toString', ''),
      fc.string(),
      fc.string({ unit: 'grapheme' }),
    );
    const index = fc.record({
      formatVersion: fc.constantFrom(1, 1, 1, 2, '1'),
      plugins: fc.dictionary(name, fc.dictionary(name, fc.record({ module: modulePath, export: name }))),
    });
    fc.assert(
      fc.property(index, (raw) => {
        const { plugins } = parseIndex(JSON.parse(JSON.stringify(raw)));
        for (const p of plugins) {
          expect(checkModulePath(p.module)).toBeUndefined();
          expect(p.module.startsWith('/')).toBe(false);
        }
        expect(Object.prototype).not.toHaveProperty('module');
      }),
      // seeded: `npm test` checks the same inputs every run (tools/fuzz explores other seeds)
      { seed: Number(process.env['PLUX_FUZZ_SEED'] ?? 20_261_205), numRuns: 300 },
    );
  });
});

describe('parseIndex problems', () => {
  it('escape a rejected name that holds control characters, so a hostile index cannot drive the terminal', () => {
    const { plugins, problems } = parseIndex({
      formatVersion: 1,
      plugins: { ns: { 'evil\u001b[2J': { module: './a.js', export: 'a' } } },
    });
    expect(plugins).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('plugin ns:"evil\\u001b[2J"');
    expect(problems[0]).not.toContain('\u001b');
  });
});

describe('checkModulePath', () => {
  it.each([
    ['./dist/a.js', undefined],
    ['dist/../dist/a.js', undefined],
    ['./dist/../../a.js', /leaves the package root/],
    ['..', /leaves the package root/],
    ['/abs/a.js', /absolute path/],
    ['C:\\a.js', /absolute path/],
    ['file:///a.js', /is a URL/],
    ['node:fs', /is a URL/],
    ['', /must not be empty/],
  ])('%j', (path, expected) => {
    const problem = checkModulePath(path);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('checkName and checkNamespace on invisible and reordering characters', () => {
  const c1 = ['t\u0085nel', 'c1name\u009b31m', 'a\u0080', 'z\u009f'];
  const bidi = [
    '\u202eevil',
    'a\u202ab',
    'a\u202db',
    'a\u2066b',
    'a\u2069b',
    'a\u200eb',
    'a\u200fb',
    'a\u061cb',
  ];

  it.each(c1)('rejects the C1 control in %j', (value) => {
    expect(checkName(value)).toMatch(/must not contain control characters/);
    expect(checkNamespace(value)).toMatch(/must not contain control characters/);
  });

  it.each(bidi)('rejects the bidirectional control in %j', (value) => {
    expect(checkName(value)).toMatch(/bidirectional control characters/);
    expect(checkNamespace(value)).toMatch(/bidirectional control characters/);
  });

  it('accepts printable Unicode beyond ASCII', () => {
    for (const value of ['tünnel', '名前', 'emoji-🚀', 'ÿ', 'a\u00a0b']) {
      expect(checkName(value)).toBeUndefined();
    }
  });

  it('leaves such an entry out of an index with an escaped problem, keeping the valid ones', () => {
    const { plugins, problems } = parseIndex({
      formatVersion: 1,
      plugins: {
        ns: {
          'c1name\u009b31m': { module: './a.js', export: 'a' },
          '\u202eevil': { module: './a.js', export: 'b' },
          good: { module: './a.js', export: 'c' },
        },
        'ns\u0085': { x: { module: './a.js', export: 'd' } },
      },
    });

    expect(plugins.map((p) => p.name)).toEqual(['good']);
    expect(problems).toHaveLength(3);
    const text = problems.join('\n');
    expect(text).toContain('plugin ns:"c1name\\u009b31m"');
    expect(text).toContain('plugin ns:"\\u202eevil"');
    expect(text).toContain('namespace "ns\\u0085"');
    expect(text).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
  });

  it('cuts a long rejected value in a problem to a sane length', () => {
    const { problems } = parseIndex({
      formatVersion: 1,
      plugins: { ns: { [`${'x'.repeat(600)}`]: { module: './a.js', export: 'a' } } },
    });

    expect(problems[0]).toContain('…');
    expect(problems[0]!.length).toBeLessThan(320);
  });
});

describe('parseIndex on names at the edges of what checkName accepts', () => {
  // parseIndex accepts most names in one regular-expression test and sends the rest to checkName: the two must agree
  // on every character class boundary and on the length limit, counted in characters
  const edges = [
    '',
    'a',
    ' ',
    'a b',
    '\u001f',
    '\u0020',
    '\u007e',
    '\u007f',
    '\u009f',
    '\u00a0',
    '\u061b',
    '\u061c',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u2010',
    '\u2029',
    '\u202a',
    '\u202e',
    '\u202f',
    '\u2065',
    '\u2066',
    '\u2069',
    '\u206a',
    'x'.repeat(512),
    'x'.repeat(513),
    '🚀'.repeat(512), // 1,024 UTF-16 units, 512 characters
    '🚀'.repeat(513),
    '\ud800', // a lone surrogate
  ];

  it.each(edges.map((name) => [JSON.stringify(name).slice(0, 40), name]))(
    'lists %s exactly when checkName accepts it',
    (_, name) => {
      const { plugins, problems } = parseIndex({
        formatVersion: 1,
        plugins: { ns: { [name]: { module: './a.js', export: 'a' } } },
      });
      const accepted = checkName(name) === undefined;
      expect(plugins.map((p) => p.name)).toEqual(accepted ? [name] : []);
      expect(problems).toHaveLength(accepted ? 0 : 1);
    },
  );

  it('rejects a name over 512 characters and keeps one of exactly 512, astral or not', () => {
    expect(checkName('x'.repeat(512))).toBeUndefined();
    expect(checkName('🚀'.repeat(512))).toBeUndefined();
    expect(checkName('x'.repeat(513))).toMatch(/at most 512 characters/);
    expect(checkName('🚀'.repeat(513))).toMatch(/at most 512 characters/);
  });
});
