#!/usr/bin/env node
/**
 * Explores new seeds for the property tests. `npm test` runs them with one fixed seed, so it checks the same inputs
 * every time; this script runs them with fresh random seeds and prints every seed that fails, with the command that
 * replays it.
 *
 *   npm run fuzz                       5 rounds of 100 runs each
 *   npm run fuzz -- --rounds 20 --runs 300
 *   npm run fuzz -- --seed 1234        replay one seed
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The spec files whose property tests read PLUX_FUZZ_SEED and PLUX_FUZZ_RUNS. */
const PROPERTY_SPECS = [
  'libs/plux-core/test/hostile-index.spec.ts',
  'libs/plux-core/src/core/plux-index.spec.ts',
];

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '100' },
    seed: { type: 'string' },
  },
});
const rounds = values.seed === undefined ? Number(values.rounds) : 1;
const runs = Number(values.runs);
if (!Number.isSafeInteger(rounds) || rounds < 1 || !Number.isSafeInteger(runs) || runs < 1) {
  console.error('fuzz: --rounds and --runs must be positive integers');
  process.exit(2);
}

const failed = [];
for (let round = 1; round <= rounds; round++) {
  const seed = values.seed === undefined ? randomInt(2 ** 31 - 1) : Number(values.seed);
  const started = Date.now();
  const result = spawnSync('npx', ['vitest', 'run', ...PROPERTY_SPECS], {
    cwd: ROOT,
    env: { ...process.env, PLUX_FUZZ_SEED: String(seed), PLUX_FUZZ_RUNS: String(runs) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) {
    console.log(`fuzz: round ${round}/${rounds}, seed ${seed}: passed (${seconds} s)`);
    continue;
  }
  failed.push(seed);
  console.log(`fuzz: round ${round}/${rounds}, seed ${seed}: FAILED (${seconds} s)`);
  process.stdout.write(`${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-80).join('\n'));
}
if (failed.length > 0) {
  console.log(`\nfuzz: failing seeds: ${failed.join(', ')}`);
  for (const seed of failed)
    console.log(
      `  replay: PLUX_FUZZ_SEED=${seed} PLUX_FUZZ_RUNS=${runs} npx vitest run ${PROPERTY_SPECS.join(' ')}`,
    );
  process.exit(1);
}
console.log(`fuzz: ${rounds} round(s) of ${runs} runs passed`);
