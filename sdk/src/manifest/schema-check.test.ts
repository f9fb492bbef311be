import { readdirSync, readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '@gpuaas/manifest-schema';
import { createAjv } from './ajv.js';
import { isKnownPattern } from './describe.js';
import { getManifestValidator } from './schema-check.js';
import { parse, stringify } from 'yaml';
import { validateManifestText } from './validate.js';
import { editedManifest } from './yaml-arbitraries.test.util.js';

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

const fixtures = new URL('../../../manifest-schema/fixtures/', import.meta.url);

/** The value of every fixture manifest that parses (YAML and JSON, valid, invalid and warnings). */
const fixtureValues: [string, unknown][] = ['valid', 'invalid', 'warnings'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, fixtures))
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.json'))
    .flatMap((f): [string, unknown][] => {
      try {
        return [
          [
            `${dir}/${f}`,
            parse(readFileSync(new URL(`${dir}/${f}`, fixtures), 'utf8'), { logLevel: 'error' }),
          ],
        ];
      } catch {
        return [];
      }
    }),
);

function parsed(text: string): unknown {
  try {
    return parse(text, { logLevel: 'error' });
  } catch {
    return undefined;
  }
}

/** Every [parent, key] of a value's containers, for replacing one node with something else. */
function slots(value: unknown): [Record<string, unknown> | unknown[], string | number][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  return entries.flatMap(([k, v]) => [
    [value as Record<string, unknown>, k] as [Record<string, unknown>, string],
    ...slots(v),
  ]);
}

/** A fixture's value with one node replaced by arbitrary JSON (a wrong type, a bad string, …). */
const mutatedManifest = fc
  .tuple(
    fc.constantFrom(...fixtureValues.map(([, v]) => v)),
    fc.nat(),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 70 }), fc.constant('')),
  )
  .map(([value, at, replacement]) => {
    const copy = structuredClone(value);
    const all = slots(copy);
    const slot = all[at % Math.max(all.length, 1)];
    if (slot === undefined) return replacement;
    const [parent, key] = slot;
    (parent as Record<string | number, unknown>)[key] = replacement;
    return copy;
  });

describe('the precompiled manifest validator (__generated__/manifest-validator.ts)', () => {
  // What validation compiled at run time before the codegen, with the same options.
  const compiled = createAjv({ strictTypes: true, builtIn: true }).compile(manifestSchema);
  const precompiled = getManifestValidator();

  function outcome(validate: ValidateFunction, value: unknown): { valid: boolean; errors: unknown } {
    const valid = validate(value);
    // ajv gives each call a new errors array, so this one is not overwritten by the next call.
    return { valid, errors: validate.errors ?? null };
  }

  function expectSame(value: unknown, what: string): void {
    // Every field of every error: keyword, paths, params, message and (verbose) schema, data.
    expect(outcome(precompiled, value), what).toEqual(outcome(compiled, value));
  }

  it('gives the same verdict and errors as a run-time compile on every fixture', () => {
    expect(fixtureValues.length).toBeGreaterThan(45);
    let failing = 0;
    for (const [name, value] of fixtureValues) {
      expectSame(value, name);
      if (!compiled(value)) failing++;
    }
    // The corpus exercises the error paths, not only the valid manifests.
    expect(failing).toBeGreaterThan(20);
  });

  it('gives the same verdict and errors on edited fixtures and on arbitrary nodes spliced in', () => {
    fc.assert(
      fc.property(editedManifest, (text) => expectSame(parsed(text), text)),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(mutatedManifest, (value) => expectSame(value, JSON.stringify(value))),
      { numRuns: 500 },
    );
  });

  it('reports errors a test can see (the comparison is not between two empty results)', () => {
    const result = outcome(precompiled, { apiVersion: 'nope', name: 'Bad Name', extra: 1 });
    expect(result.valid).toBe(false);
    expect(JSON.stringify(result.errors)).toContain('/name');
    expect(JSON.stringify(result.errors)).toContain('additionalProperties');
  });
});
