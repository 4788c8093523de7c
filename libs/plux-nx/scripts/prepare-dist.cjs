#!/usr/bin/env node
/* global require, __dirname */
// Completes `tsc -p tsconfig.lib.json` into a publishable package in dist/ (`npm publish libs/plux-nx/dist`):
// the manifests, schemas and templates beside the compiled code, and a package.json whose entry is the built
// JavaScript. In this workspace Nx runs @plux/nx from its TypeScript source and never reads dist/.
const { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');

for (const file of walk(join(root, 'src'))) {
  if (file.endsWith('.json') || file.endsWith('.d.ts') || file.includes('/files/')) {
    const target = join(dist, relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
}
for (const file of ['executors.json', 'generators.json', 'migrations.json', 'README.md']) {
  try {
    cpSync(join(root, file), join(dist, file));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
delete pkg.scripts;
pkg.main = './src/index.js';
pkg.types = './src/index.d.ts';
const core = JSON.parse(readFileSync(require.resolve('@plux/core/package.json', { paths: [root] }), 'utf8'));
// A peer, not a dependency: the workspace installs @plux/core itself (its app code imports it), the Nx plugin uses
// that one copy, and pnpm or yarn can meet the peer from a local tarball installed beside this one.
if (pkg.peerDependencies?.['@plux/core'] === '*') pkg.peerDependencies['@plux/core'] = `^${core.version}`;
writeFileSync(join(dist, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`@plux/nx: dist/ is ready to publish (npm publish ${relative(process.cwd(), dist) || '.'})`);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
