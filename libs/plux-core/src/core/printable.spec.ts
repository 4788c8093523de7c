import { describe, expect, it } from 'vitest';

import { MAX_ECHOED_LENGTH, printable, quoted } from './printable.js';

describe('printable', () => {
  it('leaves printable text alone, Unicode included', () => {
    for (const text of ['acme.services:s3', 'tünnel 名前 🚀', '"quotes" and \\backslashes']) {
      expect(printable(text)).toBe(text);
    }
  });

  it('escapes C0, DEL, C1, bidirectional controls, separators and lone surrogates', () => {
    expect(printable('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(printable('\u001b[31mred')).toBe('\\u001b[31mred');
    expect(printable('x\u007fy\u0085z\u009b')).toBe('x\\u007fy\\u0085z\\u009b');
    expect(printable('\u202egnp.exe\u2066\u2069\u200e\u200f\u061c')).toBe(
      '\\u202egnp.exe\\u2066\\u2069\\u200e\\u200f\\u061c',
    );
    expect(printable('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(printable('lone \ud800 half')).toBe('lone \\ud800 half');
  });

  it('cuts a long value with an ellipsis, never inside a surrogate pair', () => {
    const cut = printable('x'.repeat(5000));
    expect(cut).toBe(`${'x'.repeat(MAX_ECHOED_LENGTH)}…`);
    const emoji = printable(`${'x'.repeat(MAX_ECHOED_LENGTH - 1)}🚀tail`);
    expect(emoji).toBe(`${'x'.repeat(MAX_ECHOED_LENGTH - 1)}…`);
  });

  it('quotes only what it had to change', () => {
    expect(quoted('plain')).toBe('plain');
    expect(quoted('a"\u0085')).toBe('"a\\"\\u0085"');
  });
});
