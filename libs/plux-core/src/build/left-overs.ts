/**
 * Build output whose source is gone. `tsc` (and `tsc --build`) never deletes the output of a deleted source, and a
 * build cache (Nx's) restores that output as it was, so a module can sit in `dist/` long after its source was
 * removed. Discovery must not index it: a deleted plugin would live on in `plux.json`.
 *
 * A module's sources are read, in this order, from what the compiler wrote beside it:
 * 1. its source map (`x.js.map`), whose `sources` name the files it was compiled from;
 * 2. its declaration map (`x.d.ts.map`, written with `declarationMap`, as `@nx/js` libraries do by default);
 * 3. the package's tsconfig (`tsconfig.lib.json`, `tsconfig.build.json`, then `tsconfig.json`): with `outDir` and
 *    `rootDir` set, `<outDir>/a/b.js` comes from `<rootDir>/a/b.ts` (or `.tsx`, `.js`, …).
 * A module is left over when the first of these that applies names sources and none of them exists. When none
 * applies (hand-written JavaScript, no maps, no tsconfig), or the sources were never there (a published package
 * without its `src/`), the module is indexed as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isDirectory } from '../utils/fs.js';
import { isBelow } from '../utils/paths.js';

/** A module discovery leaves out because its source no longer exists. */
export interface LeftOverModule {
  /** The module (absolute). */
  file: string;
  /** The source it was built from (absolute), or the first of several. */
  source: string;
  /** What named that source: a map file or a tsconfig (absolute). */
  evidence: string;
}

/** The tsconfig files whose `outDir` → `rootDir` mapping is read, in this order. */
const TSCONFIG_FILES = ['tsconfig.lib.json', 'tsconfig.build.json', 'tsconfig.json'];

/** Source extensions a module extension can come from. */
const SOURCE_EXTENSIONS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};

type Verdict = { leftOver: false } | { leftOver: true; source: string; evidence: string } | undefined;

/**
 * A check for the modules of one package: returns what makes `file` a left-over, or undefined when it has a
 * source (or nothing tells).
 */
export function createLeftOverCheck(root: string): (file: string) => LeftOverModule | undefined {
  let mappings: OutDirMapping[] | undefined;
  return (file) => {
    const ext = /\.[cm]?js$/.exec(file)?.[0];
    if (!ext) return undefined;
    const base = file.slice(0, -ext.length);
    const declarationMap = `${base}.d.${ext.slice(1, -2)}ts.map`;
    const verdict =
      fromMap(root, `${file}.map`) ??
      fromMap(root, declarationMap) ??
      fromTsconfig(root, file, ext, (mappings ??= readOutDirMappings(root)));
    return verdict?.leftOver ? { file, source: verdict.source, evidence: verdict.evidence } : undefined;
  };
}

/** The verdict of one map file, or undefined when there is none or it names no file on this disk. */
function fromMap(root: string, map: string): Verdict {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(map, 'utf8'));
  } catch {
    return undefined; // no map, or not one we can read: it tells nothing
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { sources, sourceRoot } = json as { sources?: unknown; sourceRoot?: unknown };
  if (!Array.isArray(sources) || sources.length === 0) return undefined;
  const base = resolve(
    dirname(map),
    typeof sourceRoot === 'string' && !hasScheme(sourceRoot) ? sourceRoot : '',
  );
  const paths: string[] = [];
  for (const source of sources) {
    if (typeof source !== 'string') return undefined;
    if (source.startsWith('file:')) {
      try {
        paths.push(fileURLToPath(source));
      } catch {
        return undefined;
      }
    } else if (hasScheme(source)) {
      return undefined; // webpack://, http://: not a file we can look for
    } else {
      paths.push(resolve(base, source));
    }
  }
  return judge(root, paths, map);
}

