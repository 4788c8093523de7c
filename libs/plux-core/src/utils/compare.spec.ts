import { describe, expect, it } from 'vitest';

import { compareStrings } from './compare.js';

describe('compareStrings', () => {
  it('orders by UTF-16 code units, not by locale', () => {
    expect(['b', 'a', 'B', 'é', 'e', 'Z'].sort(compareStrings)).toEqual(['B', 'Z', 'a', 'b', 'e', 'é']);
  });

  it('is 0 for equal strings and antisymmetric otherwise', () => {
    expect(compareStrings('x', 'x')).toBe(0);
    expect(compareStrings('a', 'ab')).toBe(-1);
    expect(compareStrings('ab', 'a')).toBe(1);
  });
});
