import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST_API_VERSION, MANIFEST_SCHEMA_ID, manifestSchema } from './index.js';

type Node = Record<string, unknown>;

const MAPS = ['properties', '$defs', 'patternProperties'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else'];
const LISTS = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];

/** Visits every subschema (not the keyword maps that hold them), with its JSON pointer. */
function walk(node: unknown, pointer: string, visit: (pointer: string, node: Node) => void): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as Node;
  visit(pointer, schema);
  for (const k of MAPS) {
    for (const [name, sub] of Object.entries((schema[k] ?? {}) as Node))
      walk(sub, `${pointer}/${k}/${name}`, visit);
  }
  for (const k of SUBSCHEMAS) walk(schema[k], `${pointer}/${k}`, visit);
  for (const k of LISTS) {
    if (Array.isArray(schema[k]))
      (schema[k] as unknown[]).forEach((sub, i) => walk(sub, `${pointer}/${k}/${i}`, visit));
  }
}

const defs = manifestSchema.$defs as Record<string, Node>;

describe('gpuaas-app.schema.json', () => {
  it('declares draft 2020-12, the exported $id and the exported apiVersion', () => {
    expect(manifestSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(manifestSchema.$id).toBe(MANIFEST_SCHEMA_ID);
    expect(((manifestSchema.properties as Node).apiVersion as Node).const).toBe(MANIFEST_API_VERSION);
  });

  it('resolves every $ref to a definition and uses every definition', () => {
    const used = new Set<string>();
    walk(manifestSchema, '', (pointer, node) => {
      if (typeof node.$ref !== 'string') return;
      const name = /^#\/\$defs\/([A-Za-z]+)$/.exec(node.$ref)?.[1];
      expect(name && defs[name], `${pointer}: ${node.$ref}`).toBeTruthy();
      used.add(name ?? '');
    });
    expect(Object.keys(defs).filter((d) => !used.has(d))).toEqual([]);
  });

  it('closes every object that lists its properties, so misspelt keys are reported', () => {
    const open: string[] = [];
    walk(manifestSchema, '', (pointer, node) => {
      if (node.properties !== undefined && node.type === 'object' && node.additionalProperties !== false)
        open.push(pointer);
    });
    // parameters/*/properties is a free-form JSON Schema map, not a closed object of ours.
    expect(open).toEqual([]);
  });

  it('documents every property for editor hovers', () => {
    const undocumented: string[] = [];
    walk(manifestSchema, '', (pointer, node) => {
      for (const [name, sub] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
        const target = typeof sub.$ref === 'string' ? defs[sub.$ref.replace('#/$defs/', '')] : undefined;
        if (typeof sub.description !== 'string' && typeof target?.description !== 'string') {
          undocumented.push(`${pointer}/properties/${name}`);
        }
      }
    });
    expect(undocumented).toEqual([]);
  });

  it('is the file the package exports as ./schema.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const file = new URL(`../${String(pkg.exports['./schema.json'])}`, import.meta.url);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(manifestSchema);
  });
});