/** Left over when no source exists, but only where the sources' folder is there at all. */
function judge(root: string, sources: string[], evidence: string): Verdict {
  if (sources.some((source) => existsSync(source))) return { leftOver: false };
  const first = sources[0]!;
  if (!sourceFolderExists(root, first)) return undefined;
  return { leftOver: true, source: first, evidence };
}

/**
 * Whether the top folder of a source inside the package (`src` for `src/extra/s3.ts`) exists. A package whose
 * sources were never there (installed from a registry, `dist/` only) must not lose every module; a source outside
 * the package tells nothing either.
 */
function sourceFolderExists(root: string, source: string): boolean {
  if (!isBelow(root, source)) return false;
  const rel = relative(root, source);
  const top = rel.split(sep)[0]!;
  if (top === rel) return true; // a source at the package root: the root is there
  return isDirectory(join(root, top));
}

interface OutDirMapping {
  outDir: string;
  rootDir: string;
  tsconfig: string;
}

function fromTsconfig(root: string, file: string, ext: string, mappings: OutDirMapping[]): Verdict {
  for (const { outDir, rootDir, tsconfig } of mappings) {
    if (!isBelow(outDir, file)) continue;
    const rel = relative(outDir, file);
    if (!isDirectory(rootDir)) return undefined;
    const stem = join(rootDir, rel.slice(0, -ext.length));
    const candidates = SOURCE_EXTENSIONS[ext]!.map((sourceExt) => stem + sourceExt);
    if (candidates.some((candidate) => candidate === file)) return undefined; // built in place
    return judge(root, candidates, tsconfig);
  }
  return undefined;
}

/** The `outDir` → `rootDir` pairs of the package's tsconfig files that set both (following relative `extends`). */
function readOutDirMappings(root: string): OutDirMapping[] {
  const found: OutDirMapping[] = [];
  for (const name of TSCONFIG_FILES) {
    const tsconfig = join(root, name);
    if (!existsSync(tsconfig)) continue;
    const options = readCompilerPaths(tsconfig, 0);
    if (options.outDir && options.rootDir && options.outDir !== options.rootDir) {
      found.push({ outDir: options.outDir, rootDir: options.rootDir, tsconfig });
    }
  }
  return found;
}

/** `outDir` and `rootDir` of a tsconfig, absolute, resolved against the file that sets each. */
function readCompilerPaths(tsconfig: string, depth: number): { outDir?: string; rootDir?: string } {
  let json: { extends?: unknown; compilerOptions?: { outDir?: unknown; rootDir?: unknown } };
  try {
    json = parseJsonc(readFileSync(tsconfig, 'utf8')) as typeof json;
  } catch {
    return {};
  }
  let inherited: { outDir?: string; rootDir?: string } = {};
  const parents =
    typeof json?.extends === 'string' ? [json.extends] : Array.isArray(json?.extends) ? json.extends : [];
  for (const parent of parents) {
    // Only relative parents: a package's shared config (`@tsconfig/node20`) does not set outDir or rootDir.
    if (typeof parent !== 'string' || !parent.startsWith('.') || depth >= 8) continue;
    let path = resolve(dirname(tsconfig), parent);
    if (!existsSync(path) && existsSync(`${path}.json`)) path = `${path}.json`;
    inherited = { ...inherited, ...definedOnly(readCompilerPaths(path, depth + 1)) };
  }
  const own = json?.compilerOptions ?? {};
  const at = (value: unknown) => (typeof value === 'string' ? resolve(dirname(tsconfig), value) : undefined);
  return { ...inherited, ...definedOnly({ outDir: at(own.outDir), rootDir: at(own.rootDir) }) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** JSON with comments and trailing commas, as tsconfig files are written. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      // a comma before a closing bracket is a trailing comma (strings were copied whole, so this is structure)
      if (char === '}' || char === ']') out = out.replace(/,\s*$/, '');
      out += char;
      i++;
    }
  }
  return JSON.parse(out);
}

function hasScheme(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value);
}
