import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_ERROR_CODES, type SdkErrorCode } from './errors.js';
import { SDK_ERROR_EXIT_CODES } from './exit-codes.js';

function documentedSdkCodes(): Map<string, string> {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('sdk'));
  expect(section, 'docs/errors.md has an "## sdk" section').toBeDefined();
  const rows = new Map<string, string>();
  for (const line of (section ?? '').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = cells[1];
    if (code && /^[A-Z][A-Z0-9_]+$/.test(code)) rows.set(code, cells[2] ?? '');
  }
  return rows;
}

describe('sdk error catalog', () => {
  it('docs/errors.md lists every code with its exit status, and nothing else', () => {
    const documented = documentedSdkCodes();
    const defined = Object.keys(SDK_ERROR_CODES) as SdkErrorCode[];
    expect([...documented.keys()].sort()).toEqual([...defined].sort());
    for (const code of defined) expect(documented.get(code), code).toBe(String(SDK_ERROR_EXIT_CODES[code]));
  });
});
