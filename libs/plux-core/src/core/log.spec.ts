import { afterEach, describe, expect, it, vi } from 'vitest';

import { loggedErrorText, log, setLogSink, thrownText } from './log.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  setLogSink();
});

describe('the stderr sink', () => {
  it('keeps a multi-line message under its plux: line, its other lines indented', () => {
    const printed: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(line));
    setLogSink();
    log.warn('cannot import plugin ns:x: first line\nsecond line\r\nthird line');
    expect(printed).toEqual(['plux: cannot import plugin ns:x: first line\n  second line\n  third line']);
  });
});

describe('thrownText', () => {
  it("says an Error's message and a string as they are", () => {
    expect(thrownText(new TypeError('bad'))).toBe('bad');
    expect(thrownText('plain')).toBe('plain');
    expect(thrownText(new Error(''))).toBe('Error');
  });

  it('describes any other thrown value instead of printing [object Object]', () => {
    expect(thrownText({ code: 42, reason: 'nope' })).toBe(
      '{"code":42,"reason":"nope"} (thrown, not an Error)',
    );
    expect(thrownText(undefined)).toBe('undefined (thrown, not an Error)');
    expect(thrownText(Object.create(null))).toBe('{} (thrown, not an Error)');
    expect(thrownText(12n)).toBe('12 (thrown, not an Error)');
    const long = thrownText({ text: 'x'.repeat(1000) });
    expect(long.length).toBeLessThan(400);
    expect(long).not.toContain('[object Object]');
  });

  it('is what loggedErrorText says of a non-Error', () => {
    expect(loggedErrorText({ code: 42 })).toBe('{"code":42} (thrown, not an Error)');
  });
});
