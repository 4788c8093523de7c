/**
 * Identity across copies of `@plux/core` (DESIGN.md: two versions installed side by side). The tests use the
 * source; the built `dist/` is a second copy of the module, with its own classes. Plugins, specs, function plugins
 * and errors made by that copy must be recognised by this one, and the other way round.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import {
  isFunctionPlugin,
  isPluginClass,
  isPluginSpec,
  PluginDisabled,
  PluginException,
  PluginManager,
  PluginNotFound,
  type EntryPoint,
  type FunctionPlugin,
} from '../../src/index.js';
import { CORE_DIST_PATH } from '../support/core.js';
import { StaticPluginFinder } from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs } from '../support/temp.js';

const NS = 'test.brands';

let other: typeof core;
let root: string;

beforeAll(async () => {
  if (!fs.existsSync(CORE_DIST_PATH)) {
    throw new Error(
      `the second copy of @plux/core is missing: ${CORE_DIST_PATH}; run \`npm run build -w @plux/core\` first`,
    );
  }
  other = (await import(pathToFileURL(CORE_DIST_PATH).href)) as typeof core;
  // a package whose plugins were built against the other copy
  root = writePackage(
    {
      'plugins.js': [
        `import { Plugin, PluginSpec, plugin } from ${JSON.stringify(pathToFileURL(CORE_DIST_PATH).href)};`,
        `export class OtherCopyPlugin extends Plugin {`,
        `  static namespace = ${JSON.stringify(NS)};`,
        `  static pluginName = 'class';`,
        `  load(...args) { this.loaded = args; return 'class loaded'; }`,
        `}`,
        `class Helper extends Plugin {}`,
        `export const spec = new PluginSpec(${JSON.stringify(NS)}, 'spec', () => new Helper());`,
        `export const fn = plugin({ namespace: ${JSON.stringify(NS)} }, function fn(x) { return 'fn ' + x; });`,
        `export class ShouldNotLoad extends Plugin {`,
        `  static namespace = ${JSON.stringify(NS)};`,
        `  static pluginName = 'off';`,
        `  shouldLoad() { return false; }`,
        `}`,
      ].join('\n'),
    },
    { name: '@plux-port/other-copy', version: '2.0.0', type: 'module' },
  );
});
afterAll(removeTempDirs);

function entry(name: string, exportName: string): EntryPoint {
  return entryPointOf(root, { namespace: NS, name, module: './plugins.js', export: exportName });
}

describe('brands across two copies of @plux/core', () => {
  it('the two copies really are different modules', () => {
    expect(other.Plugin).not.toBe(core.Plugin);
    expect(other.PluginSpec).not.toBe(core.PluginSpec);
  });

  it('a Plugin class, a PluginSpec and a plugin() made by the other copy are recognised', () => {
    class OtherPlugin extends other.Plugin {}
    const spec = new other.PluginSpec(NS, 'x', OtherPlugin);
    const fn = other.plugin({ namespace: NS }, function fn() {});

    expect(isPluginClass(OtherPlugin)).toBe(true);
    expect(isPluginSpec(spec)).toBe(true);
    expect(isFunctionPlugin(fn)).toBe(true);
    // and the other way round
    expect(other.isPluginClass(class extends core.Plugin {})).toBe(true);
    expect(other.isPluginSpec(new core.PluginSpec(NS, 'y', OtherPlugin))).toBe(true);
    // and nothing else is
    expect(isPluginSpec({ namespace: NS, name: 'x', factory: OtherPlugin })).toBe(false);
    expect(isPluginClass(class NotAPlugin {})).toBe(false);
  });

  it.each([
    ['class', 'OtherCopyPlugin'],
    ['spec', 'spec'],
    ['fn', 'fn'],
  ])(
    'the manager loads the %s plugin of a package built against the other copy',
    async (name, exportName) => {
      const manager = new PluginManager(NS, {
        finder: new StaticPluginFinder([entry(name, exportName)]),
        loadArgs: [7],
      });

      const plugin = await manager.load(name);

      expect(manager.isLoaded(name)).toBe(true);
      expect(plugin).toBeInstanceOf(other.Plugin);
      if (name === 'class') expect(manager.getContainer(name).loadValue).toBe('class loaded');
      if (name === 'fn') {
        expect(plugin).toBeInstanceOf(other.FunctionPlugin);
        expect((plugin as FunctionPlugin).call(1)).toBe('fn 1');
      }
    },
  );

  it('a spec made by the other copy and handed over by a finder is taken as a spec', async () => {
    class OtherPlugin extends other.Plugin {}
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new other.PluginSpec(NS, 'direct', OtherPlugin) as core.PluginSpec]),
    });

    await expect(manager.load('direct')).resolves.toBeInstanceOf(OtherPlugin);
  });

  it('a plugin of the other copy whose shouldLoad() is false is disabled', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([entry('off', 'ShouldNotLoad')]),
    });

    const error = await manager.load('off').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect(error).toBeInstanceOf(other.PluginDisabled);
  });

  it('errors of the other copy pass instanceof of this copy, by kind', () => {
    const disabled = new other.PluginDisabled(NS, 'x', 'because');
    expect(disabled).toBeInstanceOf(PluginDisabled);
    expect(disabled).toBeInstanceOf(PluginException);
    expect(disabled).not.toBeInstanceOf(PluginNotFound);
    expect(new other.PluginNotFound('gone', NS, 'x')).toBeInstanceOf(PluginNotFound);
    expect(new other.PluginException('boom')).not.toBeInstanceOf(PluginDisabled);
    expect(new PluginDisabled(NS, 'x')).toBeInstanceOf(other.PluginDisabled);
    expect(new Error('plain')).not.toBeInstanceOf(PluginException);
  });

  it('a PluginDisabled of the other copy thrown by a listener disables the plugin', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([entry('spec', 'spec')]),
      listeners: {
        onInitAfter(spec) {
          throw new other.PluginDisabled(spec.namespace, spec.name, 'vetoed by the other copy');
        },
      },
    });

    const error = await manager.load('spec').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect(manager.getContainer('spec').disabledReason).toBe('vetoed by the other copy');
    await expect(manager.load('spec')).rejects.toThrow('vetoed by the other copy');
  });

  it('a PluginException of the other copy thrown by a listener fails the stage (it is not swallowed)', async () => {
    const failure = new other.PluginException('refused by the other copy');
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([entry('spec', 'spec')]),
      listeners: {
        onLoadBefore() {
          throw failure;
        },
      },
    });

    await expect(manager.load('spec')).rejects.toBe(failure);
    expect(manager.getContainer('spec').loadError).toBe(failure);
  });
});
