import { describe, expect, it } from 'vitest';

import { builtEntryOf, editPackageJsonText } from './package-json.js';

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

describe('editPackageJsonText', () => {
  it('changes only the plux field and the files entry, keeping numbers JSON.parse would round, key order and CRLF', () => {
    const text =
      '{\r\n  "name": "x",\r\n  "2": "b",\r\n  "1": "a",\r\n  "big": 12345678901234567890,\r\n' +
      '  "huge": 1e400,\r\n  "files": ["dist", "bin"]\r\n}\r\n';

    expect(editPackageJsonText(text, { plux: './plux.json', appendToFiles: 'plux.json' })).toBe(
      '{\r\n  "name": "x",\r\n  "2": "b",\r\n  "1": "a",\r\n  "big": 12345678901234567890,\r\n' +
        '  "huge": 1e400,\r\n  "files": ["dist", "bin", "plux.json"],\r\n  "plux": "./plux.json"\r\n}\r\n',
    );
  });

  it('replaces an existing plux value in place and appends to a one-item-per-line files list in its layout', () => {
    const text = '{\n\t"plux": "./old.json",\n\t"files": [\n\t\t"dist"\n\t],\n\t"x": 1\n}';

    expect(editPackageJsonText(text, { plux: './plux.json', appendToFiles: 'plux.json' })).toBe(
      '{\n\t"plux": "./plux.json",\n\t"files": [\n\t\t"dist",\n\t\t"plux.json"\n\t],\n\t"x": 1\n}',
    );
  });

  it('keeps a byte order mark and fills an empty files list', () => {
    const text = '\ufeff{\n    "name": "x",\n    "files": []\n}\n';

    expect(editPackageJsonText(text, { plux: './plux.json', appendToFiles: 'plux.json' })).toBe(
      '\ufeff{\n    "name": "x",\n    "files": ["plux.json"],\n    "plux": "./plux.json"\n}\n',
    );
  });

  it('returns the text unchanged when there is nothing to edit', () => {
    const text = '{ "name": "x", "n": 1.50 }';
    expect(editPackageJsonText(text, {})).toBe(text);
  });
});
