import { describe, expect, it } from 'vitest';

import { PLUGIN_CLASS } from './brand.js';
import { Plugin, PluginSpec, toPluginSpec } from './plugin.js';

class S3Plugin extends Plugin {
  static override namespace = 'acme.services';
  static override pluginName = 's3';
}
class OtherPlugin extends Plugin {}

describe('Plugin', () => {
  it('instanceof Plugin holds for a plugin whose class carries the brand of another copy of @plux/core', () => {
    // Another copy's base class: unrelated prototype chain, same registered brand.
    class ForeignBase {
      static readonly [PLUGIN_CLASS] = true;
    }
    class ForeignPlugin extends ForeignBase {}
    const foreign = new ForeignPlugin();
    expect(foreign).toBeInstanceOf(Plugin);
    expect(new S3Plugin()).toBeInstanceOf(Plugin);
    expect({}).not.toBeInstanceOf(Plugin);
    expect(null as unknown).not.toBeInstanceOf(Plugin);
  });

  it('keeps the usual instanceof for subclasses', () => {
    expect(new S3Plugin()).toBeInstanceOf(S3Plugin);
    expect(new OtherPlugin()).not.toBeInstanceOf(S3Plugin);
  });
});

describe('toPluginSpec', () => {
  it('turns a concrete class into a spec and leaves an abstract base out', () => {
    const spec = toPluginSpec(S3Plugin);
    expect(spec).toBeInstanceOf(PluginSpec);
    expect([spec?.namespace, spec?.name, spec?.factory]).toEqual(['acme.services', 's3', S3Plugin]);
    expect(toPluginSpec(OtherPlugin)).toBeUndefined();
    expect(toPluginSpec(42)).toBeUndefined();
  });
});
