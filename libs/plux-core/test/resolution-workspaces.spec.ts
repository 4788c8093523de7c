import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { EntryPoint } from '../src/core/entry-point.js';
import { setLogSink } from '../src/core/log.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { resolveDistribution } from '../src/runtime/metadata.js';
import { copyFixture } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

let warnings: string[];
beforeEach(() => {
  warnings = [];
  setLogSink((level, message) => {
    if (level === 'warn') warnings.push(message);
  });
});
afterEach(() => setLogSink());
afterAll(removeTempDirs);

/** `namespace:name → where it comes from`, relative to the fixture root. */
function summary(entryPoints: EntryPoint[], root: string) {
  return Object.fromEntries(
    entryPoints.map((ep) => [
      `${ep.namespace}:${ep.name}`,
      `${ep.distribution!.name}@${ep.distribution!.version} ${ep.distribution!.root.slice(root.length + 1)}`,
    ]),
  );
}

describe('IndexPluginFinder in an npm workspace', () => {
  it('lists the plugins of workspace libs, plain, scoped, symlinked and nested installed packages', () => {
    const root = copyFixture('npm-workspace');
    const finder = new IndexPluginFinder({ cwd: root, cache: false });

    expect(summary(finder.listEntryPoints(), root)).toEqual({
      'acme.cli:deploy': '@acme/cli@0.3.0 libs/cli',
      'acme.extras:linked': 'linked-plugins@0.0.1 vendor/linked-plugins',
      'acme.extras:plain': 'plain-plugins@2.0.0 node_modules/plain-plugins',
      'acme.extras:scoped': '@scope/scoped-plugins@3.1.4 node_modules/@scope/scoped-plugins',
      'acme.extras:shared': 'plain-plugins@2.0.0 node_modules/plain-plugins',
      'acme.services:dynamodb': '@acme/services@1.2.0 libs/services',
      'acme.services:s3': '@acme/services@1.2.0 libs/services',
      'acme.services:sqs': 'nested-plugins@0.9.0 libs/services/node_modules/nested-plugins',
    });
    expect(finder.listProblems()).toEqual([]);
  });

  it('gives each entry point its absolute module, its value and its distribution', () => {
    const root = copyFixture('npm-workspace');
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    const [deploy] = finder.findPlugins('acme.cli');
    expect(deploy).toMatchObject({
      namespace: 'acme.cli',
      name: 'deploy',
      module: join(root, 'libs/cli/lib/deploy.js'),
      export: 'deploy',
      value: '@acme/cli:./lib/deploy.js#deploy',
    });
    expect(deploy!.distribution).toMatchObject({
      name: '@acme/cli',
      version: '0.3.0',
      root: join(root, 'libs/cli'),
      workspace: true,
    });
    expect(deploy!.distribution!.packageJson).toMatchObject({
      name: '@acme/cli',
      plux: { formatVersion: 1 },
    });

    const scoped = finder.findPlugins('acme.extras').find((ep) => ep.name === 'scoped')!;
    expect(scoped.distribution).toMatchObject({
      name: '@scope/scoped-plugins',
      version: '3.1.4',
      root: join(root, 'node_modules/@scope/scoped-plugins'),
      workspace: false,
    });
    // a package reached through a symlink has its real folder as root, and its module is the real file
    const linked = finder.findPlugins('acme.extras').find((ep) => ep.name === 'linked')!;
    expect(linked.distribution).toMatchObject({
      root: join(root, 'vendor/linked-plugins'),
      workspace: false,
    });
    expect(linked.module).toBe(join(root, 'vendor/linked-plugins/lib/index.js'));
  });

  it('sorts findPlugins by name and listEntryPoints by namespace, then name', () => {
    const root = copyFixture('npm-workspace');
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(finder.findPlugins('acme.services').map((ep) => ep.name)).toEqual(['dynamodb', 's3', 'sqs']);
    const keys = finder.listEntryPoints().map((ep) => [ep.namespace, ep.name]);
    expect(keys).toEqual([...keys].sort((a, b) => (a.join(':') < b.join(':') ? -1 : 1)));
    expect(finder.findPlugins('no.such.namespace')).toEqual([]);
  });

  it('sees the same workspace from inside a workspace package', () => {
    const root = copyFixture('npm-workspace');
    const fromLib = new IndexPluginFinder({ cwd: join(root, 'libs/cli/lib'), cache: false });
    expect(fromLib.findPlugins('acme.services').map((ep) => ep.distribution!.name)).toEqual([
      '@acme/services',
      '@acme/services',
      'nested-plugins',
    ]);
  });

  it('lets a workspace package win over root node_modules, and root node_modules over nested ones', () => {
    const root = copyFixture('npm-workspace');
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    const shadowed = finder
      .listShadowed()
      .map(({ winner, loser }) => `${winner.value} > ${loser.value}`)
      .sort();
    expect(shadowed).toEqual([
      '@acme/services:./lib/services.js#S3Plugin > plain-plugins:./lib/index.js#s3',
      'plain-plugins:./lib/index.js#shared > nested-plugins:./lib/index.js#shared',
    ]);
    // the losers are never listed
    expect(finder.findPlugins('acme.services').find((ep) => ep.name === 's3')!.value).toBe(
      '@acme/services:./lib/services.js#S3Plugin',
    );
  });

  it('warns once per clash, naming both packages with version and path', () => {
    const root = copyFixture('npm-workspace');
    new IndexPluginFinder({ cwd: root, cache: false }).listEntryPoints();
    const clash = warnings.filter((w) => w.includes('also declared by'));
    expect(clash).toHaveLength(2);
    expect(clash).toContainEqual(
      expect.stringContaining(
        `plain-plugins@2.0.0 (${join(root, 'node_modules/plain-plugins')}) declares acme.services:s3, ` +
          `also declared by @acme/services@1.2.0 (${join(root, 'libs/services')})`,
      ),
    );
    // a second finder over the same tree reports nothing new: each message once per process
    new IndexPluginFinder({ cwd: root, cache: false }).listEntryPoints();
    expect(warnings.filter((w) => w.includes('also declared by'))).toHaveLength(2);
  });

  it('breaks a tie within one tier by package name, whatever the folder names', () => {
    const root = copyFixture('npm-workspace');
    // "a-folder" sorts before "plain-plugins", but its package is named zeta-plugins: the name decides
    const zeta = join(root, 'node_modules/a-folder');
    mkdirSync(zeta);
    writeFileSync(join(zeta, 'index.js'), 'export const plain = {};\n');
    writeFileSync(
      join(zeta, 'package.json'),
      JSON.stringify({
        name: 'zeta-plugins',
        version: '1.0.0',
        plux: {
          formatVersion: 1,
          plugins: { 'acme.extras': { plain: { module: './index.js', export: 'plain' } } },
        },
      }),
    );
    // a second link to plain-plugins is the same real package: neither a clash nor listed twice
    symlinkSync(join(root, 'node_modules/plain-plugins'), join(root, 'node_modules/aaa-alias'), 'dir');

    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(finder.findPlugins('acme.extras').find((ep) => ep.name === 'plain')!.distribution!.name).toBe(
      'plain-plugins',
    );
    expect(
      finder
        .listShadowed()
        .map((s) => `${s.winner.distribution!.name} > ${s.loser.distribution!.name}`)
        .sort(),
    ).toEqual([
      '@acme/services > plain-plugins',
      'plain-plugins > nested-plugins',
      'plain-plugins > zeta-plugins',
    ]);
  });

  it('makes resolveDistribution of a module path the distribution of its entry point', () => {
    const root = copyFixture('npm-workspace');
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    const [deploy] = finder.findPlugins('acme.cli');
    expect(resolveDistribution(deploy!.module)).toBe(deploy!.distribution);
  });
});

