#!/usr/bin/env node
// @ts-check
/**
 * Bundles dist/ with rolldown (the config is rolldown.config.mjs) and prints one plain line instead of rolldown's
 * coloured asset table: Nx sets FORCE_COLOR for every task, so the table's colour codes ended up in CI logs and
 * files. `--out-dir <dir>` writes elsewhere (the tests bundle into a temp folder).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { build } from 'rolldown';

import config from '../rolldown.config.mjs';

const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const output = { ...config.output, ...(values['out-dir'] ? { dir: values['out-dir'] } : {}) };
const started = performance.now();
await build({ ...config, output, logLevel: 'warn' });

const dir = output.dir ?? 'dist';
const shown = relative(process.cwd(), dir).startsWith('..') ? dir : relative(process.cwd(), dir) || '.';
const files = walk(dir).filter((file) => !file.endsWith('.map'));
const kB = files.reduce((sum, file) => sum + statSync(file).size, 0) / 1000;
console.log(
  `@plux/core: bundled ${files.length} files (${kB.toFixed(1)} kB) into ${shown} ` +
    `in ${Math.round(performance.now() - started)} ms`,
);

/** @param {string} folder @returns {string[]} */
function walk(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
