import { describe, expect, it } from 'vitest';

import { errorText } from './errors.js';

describe('errorText', () => {
  it("names an Error's class before its message", () => {
    expect(errorText(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(errorText(new Error(''))).toBe('Error: ');
  });

  it('keeps a message that already starts with a code as it is', () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' });
    expect(errorText(error)).toBe("Error: EACCES: permission denied, open '/x'");
  });

  it('leaves line breaks and escapes alone: the caller decides how to print them', () => {
    expect(errorText(new Error('a\nb\u001b[31m'))).toBe('Error: a\nb\u001b[31m');
  });

  it('gives the string form of a value that is not an Error', () => {
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText({ code: 42 })).toBe('[object Object]');
  });
});