describe('IndexPluginFinder in a pnpm workspace', () => {
  it('follows the top-level links into node_modules/.pnpm and also sees pnpm-hoisted packages', () => {
    const root = copyFixture('pnpm-workspace');
    const finder = new IndexPluginFinder({ cwd: join(root, 'packages/app'), cache: false });
    expect(summary(finder.listEntryPoints(), root)).toEqual({
      'demo.app:home': '@pnpm-demo/app@0.1.0 packages/app',
      'demo.pnpm:alpha':
        '@acme/pnpm-plugins@1.0.0 node_modules/.pnpm/@acme+pnpm-plugins@1.0.0/node_modules/@acme/pnpm-plugins',
      'demo.pnpm:hoisted':
        'hoisted-plugins@2.0.0 node_modules/.pnpm/hoisted-plugins@2.0.0/node_modules/hoisted-plugins',
    });
    const home = finder.findPlugins('demo.app')[0]!;
    expect(home.distribution).toMatchObject({ workspace: true, version: '0.1.0' });
    expect(finder.findPlugins('demo.pnpm')[0]!.distribution!.workspace).toBe(false);
  });

  it('counts a package linked from the root and from a workspace package once, without a clash', () => {
    const root = copyFixture('pnpm-workspace');
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(finder.listShadowed()).toEqual([]);
    expect(finder.listProblems()).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('IndexPluginFinder outside a workspace', () => {
  it('takes the nearest package root with node_modules as the root, its own plux field included', () => {
    const root = copyFixture('standalone');
    const finder = new IndexPluginFinder({ cwd: join(root, 'src/commands'), cache: false });
    expect(summary(finder.listEntryPoints(), root)).toEqual({
      'app.commands:bye': 'app-plugins@1.0.0 node_modules/app-plugins',
      'app.commands:hello': 'standalone-app@2.0.0 ',
    });
    expect(finder.findPlugins('app.commands')[1]!.distribution).toMatchObject({
      name: 'standalone-app',
      root,
      workspace: true,
    });
  });
});
