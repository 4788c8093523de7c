import { describe, expect, it } from 'vitest';

import { isRecord } from './records.js';

describe('isRecord', () => {
  it('is true for objects, including ones without a prototype', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord(JSON.parse('{"a":1}'))).toBe(true);
    expect(isRecord(Object.create(null))).toBe(true);
  });

  it('is false for null, arrays and primitives', () => {
    for (const value of [null, undefined, [], [1], 'x', 1, true]) expect(isRecord(value)).toBe(false);
  });
});
