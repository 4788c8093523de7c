import { describe, expect, it } from 'vitest';
import { thrownText } from './thrown-text';

describe('thrownText', () => {
  it("gives an Error's message, without its name", () => {
    expect(thrownText(new TypeError('controlled import failure'))).toBe('controlled import failure');
  });

  it("does not double a system error's code, which Node's message already starts with", () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/repo/dist/x.js'"), {
      code: 'EACCES',
    });

    expect(thrownText(eacces)).toBe("EACCES: permission denied, open '/repo/dist/x.js'");
  });

  it('names an Error without a message by its name', () => {
    expect(thrownText(new RangeError())).toBe('RangeError');
  });

  it('describes a thrown non-Error, never as [object Object]', () => {
    expect(thrownText({ code: 42 })).toBe('{"code":42} (thrown, not an Error)');
    expect(thrownText(undefined)).toBe('undefined (thrown, not an Error)');
    expect(thrownText(10n)).toBe('10 (thrown, not an Error)');
    expect(thrownText('plain string')).toBe('plain string');
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(thrownText(cycle)).toBe('Object that JSON cannot show (thrown, not an Error)');
  });

  it('keeps a multi-line message on one line, its control characters escaped', () => {
    expect(thrownText(new Error('first\nsecond\r\n\tthird \u001b[31mred'))).toBe(
      'first\\nsecond\\r\\n\\tthird \\u001b[31mred',
    );
  });

  it('cuts a very long message', () => {
    const text = thrownText(new Error('x'.repeat(5000)));

    expect(text).toHaveLength(1001);
    expect(text.endsWith('…')).toBe(true);
    expect(thrownText({ long: 'y'.repeat(5000) })).toMatch(/^\{"long":"y+… \(thrown, not an Error\)$/);
  });
});
