#!/usr/bin/env node
// Regenerates the installed plugin package the demo depends on: vendor/minicloud-secrets -> vendor/<name>-<version>.tgz.
//
//   1. `plux discover --path lib` rewrites its plux.json (the folder has no build: lib/ is the code that ships);
//   2. `npm pack` packs it next to it (npm fixes every file's mtime, so the same files give the same bytes);
//   3. apps/demo/package.json is pointed at the new tarball, its old entry leaves package-lock.json and
//      node_modules (npm keeps a locked file: dependency as it is while the version matches, even when the
//      tarball changed), and `npm install` records the new integrity and extracts it, as `npm ci` will on a
//      fresh clone.
//
// Usage: npm run demo:vendor   (after `npm run build`, which builds @plux/core's CLI)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vendor = join(root, 'vendor');
const pkgDir = join(vendor, 'minicloud-secrets');
const appManifest = join(root, 'apps', 'demo', 'package.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });

const { name, version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
run(
  process.execPath,
  [join(root, 'libs', 'plux-core', 'bin', 'plux.js'), 'discover', '--path', 'lib'],
  pkgDir,
);

for (const file of readdirSync(vendor)) {
  if (file.startsWith(`${name}-`) && file.endsWith('.tgz')) rmSync(join(vendor, file));
}
run(npm, ['pack', '--pack-destination', vendor, '--silent'], pkgDir);
const tarball = join(vendor, `${name}-${version}.tgz`);

const manifest = JSON.parse(readFileSync(appManifest, 'utf8'));
const spec = `file:${relative(dirname(appManifest), tarball).split('\\').join('/')}`;
if (manifest.dependencies[name] !== spec) {
  manifest.dependencies[name] = spec;
  writeFileSync(appManifest, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`pack-vendor: apps/demo now depends on ${name} ${spec}`);
}
const lockFile = join(root, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
delete lock.packages[`node_modules/${name}`];
writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
rmSync(join(root, 'node_modules', name), { recursive: true, force: true });
run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund'], root);
console.log(
  `pack-vendor: ${relative(root, tarball)} is packed and installed; commit it with package-lock.json`,
);
