/**
 * The checks `@nx/plugin`'s `nx-plugin-checks` lint rule makes on a plugin's manifests, without depending on
 * `@nx/plugin` (which brings its own Nx): package.json points at executors.json and generators.json, every entry
 * has a description and resolves to an implementation and a schema, and every schema is one Nx can show in
 * `--help` and Nx Console.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

interface Schema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: string;
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  additionalProperties?: boolean;
}

interface SchemaProperty {
  type?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  items?: { type?: string };
  'x-prompt'?: string | { message?: string; type?: string; items?: { value: unknown; label?: string }[] };
}

interface Entry {
  implementation?: string;
  factory?: string;
  schema: string;
  description?: string;
}

const pkg = readJson<{ name: string; main: string; executors?: string; generators?: string }>('package.json');
const executors = readJson<{ executors: Record<string, Entry> }>(pkg.executors ?? 'missing').executors;
const generators = readJson<{ generators: Record<string, Entry> }>(pkg.generators ?? 'missing').generators;

describe('@plux/nx manifests', () => {
  it('package.json points at an existing entry, executors.json and generators.json', () => {
    for (const path of [pkg.main, pkg.executors, pkg.generators]) {
      expect(path, 'a manifest field of package.json').toBeTypeOf('string');
      expect(existsSync(join(ROOT, path!)), `${path} exists`).toBe(true);
    }
  });

  it('offers the discover executor and the plugin and init generators', () => {
    expect(Object.keys(executors)).toEqual(['discover']);
    expect(Object.keys(generators).sort()).toEqual(['init', 'plugin']);
  });

  it('gives init what `nx add` runs it with: no required option, no prompt, --keepExistingVersions', () => {
    const schema = readJson<Schema>(generators['init']!.schema);
    expect(schema.required ?? []).toEqual([]);
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      expect(property['x-prompt'], `${key} has no x-prompt`).toBeUndefined();
    }
    expect(schema.properties?.['keepExistingVersions']?.type).toBe('boolean');
    expect(schema.properties?.['skipFormat']?.type).toBe('boolean');
  });

  describe.each([
    ...Object.entries(executors).map(([name, entry]) => ['executor', name, entry] as const),
    ...Object.entries(generators).map(([name, entry]) => ['generator', name, entry] as const),
  ])('%s %s', (kind, name, entry) => {
    const implementation = kind === 'executor' ? entry.implementation : entry.factory;

    it('has a description', () => {
      expect(entry.description?.length).toBeGreaterThan(10);
    });

    it('has an implementation whose default export is a function', async () => {
      expect(
        implementation,
        `${kind}s.json "${kind === 'executor' ? 'implementation' : 'factory'}"`,
      ).toBeDefined();
      const file = resolveSource(implementation!);
      expect(file, `${implementation} resolves to a .ts or .js file`).toBeDefined();
      const module = (await import(file!)) as { default?: unknown };
      expect(module.default).toBeTypeOf('function');
    });

    describe('its schema', () => {
      const schema = readJson<Schema>(entry.schema);
      const properties = Object.entries(schema.properties ?? {});

      it('is an object schema with a title-worthy description', () => {
        expect(schema.$schema).toBe('https://json-schema.org/schema');
        expect(schema.type).toBe('object');
        expect(schema.description?.length).toBeGreaterThan(20);
        expect(schema.additionalProperties).toBe(false);
      });

      it('describes and types every property', () => {
        for (const [key, property] of properties) {
          expect(property.description, `${key}.description`).toMatch(/\S{3}/);
          expect(['string', 'boolean', 'array', 'number'], `${key}.type`).toContain(property.type);
          if (property.type === 'array') expect(property.items?.type, `${key}.items.type`).toBeDefined();
        }
      });

      it('has defaults of the declared type, inside the enum', () => {
        for (const [key, property] of properties) {
          if (property.default === undefined) continue;
          expect(typeof property.default, `${key}.default`).toBe(property.type);
          if (property.enum) expect(property.enum, `${key}.enum`).toContain(property.default);
        }
      });

      it('lists only declared properties as required', () => {
        for (const key of schema.required ?? []) expect(Object.keys(schema.properties ?? {})).toContain(key);
      });

      it('matches the options interface in schema.d.ts', () => {
        const declaration = readFileSync(join(ROOT, dirname(entry.schema), 'schema.d.ts'), 'utf8');
        for (const [key] of properties) {
          const required = schema.required?.includes(key);
          expect(declaration, `schema.d.ts declares ${key}`).toMatch(
            new RegExp(`\\b${key}${required ? '' : '\\?'}:`),
          );
        }
      });

      if (kind === 'generator') {
        it('prompts for every required option', () => {
          for (const key of schema.required ?? []) {
            expect(schema.properties?.[key]?.['x-prompt'], `${key} has an x-prompt`).toBeDefined();
          }
        });

        it('offers a list prompt for every enum option', () => {
          for (const [key, property] of properties) {
            if (!property.enum || !property['x-prompt']) continue;
            const prompt = property['x-prompt'];
            expect(typeof prompt === 'object' && prompt.type, `${key} x-prompt type`).toBe('list');
            const values = typeof prompt === 'object' ? prompt.items?.map((i) => i.value) : [];
            expect(values).toEqual(property.enum);
          }
        });
      }
    });
  });
});

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}

/** Resolves an extensionless manifest path the way Nx does for a local plugin: the source first. */
function resolveSource(path: string): string | undefined {
  return ['.ts', '.js', '']
    .map((ext) => join(ROOT, `${path}${ext}`))
    .find((file) => existsSync(file) && /\.[jt]s$/.test(file));
}
