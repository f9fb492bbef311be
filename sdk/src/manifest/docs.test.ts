/** docs/manifest.md stays true: its code table matches the codes, and its examples validate. */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '@gpuaas/manifest-schema';
import { MANIFEST_ISSUE_CODES } from './types.js';
import { validateManifestText } from './validate.js';

const doc = readFileSync(new URL('../../../docs/manifest.md', import.meta.url), 'utf8');
const base = parse(
  readFileSync(new URL('../../../manifest-schema/fixtures/valid/llama-chat.yaml', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const topLevel = new Set(Object.keys(manifestSchema.properties as object));

describe('docs/manifest.md', () => {
  it('lists every diagnostic code, and nothing else', () => {
    const section = doc.slice(doc.indexOf('## Diagnostic codes'));
    const documented = [...section.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual(Object.keys(MANIFEST_ISSUE_CODES).sort());
  });

  it('has examples that are valid manifests, or valid sections of one', () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      const value = parse(block) as Record<string, unknown> | null;
      if (value === null) continue; // the modeline alone
      expect(
        Object.keys(value).every((k) => topLevel.has(k)),
        block,
      ).toBe(true);
      const text = 'run' in value && 'resources' in value ? block : stringify({ ...base, ...value });
      expect(validateManifestText(text).errors, block).toEqual([]);
    }
  });
});
