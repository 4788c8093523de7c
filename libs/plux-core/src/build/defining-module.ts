/**
 * Which export of a value the index should name when several modules export it.
 *
 * A barrel (`index.js` with `export * from './services.js'`) exports the same class object as the module that
 * defines it; the index must name the defining module so that loading the plugin imports as little as possible.
 * JavaScript keeps no record of where a value was created, so discovery reads the modules' import graph instead:
 * a module that re-exports a value must import, directly or through other modules, the module it re-exports from.
 * Among the modules that export the value, the defining one is therefore the one that imports none of the others.
 *
 * 1. Keep the candidate modules from which no other candidate is reachable in the graph of relative imports
 *    (`import`/`export … from`, `import()`, `require()`). In a barrel chain `index.js → services/index.js →
 *    services/s3.js` only `s3.js` is left.
 * 2. If that leaves more than one (the value comes from outside the package, or a cycle), prefer a module whose
 *    source declares the exported name (`class S3Plugin`, `const s3 =`, `exports.s3 =`).
 * 3. Then the first module in path order. Within the chosen module, an export named like the value itself, then a
 *    named export over `default`, then the first name in order.
 *
 * The graph is read lazily and only for values that several modules export, so a package without barrels costs
 * no extra file reads. Reading specifiers with a regular expression can see an import inside a comment; that only
 * adds an edge, which at worst makes step 1 keep fewer modules, and step 2 and 3 still give a stable answer.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { compareStrings } from '../utils/compare.js';
import { isWithin } from '../utils/paths.js';

/** One place a value is exported: a module (absolute path) and the export's name. */
export interface ExportSite {
  file: string;
  exportName: string;
}

/** The relative imports of the modules inside one package, read from their source on demand. */
export class ModuleGraph {
  readonly #root: string;
  readonly #edges = new Map<string, string[]>();
  readonly #sources = new Map<string, string>();

  /** @param root the package root: imports that leave it are not followed. */
  constructor(root: string) {
    this.#root = resolve(root);
  }

  /** The source text of a module ('' when it cannot be read). */
  source(file: string): string {
    let text = this.#sources.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = '';
      }
      this.#sources.set(file, text);
    }
    return text;
  }

  /** The modules `file` imports by a relative specifier that resolves to a file inside the root. */
  dependencies(file: string): string[] {
    let deps = this.#edges.get(file);
    if (!deps) {
      deps = [];
      for (const match of this.source(file).matchAll(SPECIFIER)) {
        const target = resolveRelative(dirname(file), match[2]!);
        if (target && isWithin(this.#root, target) && !deps.includes(target)) deps.push(target);
      }
      this.#edges.set(file, deps);
    }
    return deps;
  }

  /** Whether `to` is reachable from `from` by following imports (a module does not reach itself). */
  reaches(from: string, to: string): boolean {
    const seen = new Set<string>([from]);
    const queue = [...this.dependencies(from)];
    while (queue.length) {
      const next = queue.shift()!;
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.dependencies(next));
    }
    return false;
  }
}

/**
 * Chooses, among the places one value is exported, the one the index names (see the module comment for the
 * rules). `sites` must not be empty.
 */
export function chooseDefiningExport(
  sites: readonly ExportSite[],
  graph: ModuleGraph,
  value: unknown,
): ExportSite {
  const files = [...new Set(sites.map((s) => s.file))].sort(compareStrings);
  let file = files[0]!;
  if (files.length > 1) {
    const sinks = files.filter((f) => !files.some((other) => other !== f && graph.reaches(f, other)));
    const pool = sinks.length ? sinks : files;
    const declaring = pool.filter((f) =>
      sites.some((s) => s.file === f && declares(graph.source(f), s.exportName)),
    );
    file = (declaring.length ? declaring : pool)[0]!;
  }
  const ownName = typeof value === 'function' ? value.name : undefined;
  const source = graph.source(file);
  // the value's own name, then the name the module declares it under (`export const deploy = plugin(…, () => …)`
  // beside `export { deploy as alias }`), then any other named export, then `default`
  const rank = (name: string) =>
    name === ownName ? 0 : name === 'default' ? 3 : declares(source, name) ? 1 : 2;
  const inFile = sites.filter((s) => s.file === file);
  inFile.sort(
    (a, b) => rank(a.exportName) - rank(b.exportName) || compareStrings(a.exportName, b.exportName),
  );
  return inFile[0]!;
}

/** `from '…'`, `import '…'`, `import('…')`, `require('…')` with a relative specifier (group 2). */
const SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*(['"])(\.\.?(?:\/[^'"\r\n]*)?)\1/g;

/** The extensions Node (and CommonJS `require`) would try for an extensionless specifier. */
const CANDIDATE_SUFFIXES = ['', '.js', '.mjs', '.cjs', '/index.js', '/index.mjs', '/index.cjs'];

function resolveRelative(fromDir: string, specifier: string): string | undefined {
  const base = resolve(fromDir, specifier.replace(/[?#].*$/, ''));
  for (const suffix of CANDIDATE_SUFFIXES) {
    const candidate = base + suffix;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Whether a module's source declares `name` itself rather than taking it from another module. */
function declares(source: string, name: string): boolean {
  if (name === 'default')
    return /\bexport\s+default\s+(?!\{)/.test(source) || /\bmodule\.exports\s*=/.test(source);
  const id = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `(?:\\bclass|\\bfunction\\*?|\\bconst|\\blet|\\bvar)\\s+${id}(?![\\w$])|\\bexports\\.${id}\\s*=(?!=)`,
  ).test(source);
}
