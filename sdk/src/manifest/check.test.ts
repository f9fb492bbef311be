/**
 * The fast path against the reference: every manifest must get exactly the same result (value,
 * and each diagnostic's position, code, message and hint) whether it is read by the fast reader
 * with its own positions or by `yaml`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkManifest } from './check.js';
import { parseFastYaml } from './fast-yaml.js';
import { corpus, editedManifest } from './yaml-arbitraries.test.util.js';

const file = 'gpuaas-app.yaml';

/** Edits that keep the YAML readable but break the manifest: wrong types, misspelt keys, etc. */
const schemaEdit = fc.constantFrom<[RegExp, string]>(
  [/count: \d+/, 'count: two'],
  [/^(\s*)name:/m, '$1nmae:'],
  [/aggregation: \w+/, 'aggregation: summ'],
  [/pricePerUnit: .*/, 'pricePerUnit: 0.5'],
  [/port: \d+/, 'port: [1, 2]'],
  [/^version: .*/m, 'version: 1.0'],
  [/^(\s*)entrypoint:.*/m, '$1entrypoint: {}'],
  [/^(\s*)gpus:/m, '$1gpus: &g\n$1  count: 0\n$1gpuz:'],
  [/^(\s*)description: .*/m, '$1description: |\n$1  two\n$1  lines\n$1descripton: x'],
  [/^(\s*)- name: (\w+)/m, '$1- name: $2\n$1- name: $2'],
  // Findings on a block scalar, and on block collections with comments after them.
  [/hourlyPrice: .*/, 'hourlyPrice: |\n    0.5x\n\n'],
  [/^categories: .*/m, 'categories:\n  kind: x # c\n  # after\n'],
  [/^(\s*)include: .*/m, '$1include:\n$1  - a: 1\n$1  - b\n'],
  [/\n[^\n]*\n/, '\n'],
  [/^apiVersion: .*\n/m, ''],
);

const manifest = fc.oneof(
  fc
    .tuple(fc.constantFrom(...corpus), fc.array(schemaEdit, { maxLength: 4 }))
    .map(([text, edits]) => edits.reduce((t, [from, to]) => t.replace(from, to), text)),
  editedManifest,
);

describe('checkManifest', () => {
  it('gives the same result on the fast path as with yaml, for every corpus manifest', () => {
    for (const text of corpus) {
      expect(checkManifest(text, file, {})).toEqual(checkManifest(text, file, {}, { fastYaml: false }));
    }
  });

  it('gives the same result on the fast path as with yaml, for broken manifests', () => {
    let compared = 0;
    fc.assert(
      fc.property(manifest, (text) => {
        const fast = checkManifest(text, file, {});
        if (parseFastYaml(text) !== undefined && fast.errors.length > 0) compared++;
        expect(fast).toEqual(checkManifest(text, file, {}, { fastYaml: false }));
      }),
      { numRuns: 800 },
    );
    // Most of the comparisons are of manifests with errors that took the fast path.
    expect(compared).toBeGreaterThan(250);
  });
});
