import { relative } from 'node:path';

import type { Distribution, PluginContainer } from '@plux/core';

import { workspaceRoot } from './paths.js';

/** Where a plugin came from, as minicloud shows it: the package that provides it (plux's distribution). */
export interface Origin {
  /** The package name, e.g. `@minicloud/storage`. */
  package: string;
  /** The package version. */
  version: string;
  /** `workspace` for a package of this workspace, `installed` for one in node_modules. */
  kind: 'workspace' | 'installed' | 'unknown';
  /** The package folder relative to the workspace root, e.g. `node_modules/minicloud-secrets`. */
  path: string;
}

/** The origin of a plugin, from its container's distribution. */
export function originOf(container: Pick<PluginContainer, 'distribution'>): Origin {
  return describeDistribution(container.distribution);
}

/** The origin a distribution describes; `unknown` when there is none. */
export function describeDistribution(distribution: Distribution | undefined): Origin {
  if (!distribution) return { package: '?', version: '?', kind: 'unknown', path: '?' };
  return {
    package: distribution.name,
    version: distribution.version,
    kind: distribution.workspace ? 'workspace' : 'installed',
    path: relative(workspaceRoot(), distribution.root) || '.',
  };
}

/** `package@version`. */
export function packageLabel(origin: Origin): string {
  return `${origin.package}@${origin.version}`;
}
