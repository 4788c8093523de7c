/**
 * The index format, `plux.json`: what discovery writes and the runtime reads. Shared by both halves so that a file
 * one writes is exactly what the other accepts.
 */

import { BIDI_CONTROLS, CONTROL_CHARACTERS, printable, quoted } from './printable.js';
import { compareStrings } from '../utils/compare.js';
import { isRecord } from '../utils/records.js';

/** The only `formatVersion` this version of plux reads and writes. */
export const INDEX_FORMAT_VERSION = 1;

/** One plugin in an index: the module (relative to the package root) and the export that holds it. */
export interface PluxIndexEntry {
  module: string;
  export: string;
}

/** The content of `plux.json`: namespace → plugin name → entry. */
export interface PluxIndex {
  formatVersion: typeof INDEX_FORMAT_VERSION;
  plugins: Record<string, Record<string, PluxIndexEntry>>;
}

/** A validated index entry, flattened. */
export interface IndexedPlugin extends PluxIndexEntry {
  namespace: string;
  name: string;
}

/** The result of {@link parseIndex}: the entries that passed validation and one message per rejected part. */
export interface ParsedIndex {
  plugins: IndexedPlugin[];
  problems: string[];
}

const MAX_NAME_LENGTH = 512;

/**
 * A name {@link checkName} accepts, tested in one step: 1–512 UTF-16 units (so at most 512 characters), none of them a
 * control or bidirectional control character. Any other name goes through checkName, which says what is wrong.
 */
// eslint-disable-next-line no-control-regex
const PLAIN_NAME = /^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]{1,512}$/;

/**
 * Validates a parsed `plux.json` (or an inline `plux` field). Never throws: a bad entry is left out and described
 * in `problems`, so one broken plugin never hides the others. Names are kept as data (`__proto__` is a name like any
 * other), never used as object keys.
 */
export function parseIndex(raw: unknown): ParsedIndex {
  const plugins: IndexedPlugin[] = [];
  const problems: string[] = [];
  if (!isRecord(raw)) {
    return { plugins, problems: [`the index must be a JSON object, got ${typeName(raw)}`] };
  }
  if (raw['formatVersion'] !== INDEX_FORMAT_VERSION) {
    const got = JSON.stringify(raw['formatVersion']) ?? 'nothing';
    problems.push(`unsupported formatVersion ${got} (this plux reads ${INDEX_FORMAT_VERSION})`);
    return { plugins, problems };
  }
  const namespaces = raw['plugins'];
  if (!isRecord(namespaces)) {
    problems.push(`"plugins" must be an object of namespaces, got ${typeName(namespaces)}`);
    return { plugins, problems };
  }
  // An index names few modules for many entries: check each module path once (this runs on every cold start).
  const moduleChecks = new Map<string, string | undefined>();
  for (const [namespace, entries] of Object.entries(namespaces)) {
    const nsProblem = checkNamespace(namespace);
    if (nsProblem) {
      problems.push(`namespace "${printable(namespace)}": ${nsProblem}`);
      continue;
    }
    if (!isRecord(entries)) {
      problems.push(`namespace ${namespace}: must be an object of plugins, got ${typeName(entries)}`);
      continue;
    }
    for (const name of Object.keys(entries)) {
      const entry = entries[name];
      const problem =
        (PLAIN_NAME.test(name) ? undefined : checkName(name)) ?? checkEntry(entry, moduleChecks);
      if (problem) {
        problems.push(`plugin ${namespace}:${quoted(name)}: ${problem}`);
        continue;
      }
      const { module, export: exportName } = entry as PluxIndexEntry;
      plugins.push({ namespace, name, module, export: exportName });
    }
  }
  return { plugins, problems };
}

/**
 * Serialises plugins as `plux.json`: keys sorted, two-space indentation, a trailing newline. The same plugins always
 * give the same bytes.
 */
