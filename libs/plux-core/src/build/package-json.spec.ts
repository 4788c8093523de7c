import { describe, expect, it } from 'vitest';

import { builtEntryOf } from './package-json.js';

describe('builtEntryOf', () => {
  it('takes the import condition of exports["."] in the order of the map, skipping types', () => {
    expect(
      builtEntryOf({ exports: { '.': { types: './d.ts', import: './esm/i.js', require: './cjs/i.cjs' } } }),
    ).toBe('./esm/i.js');
    expect(builtEntryOf({ exports: { '.': { default: './lib/i.js', node: './node/i.js' } } })).toBe(
      './lib/i.js',
    );
  });

  it('understands a string, a top-level condition map, nested conditions and fallback arrays', () => {
    expect(builtEntryOf({ exports: './dist/index.js' })).toBe('./dist/index.js');
    expect(builtEntryOf({ exports: { import: './dist/index.mjs' } })).toBe('./dist/index.mjs');
    expect(builtEntryOf({ exports: { '.': { node: { import: './dist/node.js' } } } })).toBe('./dist/node.js');
    expect(builtEntryOf({ exports: { '.': [{ worker: './w.js' }, './dist/index.js'] } })).toBe(
      './dist/index.js',
    );
  });

  it('falls back to require, then to main', () => {
    expect(builtEntryOf({ exports: { '.': { require: './cjs/index.cjs' } } })).toBe('./cjs/index.cjs');
    expect(builtEntryOf({ exports: { './sub': './sub.js' }, main: './lib/main.js' })).toBe('./lib/main.js');
    expect(builtEntryOf({ main: './lib/main.js' })).toBe('./lib/main.js');
    expect(builtEntryOf({})).toBeUndefined();
  });
});
