import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNTIME_ERRORS, RuntimeError } from './errors.js';
import type { RuntimeErrorCode } from './errors.js';

function documentedRuntimeCodes(): Map<string, { status: string; meaning: string }> {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('runtime'));
  expect(section, 'docs/errors.md has a "## runtime" section').toBeDefined();
  const rows = new Map<string, { status: string; meaning: string }>();
  for (const line of (section ?? '').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = cells[1];
    if (code && /^[A-Z][A-Z0-9_]+$/.test(code))
      rows.set(code, { status: cells[2] ?? '', meaning: cells[3] ?? '' });
  }
  return rows;
}

describe('runtime error catalog', () => {
  it('docs/errors.md lists every code with its HTTP status and meaning, and nothing else', () => {
    const documented = documentedRuntimeCodes();
    const defined = Object.keys(RUNTIME_ERRORS) as RuntimeErrorCode[];
    expect([...documented.keys()].sort()).toEqual([...defined].sort());
    for (const code of defined) {
      const { status, meaning } = RUNTIME_ERRORS[code];
      expect(documented.get(code), code).toEqual({
        status: status === undefined ? '—' : String(status),
        meaning,
      });
    }
  });

  it('codes that are never sent over HTTP report 500', () => {
    expect(new RuntimeError('SPAWN_FAILED', 'x').status).toBe(500);
    expect(new RuntimeError('UNAUTHORIZED', 'x').status).toBe(401);
  });
});