export function serializeIndex(plugins: Iterable<IndexedPlugin>): string {
  const byNamespace = new Map<string, Map<string, PluxIndexEntry>>();
  for (const p of plugins) {
    let entries = byNamespace.get(p.namespace);
    if (!entries) byNamespace.set(p.namespace, (entries = new Map()));
    entries.set(p.name, { module: p.module, export: p.export });
  }
  // Object.create(null) + defineProperty: a namespace or name called "__proto__" stays an own key.
  const tree: Record<string, Record<string, PluxIndexEntry>> = Object.create(null);
  for (const ns of [...byNamespace.keys()].sort(compareStrings)) {
    const entries: Record<string, PluxIndexEntry> = Object.create(null);
    const byName = byNamespace.get(ns)!;
    for (const name of [...byName.keys()].sort(compareStrings)) {
      const entry = byName.get(name)!;
      define(entries, name, { export: entry.export, module: entry.module });
    }
    define(tree, ns, entries);
  }
  return `${JSON.stringify({ formatVersion: INDEX_FORMAT_VERSION, plugins: tree }, null, 2)}\n`;
}

/** Why `namespace` is not a valid namespace, or undefined when it is. */
export function checkNamespace(namespace: string): string | undefined {
  if (namespace === '') return 'a namespace must not be empty';
  if (tooLong(namespace)) return `a namespace is at most ${MAX_NAME_LENGTH} characters`;
  if (/[:\s]/.test(namespace)) return 'a namespace must not contain ":" or whitespace';
  return checkCharacters(namespace, 'a namespace');
}

/** Why `name` is not a valid plugin name, or undefined when it is. */
export function checkName(name: string): string | undefined {
  if (name === '') return 'a plugin name must not be empty';
  if (tooLong(name)) return `a plugin name is at most ${MAX_NAME_LENGTH} characters`;
  return checkCharacters(name, 'a plugin name');
}

/**
 * Control characters (C0, DEL, C1: U+0080–U+009F, whose U+009B is a terminal's CSI) and bidirectional controls
 * (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069: they make a name read differently from what it is) have no
 * place in a name that is printed, compared and matched by `PLUX_DISABLED` rules.
 */
function checkCharacters(value: string, what: string): string | undefined {
  if (CONTROL_CHARACTERS.test(value)) return `${what} must not contain control characters`;
  if (BIDI_CONTROLS.test(value)) {
    return `${what} must not contain bidirectional control characters (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069)`;
  }
  return undefined;
}

/**
 * Why `module` is not an acceptable module path, or undefined. This is the syntactic half of the rule that a module
 * stays inside its package; the runtime also checks the real path, symlinks resolved.
 */
export function checkModulePath(module: string): string | undefined {
  if (module === '') return 'module must not be empty';
  if (module.includes('\0')) return 'module must not contain NUL';
  if (/^[a-zA-Z][a-zA-Z\d+.-]+:/.test(module))
    return `module "${printable(module)}" is a URL, not a path inside the package`;
  if (module.startsWith('/') || module.startsWith('\\') || /^[a-zA-Z]:/.test(module)) {
    return `module "${printable(module)}" is an absolute path, not a path inside the package`;
  }
  const parts = module.split(/[\\/]/);
  let depth = 0;
  for (const part of parts) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return `module "${printable(module)}" leaves the package root`;
  }
  return undefined;
}

function checkEntry(entry: unknown, moduleChecks: Map<string, string | undefined>): string | undefined {
  if (!isRecord(entry)) return `must be an object { "module", "export" }, got ${typeName(entry)}`;
  const { module, export: exportName } = entry;
  if (typeof module !== 'string') return `"module" must be a string, got ${typeName(module)}`;
  if (typeof exportName !== 'string' || exportName === '') {
    return `"export" must be a non-empty string, got ${typeName(exportName)}`;
  }
  if (!moduleChecks.has(module)) moduleChecks.set(module, checkModulePath(module));
  return moduleChecks.get(module);
}

/** Longer than the limit, counted in characters (code points) as JSON Schema's maxLength counts them. */
function tooLong(name: string): boolean {
  return name.length > MAX_NAME_LENGTH && [...name].length > MAX_NAME_LENGTH;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${printable(value)}"` : typeof value;
}

function define<T>(target: Record<string, T>, key: string, value: T) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
