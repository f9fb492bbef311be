/**
 * The fast reader's source tree against the one made from a `yaml` document: for every pointer
 * into a manifest (and one step past each), `locate` must give the same range from both, or the
 * fast tree must say it is unsure (then the validator asks `yaml`).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFastYaml } from './fast-yaml.js';
import { escapePointerSegment, locate, sourceTree } from './positions.js';
import type { Anchor } from './positions.js';
import { corpus, editedManifest, serialisedYaml } from './yaml-arbitraries.test.util.js';

/** Pointers to every node of `value`, plus a missing child of each collection. */
function pointers(value: unknown, at = '', out: string[] = []): string[] {
  out.push(at);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pointers(v, `${at}/${i}`, out));
    out.push(`${at}/${value.length}`, `${at}/x`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pointers(v, `${at}/${escapePointerSegment(k)}`, out);
    out.push(`${at}/no-such-key`, `${at}/0`);
  }
  return out;
}

interface Comparison {
  read: boolean;
  sure: number;
  unsure: number;
  mismatch?: string;
}

function compare(text: string): Comparison {
  const fast = parseFastYaml(text, true);
  if (fast === undefined) return { read: false, sure: 0, unsure: 0 };
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const full = sourceTree(doc);
  const result: Comparison = { read: true, sure: 0, unsure: 0 };
  for (const pointer of pointers(fast.value)) {
    for (const anchor of ['key', 'value'] as Anchor[]) {
      const ours = locate(fast.tree, pointer, anchor);
      if (ours === undefined) {
        result.unsure++;
        continue;
      }
      result.sure++;
      const theirs = locate(full, pointer, anchor);
      if (ours[0] !== theirs?.[0] || ours[1] !== theirs[1]) {
        result.mismatch = `${pointer} (${anchor}): fast ${JSON.stringify(ours)}, yaml ${JSON.stringify(theirs)} in ${JSON.stringify(text)}`;
        return result;
      }
    }
  }
  return result;
}

function agrees(text: string): boolean {
  const c = compare(text);
  if (c.mismatch !== undefined) throw new Error(c.mismatch);
  return true;
}

describe('fast reader positions', () => {
  it('agree with yaml on every corpus manifest, and are mostly sure', () => {
    let sure = 0;
    let unsure = 0;
    for (const text of corpus) {
      const c = compare(text);
      expect(c.mismatch).toBeUndefined();
      sure += c.sure;
      unsure += c.unsure;
    }
    expect(unsure).toBeLessThan(sure / 10);
  });

  it('place every node of the manifest that uses anchors, block scalars and quoted keys', () => {
    const text = readFileSync(
      new URL('../../../manifest-schema/fixtures/valid/batch-train.yaml', import.meta.url),
      'utf8',
    );
    const c = compare(text);
    expect(c).toMatchObject({ read: true, unsure: 0 });
    expect(c.mismatch).toBeUndefined();
  });

  it('say unsure rather than guess where yaml attaches comments', () => {
    // yaml ends the inner mapping after "  # two"; the fast reader does not model that.
    const text = 'a:\n  b:\n    c: 1\n  # two\nd: 1\n';
    const fast = parseFastYaml(text, true);
    expect(locate(fast?.tree, '/a/b', 'value')).toBeUndefined();
    expect(locate(fast?.tree, '/a/b/c', 'value')).toEqual([15, 16]);
    expect(compare(text).mismatch).toBeUndefined();
  });

  it('agree with yaml on values serialised in many styles', () => {
    let read = 0;
    fc.assert(
      fc.property(serialisedYaml, (text) => {
        if (compare(text).read) read++;
        return agrees(text);
      }),
      { numRuns: 300 },
    );
    expect(read).toBeGreaterThan(120);
  });

  it('agree with yaml on edited corpus manifests', () => {
    fc.assert(fc.property(editedManifest, agrees), { numRuns: 1000 });
  });
});
