import { afterEach, describe, expect, it } from 'vitest';

import type { EntryPoint } from '../core/entry-point.js';
import { setLogSink } from '../core/log.js';
import { PluginSpec, Plugin } from '../core/plugin.js';
import { findDisabledRule } from './disabled.js';
import { createMatchingPluginFilter, globProblem, globToRegExp } from './filter.js';

afterEach(() => void setLogSink());

class Dummy extends Plugin {}
const spec = (ns: string, name: string) => new PluginSpec(ns, name, Dummy);
const entryPoint = (ns: string, name: string, value: string): EntryPoint => ({
  namespace: ns,
  name,
  module: '/x/dist/a.js',
  export: name,
  value,
});

describe('globToRegExp', () => {
  it('matches like fnmatch: * crosses dots, ? is one character, [..] and [!..] are classes', () => {
    expect(globToRegExp('acme.*').test('acme.services.sub')).toBe(true);
    expect(globToRegExp('s?').test('s3')).toBe(true);
    expect(globToRegExp('s?').test('s33')).toBe(false);
    expect(globToRegExp('[abc]x').test('bx')).toBe(true);
    expect(globToRegExp('[!abc]x').test('bx')).toBe(false);
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('says why a glob is unusable, without the regular expression it was translated to', () => {
    expect(globProblem('[a-z]*')).toBeUndefined();
    expect(globProblem('[z-a]')).toBe('Range out of order in character class');
  });
});

describe('createMatchingPluginFilter', () => {
  it('disables what any exclusion matches; fields of one exclusion are AND-ed', () => {
    const filter = createMatchingPluginFilter();
    filter.addExclusion({ namespace: 'acme.*', name: 'legacy-*' });
    expect(filter(spec('acme.services', 'legacy-s3'))).toBe(true);
    expect(filter(spec('acme.services', 's3'))).toBe(false);
    expect(filter(spec('other', 'legacy-s3'))).toBe(false);
  });

  it('matches value globs against entry points only', () => {
    const filter = createMatchingPluginFilter();
    filter.addExclusion({ value: '@acme/legacy:*' });
    expect(filter(entryPoint('ns', 'a', '@acme/legacy:./dist/a.js#a'))).toBe(true);
    expect(filter(entryPoint('ns', 'a', '@acme/new:./dist/a.js#a'))).toBe(false);
    expect(filter(spec('ns', 'a'))).toBe(false);
  });

  it('rejects an invalid glob when the exclusion is added, naming the field and the glob', () => {
    const filter = createMatchingPluginFilter();
    expect(() => filter.addExclusion({ namespace: 'ns', name: '[z-a]' })).toThrow(
      'invalid name glob "[z-a]" in an exclusion: Range out of order in character class',
    );
    expect(filter.exclusions).toEqual([]);
    expect(filter(spec('ns', 'z'))).toBe(false);
  });

  it('is cleared by emptying its exclusions array', () => {
    const filter = createMatchingPluginFilter();
    filter.addExclusion({ name: '*' });
    expect(filter(spec('ns', 'a'))).toBe(true);
    filter.exclusions.length = 0;
    expect(filter(spec('ns', 'a'))).toBe(false);
  });
});

describe('PLUX_DISABLED rules', () => {
  it('names the rule that matched, and a rule without ":" covers a whole namespace', () => {
    const env = { PLUX_DISABLED: ' acme.services:legacy-*, acme.old ,' };
    expect(findDisabledRule('acme.services', 'legacy-s3', env)?.rule).toBe('acme.services:legacy-*');
    expect(findDisabledRule('acme.services', 's3', env)).toBeUndefined();
    expect(findDisabledRule('acme.old', 'anything', env)?.rule).toBe('acme.old');
    expect(findDisabledRule('acme.old.sub', 'x', env)).toBeUndefined();
  });

  it('reports a rule that is not a valid glob once, naming it and why, and still applies the others', () => {
    const warnings: string[] = [];
    setLogSink((level, message) => void (level === 'warn' && warnings.push(message)));
    const env = { PLUX_DISABLED: '[z-a],acme.old,acme.services:[9-0]x' };
    expect(findDisabledRule('z', 'x', env)).toBeUndefined();
    expect(findDisabledRule('acme.old', 'anything', env)?.rule).toBe('acme.old');
    expect(findDisabledRule('acme.services', '5x', env)).toBeUndefined();
    // read again with the variable changed and changed back: still one warning per bad rule
    findDisabledRule('a', 'b', { PLUX_DISABLED: '' });
    expect(findDisabledRule('acme.old', 'anything', env)?.rule).toBe('acme.old');
    expect(warnings).toEqual([
      'PLUX_DISABLED rule "[z-a]" is not a valid glob (Range out of order in character class); it is ignored, ' +
        'the other rules still apply',
      'PLUX_DISABLED rule "acme.services:[9-0]x" is not a valid glob (Range out of order in character class); it ' +
        'is ignored, the other rules still apply',
    ]);
  });
});
