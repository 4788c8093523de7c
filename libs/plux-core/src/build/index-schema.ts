/**
 * Checks an index against `plux.schema.json`, the JSON Schema shipped in the package (`@plux/core/plux.schema.json`),
 * for `plux discover --check`. Build-time only: the runtime reads indexes with its own lenient reader
 * (`parseIndex`, which skips a bad entry and keeps the rest) and never loads this module.
 *
 * A validator of its own rather than a JSON Schema library: the schema uses nine keywords, and a library such as ajv
 * (with its dependencies, about 1 MB) would be installed with every copy of `@plux/core` for one lint. The tests
 * check this validator, ajv and the runtime's reader against each other on generated indexes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isRecord } from '../utils/records.js';

/** The subset of JSON Schema (draft-07) that `plux.schema.json` uses. */
interface Schema {
  $ref?: string;
  description?: string;
  type?: 'object' | 'string';
  const?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  propertyNames?: Schema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  not?: Schema;
  anyOf?: Schema[];
  definitions?: Record<string, Schema>;
}

let loaded: Schema | undefined;

/** The parsed `plux.schema.json` of this copy of `@plux/core`. */
export function loadIndexSchema(): Schema {
  return (loaded ??= JSON.parse(readFileSync(schemaPath(), 'utf8')) as Schema);
}

/**
 * The ways `index` (a parsed `plux.json`, or an inline `plux` field) breaks `plux.schema.json`, one line each
 * (`/plugins/acme.services/s3/export: must be at least 1 character`); empty when it conforms.
 */
export function validateIndexSchema(index: unknown, schema: Schema = loadIndexSchema()): string[] {
  const problems: string[] = [];
  check(index, schema, '', schema, problems);
  return problems;
}

function check(value: unknown, schema: Schema, at: string, root: Schema, problems: string[]): void {
  if (schema.$ref) {
    const name = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : root.definitions?.[name];
    if (!target) throw new Error(`plux.schema.json: unsupported $ref ${schema.$ref}`);
    check(value, target, at, root, problems);
    return;
  }
  const where = at || '/';
  if ('const' in schema && value !== schema.const) {
    problems.push(`${where}: must be ${JSON.stringify(schema.const)}`);
    return;
  }
  if (schema.type === 'object' && !isRecord(value)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  if (schema.type === 'string' && typeof value !== 'string') {
    problems.push(`${where}: must be a string`);
    return;
  }
  // as in JSON Schema, the keywords of a kind apply only to values of that kind
  if (isRecord(value)) checkObject(value, schema, at, root, problems);
  if (typeof value === 'string') checkString(value, schema, where, problems);
  if (schema.not) {
    const branches = schema.not.anyOf ?? [schema.not];
    const matched = branches.find(
      (branch) => validateIndexSchema(value, { ...branch, definitions: root.definitions }).length === 0,
    );
    if (matched) problems.push(`${where}: must not be ${matched.description ?? 'this'}`);
  }
}

function checkObject(
  value: Record<string, unknown>,
  schema: Schema,
  at: string,
  root: Schema,
  problems: string[],
): void {
  for (const key of schema.required ?? []) {
    if (!Object.hasOwn(value, key)) problems.push(`${at || '/'}: must have "${key}"`);
  }
  for (const [key, item] of Object.entries(value)) {
    const path = `${at}/${pointer(key)}`;
    if (schema.propertyNames) {
      const before = problems.length;
      check(key, schema.propertyNames, path, root, problems);
      if (problems.length > before) {
        // a bad key: name it as a key, and do not descend into its value
        for (let i = before; i < problems.length; i++) problems[i] = `key ${problems[i]}`;
        continue;
      }
    }
    const property = Object.hasOwn(schema.properties ?? {}, key) ? schema.properties![key] : undefined;
    const itemSchema = property ?? schema.additionalProperties;
    if (itemSchema) check(item, itemSchema, path, root, problems);
  }
}

function checkString(value: string, schema: Schema, where: string, problems: string[]): void {
  // JSON Schema counts characters as code points, not UTF-16 units
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    problems.push(
      `${where}: must be at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`,
    );
  } else if (schema.maxLength !== undefined && length > schema.maxLength) {
    problems.push(`${where}: must be at most ${schema.maxLength} characters`);
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    problems.push(
      `${where}: must match ${schema.pattern}${schema.description ? ` (${schema.description})` : ''}`,
    );
  }
}

/** A key as a JSON Pointer segment (RFC 6901), with control characters escaped so the line stays printable. */
function pointer(key: string): string {
  const escaped = key.replace(/~/g, '~0').replace(/\//g, '~1');
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(escaped) ? JSON.stringify(escaped).slice(1, -1) : escaped;
}

/** `plux.schema.json` at the root of this package: found from src/build/ (tests) and from dist/chunks/ (built). */
function schemaPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'plux.schema.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('@plux/core: plux.schema.json is missing from the package');
  }
}
