/**
 * The reference docs in docs/ against what they describe, so they cannot drift: every export of @plux/core and
 * @plux/core/build has its heading in docs/api.md (and every heading there is an export), every command and flag of
 * `plux --help` is in docs/cli.md, the sample index in docs/plux-json.md conforms to the schema, and no README or
 * doc links outside the repository (or to a file that is not there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORE = join(REPO, 'libs/plux-core');
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

/** The names an entry's `export { … }` lists declare (types included), read from its source. */
function exportedNames(source: string): string[] {
  const names: string[] = [];
  for (const [, list] of read(source).matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.push(name);
    }
  }
  return names;
}

/** The names a docs/api.md section documents: each `####` heading lists one or more `name`s. */
function documentedNames(section: string): string[] {
  return [...section.matchAll(/^#### (.+)$/gm)].flatMap(([, heading]) =>
    [...heading!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
  );
}

describe('docs/api.md', () => {
  const api = read('docs/api.md');
  const runtime = api.slice(
    api.indexOf('## Runtime: `@plux/core`'),
    api.indexOf('## Build time: `@plux/core/build`'),
  );
  const build = api.slice(api.indexOf('## Build time: `@plux/core/build`'));

  it('documents every export of @plux/core, and nothing else', async () => {
    const names = exportedNames('libs/plux-core/src/index.ts');
    expect(names.length).toBeGreaterThan(25);
    expect(documentedNames(runtime).sort()).toEqual([...names].sort());
    // the runtime values among them are really exported by the built package
    const built = (await import(join(CORE, 'dist/index.js'))) as Record<string, unknown>;
    for (const name of Object.keys(built)) expect(names).toContain(name);
  });

  it('documents every export of @plux/core/build, and nothing else', async () => {
    const names = exportedNames('libs/plux-core/src/build/index.ts');
    expect(documentedNames(build).sort()).toEqual([...names].sort());
    const built = (await import(join(CORE, 'dist/build/index.js'))) as Record<string, unknown>;
    for (const name of Object.keys(built)) expect(names).toContain(name);
  });
});

describe('docs/cli.md', () => {
  const cli = read('docs/cli.md');
  const plux = (...args: string[]) =>
    spawnSync(process.execPath, [join(CORE, 'bin/plux.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    }).stdout;
  const commands = [...plux('--help').matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);

  it('has a section for every command of plux --help', () => {
    expect(commands).toEqual(expect.arrayContaining(['discover', 'list', 'resolve', 'show']));
    for (const command of commands)
      expect(cli, `plux ${command}`).toMatch(new RegExp(`^## \`plux ${command}`, 'm'));
  });

  it('names every flag of every command (here, or on the command page it links to)', () => {
    for (const command of commands) {
      const page = join(REPO, 'docs', `${command}.md`);
      const text = cli + (existsSync(page) ? readFileSync(page, 'utf8') : '');
      for (const [flag] of plux(command, '--help').matchAll(/--[a-z][a-z-]+/g)) {
        expect(text, `plux ${command} ${flag}`).toContain(flag);
      }
    }
  });
});

describe('docs/plux-json.md', () => {
  it('shows an index that conforms to plux.schema.json', async () => {
    const { Ajv } = await import('ajv');
    const validate = new Ajv().compile(JSON.parse(read('libs/plux-core/plux.schema.json')) as object);
    const sample = /```json\n([\s\S]*?)```/.exec(read('docs/plux-json.md'))![1]!;
    expect(validate(JSON.parse(sample)), JSON.stringify(validate.errors)).toBe(true);
  });
});

/** Every markdown file a reader of the repository sees: READMEs and docs/, outside node_modules and build output. */
function markdownFiles(dir = REPO): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || ['node_modules', 'dist', 'fixtures', 'vendor'].includes(entry.name))
      return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

describe('links in READMEs and docs/', () => {
  const files = markdownFiles();

  it('finds the READMEs and the docs', () => {
    const names = files.map((f) => relative(REPO, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'examples/acme/README.md']));
  });

  it('point inside the repository, at files that exist, or at public web pages', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const where = `${relative(REPO, file)} → ${target}`;
        if (/^https?:\/\//.test(target!)) continue;
        expect(target, where).not.toMatch(/^[a-z]+:|^\//i);
        if (target!.startsWith('#')) continue;
        const path = resolve(dirname(file), target!.split('#')[0]!);
        const inRepo = relative(REPO, path);
        expect(inRepo.startsWith('..'), `${where} leaves the repository`).toBe(false);
        expect(inRepo, where).not.toMatch(/(^|\/)(shared|DESIGN\.md)/);
        expect(existsSync(path), `${where} exists`).toBe(true);
      }
    }
  });
});
