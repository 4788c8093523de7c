import type { CreateNodesContext, TargetConfiguration } from '@nx/devkit';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locatePluxPackages, PLUX_NX_ROOT } from '../utils/plux-packages';
import { createNodes, inferCheckTarget, inferDiscoverTarget, type PluxPluginOptions } from './plugin';

// Every field of every inferred target, written out: a refactoring of the plugin that changes an input, an output,
// the cache flag, dependsOn or the metadata changes Nx's cache keys or graph, and must fail here. (Long only because
// the inline snapshots spell every target out.)

const FIXTURE = join(__dirname, '../../test/fixtures/inferred-workspace');
const FILES = [
  'libs/with-plux/package.json',
  'libs/app/package.json',
  'libs/runtime-user/package.json',
  'libs/custom-index/package.json',
];

describe('the targets createNodes infers for the fixture workspace', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'plux-nx-inferred-'));
    cpSync(FIXTURE, workspace, { recursive: true });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  async function infer(options?: PluxPluginOptions) {
    const context: CreateNodesContext = {
      workspaceRoot: workspace,
      nxJsonConfiguration: { namedInputs: { production: ['default'] } },
    };
    const targets: Record<string, Record<string, TargetConfiguration>> = {};
    for (const [, result] of await createNodes[1](FILES, options, context)) {
      for (const [root, project] of Object.entries(result.projects ?? {}))
        targets[root] = project.targets ?? {};
    }
    return targets;
  }

  it('with the default options', async () => {
    expect(await infer()).toMatchInlineSnapshot(`
      {
        "libs/app": {
          "plux-discover": {
            "cache": true,
            "dependsOn": [
              "^plux-discover",
            ],
            "executor": "nx:noop",
            "metadata": {
              "description": "Write the plux index of every package this project depends on",
              "technologies": [
                "plux",
              ],
            },
          },
        },
        "libs/custom-index": {
          "plux-check": {
            "cache": true,
            "dependsOn": [
              "build",
              "^build",
            ],
            "executor": "@plux/nx:discover",
            "inputs": [
              "{projectRoot}/**/*",
              "{projectRoot}/meta/index.json",
              {
                "dependentTasksOutputFiles": "**/*",
                "transitive": true,
              },
              "^production",
              {
                "runtime": "node -e "for (const p of ['@plux/nx','@plux/core']) try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }"",
              },
            ],
            "metadata": {
              "description": "Fail, naming what differs, when the plux index on disk is stale (writes nothing)",
              "help": {
                "command": "npx plux discover --help",
                "example": {
                  "options": {
                    "exclude": [
                      "internal/**",
                    ],
                  },
                },
              },
              "technologies": [
                "plux",
              ],
            },
            "options": {
              "check": true,
            },
            "outputs": [],
          },
          "plux-discover": {
            "cache": true,
            "dependsOn": [
              "build",
              "^build",
              "^plux-discover",
            ],
            "executor": "@plux/nx:discover",
            "inputs": [
              "{projectRoot}/**/*",
              "!{projectRoot}/meta/index.json",
              {
                "dependentTasksOutputFiles": "**/*",
                "transitive": true,
              },
              "^production",
              {
                "runtime": "node -e "for (const p of ['@plux/nx','@plux/core']) try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }"",
              },
            ],
            "metadata": {
              "description": "Find the plux plugins in the build output and write the index",
              "help": {
                "command": "npx plux discover --help",
                "example": {
                  "options": {
                    "exclude": [
                      "internal/**",
                    ],
                  },
                },
              },
              "technologies": [
                "plux",
              ],
            },
            "outputs": [
              "{projectRoot}/meta/index.json",
            ],
          },
        },
        "libs/runtime-user": {
          "plux-discover": {
            "cache": true,
            "dependsOn": [
              "^plux-discover",
            ],
            "executor": "nx:noop",
            "metadata": {
              "description": "Write the plux index of every package this project depends on",
              "technologies": [
                "plux",
              ],
            },
          },
          "plux-types": {
            "cache": true,
            "command": "plux types",
            "dependsOn": [
              "plux-discover",
              "^plux-discover",
            ],
            "inputs": [
              "{projectRoot}/package.json",
              "{projectRoot}/plux.json",
              {
                "dependentTasksOutputFiles": "**/plux.json",
                "transitive": true,
              },
              "^production",
              "{workspaceRoot}/bun.lockb",
              "{workspaceRoot}/bun.lock",
              "{workspaceRoot}/yarn.lock",
              "{workspaceRoot}/pnpm-lock.yaml",
              "{workspaceRoot}/package-lock.json",
              "{workspaceRoot}/npm-shrinkwrap.json",
            ],
            "metadata": {
              "description": "Write the PluginRegistry types of every plugin visible to this project (typed namespaces)",
              "help": {
                "command": "npx plux types --help",
                "example": {
                  "args": [
                    "--check",
                  ],
                },
              },
              "technologies": [
                "plux",
              ],
            },
            "options": {
              "cwd": "{projectRoot}",
            },
            "outputs": [
              "{projectRoot}/src/plux-registry.d.ts",
            ],
          },
        },
        "libs/with-plux": {
          "plux-check": {
            "cache": true,
            "dependsOn": [
              "build",
              "^build",
            ],
            "executor": "@plux/nx:discover",
            "inputs": [
              "{projectRoot}/**/*",
              "{projectRoot}/plux.json",
              {
                "dependentTasksOutputFiles": "**/*",
                "transitive": true,
              },
              "^production",
              {
                "runtime": "node -e "for (const p of ['@plux/nx','@plux/core']) try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }"",
              },
            ],
            "metadata": {
              "description": "Fail, naming what differs, when the plux index on disk is stale (writes nothing)",
              "help": {
                "command": "npx plux discover --help",
                "example": {
                  "options": {
                    "exclude": [
                      "internal/**",
                    ],
                  },
                },
              },
              "technologies": [
                "plux",
              ],
            },
            "options": {
              "check": true,
            },
            "outputs": [],
          },
          "plux-discover": {
            "cache": true,
            "dependsOn": [
              "build",
              "^build",
              "^plux-discover",
            ],
            "executor": "@plux/nx:discover",
            "inputs": [
              "{projectRoot}/**/*",
              "!{projectRoot}/plux.json",
              {
                "dependentTasksOutputFiles": "**/*",
                "transitive": true,
              },
              "^production",
              {
                "runtime": "node -e "for (const p of ['@plux/nx','@plux/core']) try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }"",
              },
            ],
            "metadata": {
              "description": "Find the plux plugins in the build output and write the index",
              "help": {
                "command": "npx plux discover --help",
                "example": {
                  "options": {
                    "exclude": [
                      "internal/**",
                    ],
                  },
                },
              },
              "technologies": [
                "plux",
              ],
            },
            "outputs": [
              "{projectRoot}/plux.json",
            ],
          },
        },
      }
    `);
  });

  it('with every option set', async () => {
    const targets = await infer({
      targetName: 'index',
      checkTargetName: 'lint-index',
      buildTargetName: 'compile',
      typesTargetName: 'registry',
      defaults: { exclude: ['internal/**'], output: './meta/../out.json' },
    });

    expect(targets['libs/with-plux']).toMatchInlineSnapshot(`
      {
        "index": {
          "cache": true,
          "dependsOn": [
            "compile",
            "^compile",
            "^index",
          ],
          "executor": "@plux/nx:discover",
          "inputs": [
            "{projectRoot}/**/*",
            "!{projectRoot}/out.json",
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": true,
            },
            "^production",
            {
              "runtime": "node -e "for (const p of ['@plux/nx','@plux/core']) try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }"",
            },
          ],
          "metadata": {
            "description": "Find the plux plugins in the build output and write the index",
            "help": {
              "command": "npx plux discover --help",
              "example": {
                "options": {
                  "exclude": [
                    "internal/**",
                  ],
                },
              },
            },
            "technologies": [
              "plux",
            ],
          },
          "options": {
            "exclude": [
              "internal/**",
            ],
            "output": "./meta/../out.json",
          },
          "outputs": [
            "{projectRoot}/out.json",
          ],
        },
        "lint-index": {
          "cache": true,
          "dependsOn": [
            "compile",
            "^compile",
          ],
          "executor": "@plux/nx:discover",
          "inputs": [
            "{projectRoot}/**/*",
            "{projectRoot}/out.json",
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": true,
            },
            "^production",
            {
              "runtime": "node -e "for (const p of ['@plux/nx','@plux/core']) try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }"",
            },
          ],
          "metadata": {
            "description": "Fail, naming what differs, when the plux index on disk is stale (writes nothing)",
            "help": {
              "command": "npx plux discover --help",
              "example": {
                "options": {
                  "exclude": [
                    "internal/**",
                  ],
                },
              },
            },
            "technologies": [
              "plux",
            ],
          },
          "options": {
            "check": true,
            "exclude": [
              "internal/**",
            ],
            "output": "./meta/../out.json",
          },
          "outputs": [],
        },
      }
    `);
    expect(Object.keys(targets['libs/runtime-user']!)).toEqual(['index', 'registry']);
    expect(targets['libs/runtime-user']!['registry']!.dependsOn).toEqual(['index', '^index']);
  });
});

