import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import jsonc from 'jsonc-parser';

import { DiscoveryError } from './errors.js';

/** A package.json as discovery reads it: parsed, with the text kept so an update can keep its formatting. */
export interface PackageJsonFile {
  /** Absolute path of the package.json. */
  path: string;
  /** Its parsed content. */
  json: Record<string, unknown>;
  /** Its text as read (a leading byte order mark included). */
  text: string;
}

const BOM = '\ufeff';

/**
 * Reads `<root>/package.json`.
 *
 * @throws DiscoveryError when the file is missing, is not JSON, or is not a JSON object.
 */
export function readPackageJson(root: string): PackageJsonFile {
  const path = join(root, 'package.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DiscoveryError(
        `${root} has no package.json: pass the package root (the folder of package.json)`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch (error) {
    throw new DiscoveryError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DiscoveryError(`${path} must hold a JSON object`);
  }
  return { path, json: json as Record<string, unknown>, text };
}

/** The package's name for messages: its `name`, else its folder. */
export function packageLabel(pkg: PackageJsonFile, root: string): string {
  return typeof pkg.json['name'] === 'string' ? pkg.json['name'] : root;
}

/**
 * The module a package's `import` resolves to, from `exports["."]` (the first condition Node's `import()` would
 * take: `node`, `import`, `module-sync` or `default`, in the map's order, `require` as a last resort), else `main`.
 */
export function builtEntryOf(json: Record<string, unknown>): string | undefined {
  const fromExports = entryOfExports(json['exports']);
  if (fromExports) return fromExports;
  return typeof json['main'] === 'string' && json['main'] ? json['main'] : undefined;
}

const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

function entryOfExports(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const entry = entryOfExports(item);
      if (entry) return entry;
    }
    return undefined;
  }
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((k) => k.startsWith('.'))) return entryOfExports(map['.']);
  for (const key of keys) {
    if (IMPORT_CONDITIONS.has(key)) {
      const entry = entryOfExports(map[key]);
      if (entry) return entry;
    }
  }
  return entryOfExports(map['require']);
}

/**
 * package.json's text with `"plux"` set to `plux` and, when given, `file` appended to its `files` array, as minimal
 * text edits (jsonc-parser's `modify`): every other byte stays as it was — numbers JSON.parse would round
 * (`12345678901234567890`, `1e400`), key order, line endings, indentation, a byte order mark.
 */
export function editPackageJsonText(text: string, edits: { plux?: string; appendToFiles?: string }): string {
  const bom = text.startsWith(BOM) ? BOM : '';
  let body = bom ? text.slice(1) : text;
  if (edits.plux !== undefined) {
    const root = jsonc.parseTree(body);
    if (root && jsonc.findNodeAtLocation(root, ['plux'])) {
      body = jsonc.applyEdits(body, jsonc.modify(body, ['plux'], edits.plux, {}));
    } else if (root?.type === 'object') {
      body = appendItem(body, root, `"plux": ${JSON.stringify(edits.plux)}`);
    }
  }
  if (edits.appendToFiles !== undefined) {
    const root = jsonc.parseTree(body);
    const files = root && jsonc.findNodeAtLocation(root, ['files']);
    if (files?.type === 'array') body = appendItem(body, files, JSON.stringify(edits.appendToFiles));
  }
  return bom + body;
}

/**
 * Appends an item (an array value, or an object's `"key": value`) after the last one of `node`, in the node's own
 * layout: separated as its items are, so `["a", "b"]` stays on one line and one item per line stays so.
 */
function appendItem(text: string, node: jsonc.Node, item: string): string {
  const items = node.children ?? [];
  const last = items.at(-1);
  if (!last) {
    const [open, close] = node.type === 'array' ? ['[', ']'] : ['{', '}'];
    return `${text.slice(0, node.offset)}${open}${item}${close}${text.slice(node.offset + node.length)}`;
  }
  const before = items.at(-2);
  const separator = before
    ? text.slice(before.offset + before.length, last.offset).replace(/^\s*,/, '')
    : /[\r\n]/.test(text.slice(node.offset + 1, last.offset))
      ? text.slice(node.offset + 1, last.offset)
      : ' ';
  const end = last.offset + last.length;
  return `${text.slice(0, end)},${separator}${item}${text.slice(end)}`;
}
