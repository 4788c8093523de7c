import { describe, expect, it } from 'vitest';

import type { EntryPoint } from '../core/entry-point.js';
import { PluginSpec, Plugin } from '../core/plugin.js';
import { findDisabledRule } from './disabled.js';
import { createMatchingPluginFilter, globToRegExp } from './filter.js';

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
});