describe('inferDiscoverTarget and inferCheckTarget where @plux/nx and @plux/core are workspace projects', () => {
  const ctx = {
    projectRoot: 'libs/x',
    indexPath: './plux.json',
    options: {},
    packages: locatePluxPackages(join(PLUX_NX_ROOT, '../..')),
  };

  it('hash their sources and wait for the build of @plux/core', () => {
    expect({ discover: inferDiscoverTarget(ctx), check: inferCheckTarget(ctx) }).toMatchInlineSnapshot(`
      {
        "check": {
          "cache": true,
          "dependsOn": [
            "build",
            "^build",
            {
              "projects": [
                "@plux/core",
              ],
              "target": "build",
            },
          ],
          "executor": "@plux/nx:discover",
          "inputs": [
            "{projectRoot}/**/*",
            "{projectRoot}/plux.json",
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": true,
            },
            "^default",
            "{workspaceRoot}/libs/plux-nx/src/**/*",
            "!{workspaceRoot}/libs/plux-nx/src/**/*.spec.ts",
            "{workspaceRoot}/libs/plux-nx/package.json",
            "{workspaceRoot}/libs/plux-core/src/**/*",
            "!{workspaceRoot}/libs/plux-core/src/**/*.spec.ts",
            "{workspaceRoot}/libs/plux-core/package.json",
            "{workspaceRoot}/libs/plux-nx/executors.json",
          ],
          "metadata": {
            "description": "Fail, naming what differs, when the plux index on disk is stale (writes nothing)",
            "help": {
              "command": "npx plux discover --help",
              "example": {
                "options": {
                  "exclude": [
                    "internal/**",
                  ],
                },
              },
            },
            "technologies": [
              "plux",
            ],
          },
          "options": {
            "check": true,
          },
          "outputs": [],
        },
        "discover": {
          "cache": true,
          "dependsOn": [
            "build",
            "^build",
            "^plux-discover",
            {
              "projects": [
                "@plux/core",
              ],
              "target": "build",
            },
          ],
          "executor": "@plux/nx:discover",
          "inputs": [
            "{projectRoot}/**/*",
            "!{projectRoot}/plux.json",
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": true,
            },
            "^default",
            "{workspaceRoot}/libs/plux-nx/src/**/*",
            "!{workspaceRoot}/libs/plux-nx/src/**/*.spec.ts",
            "{workspaceRoot}/libs/plux-nx/package.json",
            "{workspaceRoot}/libs/plux-core/src/**/*",
            "!{workspaceRoot}/libs/plux-core/src/**/*.spec.ts",
            "{workspaceRoot}/libs/plux-core/package.json",
            "{workspaceRoot}/libs/plux-nx/executors.json",
          ],
          "metadata": {
            "description": "Find the plux plugins in the build output and write the index",
            "help": {
              "command": "npx plux discover --help",
              "example": {
                "options": {
                  "exclude": [
                    "internal/**",
                  ],
                },
              },
            },
            "technologies": [
              "plux",
            ],
          },
          "outputs": [
            "{projectRoot}/plux.json",
          ],
        },
      }
    `);
  });
});
