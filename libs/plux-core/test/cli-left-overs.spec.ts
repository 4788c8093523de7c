/**
 * A plain `tsc` package (no source maps, no declaration maps) indexed with the `plux discover` CLI: deleting a
 * plugin's source and compiling again leaves its old output in `dist/`, since `tsc` never deletes it, and the
 * index must drop the plugin anyway. The package is compiled by the real TypeScript compiler of this workspace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PluxRun, runPlux } from './support/cli.js';
import { writePackage } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

afterAll(removeTempDirs);

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function tsc(root: string): void {
  const run = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
}

describe('plux discover on a plain tsc package after a plugin source is deleted', () => {
  let root: string;
  let first: PluxRun;
  let second: PluxRun;

  beforeAll(() => {
    root = writePackage(
      {
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            strict: true,
            skipLibCheck: true,
            rootDir: 'src',
            outDir: 'dist',
          },
          include: ['src'],
        }),
        'src/index.ts': "export { s3 } from './s3.js';\n",
        'src/s3.ts':
          "import { plugin } from '@plux/core';\nexport const s3 = plugin({ namespace: 'acme.services' }, function s3() {});\n",
        'src/extra/dynamodb.ts':
          "import { plugin } from '@plux/core';\nexport const dynamodb = plugin({ namespace: 'acme.services' }, function dynamodb() {});\n",
      },
      { plux: './plux.json' },
    );
    tsc(root);
    first = runPlux(['discover'], { cwd: root });
    rmSync(join(root, 'src/extra/dynamodb.ts'));
    tsc(root);
    second = runPlux(['discover'], { cwd: root });
  }, 120_000);

  it('indexes both plugins while both sources exist', () => {
    expect(first.status).toBe(0);
    expect(first.stderr).not.toContain('left over');
  });

  it('keeps the deleted plugin out of the index although tsc left its output behind', () => {
    expect(existsSync(join(root, 'dist/extra/dynamodb.js'))).toBe(true);
    expect(second.status).toBe(0);
    const index = JSON.parse(readFileSync(join(root, 'plux.json'), 'utf8')) as {
      plugins: Record<string, Record<string, { module: string }>>;
    };
    expect(index.plugins).toEqual({ 'acme.services': { s3: { module: './dist/s3.js', export: 's3' } } });
  });

  it('names the left-over file and the fix once, on stderr', () => {
    const lines = second.stderr.split('\n').filter((line) => line.includes('left over'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('./dist/extra/dynamodb.js is left over from an earlier build');
    expect(lines[0]).toContain('src/extra/dynamodb.ts no longer exists');
    expect(lines[0]).toContain('delete it, or delete the build output and build again');
  });

  it('indexes a source that comes back', () => {
    writeFileSync(
      join(root, 'src/extra/dynamodb.ts'),
      "import { plugin } from '@plux/core';\nexport const dynamodb = plugin({ namespace: 'acme.services' }, function dynamodb() {});\n",
    );
    tsc(root);
    const run = runPlux(['discover'], { cwd: root });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('left over');
    expect(
      Object.keys(JSON.parse(readFileSync(join(root, 'plux.json'), 'utf8')).plugins['acme.services']),
    ).toEqual(['dynamodb', 's3']);
  }, 60_000);
});
