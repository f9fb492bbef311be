import { describe, expect, it } from 'vitest';
import { manifestSchema } from '@gpuaas/manifest-schema';
import { isKnownPattern } from './describe.js';
import { createAjv, getManifestValidator } from './schema-check.js';
import { stringify } from 'yaml';
import { validateManifestText } from './validate.js';

type Node = Record<string, unknown>;

const MAPS = ['properties', '$defs'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'propertyNames'];
const LISTS = ['oneOf', 'anyOf'];

/** Every subschema with its JSON pointer (not the keyword maps that hold them). */
function nodes(node: unknown, pointer = ''): [string, Node][] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  const schema = node as Node;
  const out: [string, Node][] = [[pointer, schema]];
  for (const k of MAPS) {
    for (const [name, sub] of Object.entries((schema[k] ?? {}) as Node))
      out.push(...nodes(sub, `${pointer}/${k}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  for (const k of SUBSCHEMAS) out.push(...nodes(schema[k], `${pointer}/${k}`));
  for (const k of LISTS) {
    if (Array.isArray(schema[k]))
      (schema[k] as unknown[]).forEach((sub, i) => out.push(...nodes(sub, `${pointer}/${k}/${i}`)));
  }
  return out;
}

const all = nodes(manifestSchema);

describe('the manifest schema as the validator uses it', () => {
  it('compiles once and is reused', () => {
    expect(getManifestValidator()).toBe(getManifestValidator());
  });

  it('is valid against the draft 2020-12 meta-schema (the compiled validator skips that check)', () => {
    const ajv = createAjv({ strictTypes: true });
    expect(ajv.validateSchema(manifestSchema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('has a plain-English description for every pattern it uses', () => {
    const patterns = all.flatMap(([, n]) => (typeof n.pattern === 'string' ? [n.pattern] : []));
    expect(patterns.length).toBeGreaterThan(10);
    expect(patterns.filter((p) => !isKnownPattern(p))).toEqual([]);
  });

  it('has examples (shown by editors) that are valid against their own schema', () => {
    const ajv = createAjv({ strictTypes: true });
    ajv.addSchema(manifestSchema);
    const id = String(manifestSchema.$id);
    let checked = 0;
    for (const [pointer, node] of all) {
      if (!Array.isArray(node.examples)) continue;
      const validate = ajv.getSchema(`${id}#${pointer}`);
      expect(validate, pointer).toBeDefined();
      for (const example of node.examples) {
        expect(validate!(example), `${pointer}: ${JSON.stringify(example)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('has top-level examples that pass every check, not just the schema', () => {
    for (const example of manifestSchema.examples as unknown[]) {
      expect(validateManifestText(stringify(example))).toMatchObject({ errors: [], warnings: [] });
    }
  });
});
