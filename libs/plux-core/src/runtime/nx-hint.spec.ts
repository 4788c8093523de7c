import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { copyFixture } from '../../test/support/packages.js';
import { makeTempDir, removeTempDirs } from '../../test/support/temp.js';
import { IndexPluginFinder } from './finder.js';
import { nxDiscoverCommand } from './nx-hint.js';

afterAll(() => {
  removeTempDirs();
  removeTempDirs();
});

const json = (path: string, value: unknown) => writeFileSync(path, `${JSON.stringify(value)}\n`);

describe('nxDiscoverCommand', () => {
  it('names the inferred target of the package in an Nx workspace that registers @plux/nx', () => {
    const root = makeTempDir();
    json(join(root, 'nx.json'), { plugins: ['@nx/js/typescript', { plugin: '@plux/nx' }] });

    expect(nxDiscoverCommand(root, { name: '@acme/services' })).toBe('nx run @acme/services:plux-discover');
  });

  it("takes the target name from the plugin's options and the project name from project.json", () => {
    const root = makeTempDir();
    json(join(root, 'nx.json'), { plugins: [{ plugin: '@plux/nx', options: { targetName: 'index' } }] });
    json(join(root, 'project.json'), { name: 'services' });

    expect(nxDiscoverCommand(root, { name: '@acme/services' })).toBe('nx run services:index');
  });

  it('finds a discover target a project.json declares, where nx.json registers no plugin', () => {
    const root = makeTempDir();
    json(join(root, 'nx.json'), {});
    json(join(root, 'project.json'), { targets: { index: { executor: '@plux/nx:discover' } } });

    expect(nxDiscoverCommand(root, { name: 'x', nx: { name: 'x-project' } })).toBe('nx run x-project:index');
    rmSync(join(root, 'project.json'));
    expect(nxDiscoverCommand(root, { name: 'x' })).toBeUndefined();
  });
});

describe('nxDiscoverCommand with several registrations or declared targets', () => {
  /** A workspace root with nx.json, and a package at libs/services (returned). */
  const workspace = (nxJson: object) => {
    const root = makeTempDir();
    json(join(root, 'nx.json'), nxJson);
    mkdirSync(join(root, 'libs', 'services'), { recursive: true });
    return join(root, 'libs', 'services');
  };

  it("takes the first registration whose include and exclude let the package's package.json through", () => {
    const services = workspace({
      plugins: [
        { plugin: '@plux/nx', include: ['apps/**/*'], options: { targetName: 'apps-index' } },
        { plugin: '@plux/nx', exclude: ['libs/services/*'], options: { targetName: 'not-services' } },
        { plugin: '@plux/nx', include: ['libs/**/*'], options: { targetName: 'libs-index' } },
      ],
    });
    expect(nxDiscoverCommand(services, { name: 's' })).toBe('nx run s:libs-index');
  });

  it('names no command when every registration leaves the package out', () => {
    const services = workspace({ plugins: [{ plugin: '@plux/nx', include: ['apps/**/*'] }] });
    expect(nxDiscoverCommand(services, { name: 's' })).toBeUndefined();
  });

  it("prefers a target the package.json's nx field declares, and ignores a check-only one", () => {
    const services = workspace({ plugins: ['@plux/nx'] });
    const nx = (targets: object) => ({ name: 's', nx: { targets } });
    expect(nxDiscoverCommand(services, nx({ index: { executor: '@plux/nx:discover' } }))).toBe(
      'nx run s:index',
    );
    expect(
      nxDiscoverCommand(
        services,
        nx({ verify: { executor: '@plux/nx:discover', options: { check: true } } }),
      ),
    ).toBe('nx run s:plux-discover');
  });
});

describe('the missing-index hint of a workspace package', () => {
  const missingIndexProblem = (root: string) => {
    rmSync(join(root, 'libs/services/plux.json'));
    const problems = new IndexPluginFinder({ cwd: root, cache: false }).listProblems();
    return problems.find((p) => p.includes('which does not exist'));
  };

  it('names `plux discover` outside an Nx workspace', () => {
    expect(missingIndexProblem(copyFixture('npm-workspace'))).toMatch(
      /points at \.\/plux\.json, which does not exist; run `plux discover` in that package to regenerate plux\.json$/,
    );
  });

  it("names the package's Nx target inside an Nx workspace", () => {
    const root = copyFixture('npm-workspace');
    json(join(root, 'nx.json'), {
      plugins: [{ plugin: '@plux/nx', options: { targetName: 'plux-discover' } }],
    });

    expect(missingIndexProblem(root)).toMatch(
      /which does not exist; run `nx run @acme\/services:plux-discover` to regenerate plux\.json$/,
    );
  });
});
