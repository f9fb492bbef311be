import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORM_ERRORS, PlatformError } from './errors.js';
import type { PlatformErrorCode } from './errors.js';
import { BILLING_ERRORS, BillingError } from './billing/errors.js';
import type { BillingErrorCode } from './billing/errors.js';
import { loadApiDocument } from './http/openapi.js';
import { toPlatformError } from './http/problem.js';

function documentedPlatformCodes(): Map<string, { status: string; meaning: string }> {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('platform'));
  expect(section, 'docs/errors.md has a "## platform" section').toBeDefined();
  const rows = new Map<string, { status: string; meaning: string }>();
  for (const line of (section ?? '').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = cells[1];
    if (code && /^[A-Z][A-Z0-9_]+$/.test(code))
      rows.set(code, { status: cells[2] ?? '', meaning: cells[3] ?? '' });
  }
  return rows;
}

describe('platform error catalog', () => {
  const defined = Object.keys(PLATFORM_ERRORS) as PlatformErrorCode[];

  it('docs/errors.md lists every code with its status and meaning, and nothing else', () => {
    const documented = documentedPlatformCodes();
    expect([...documented.keys()].sort()).toEqual([...defined].sort());
    for (const code of defined) {
      expect(documented.get(code), code).toEqual({
        status: String(PLATFORM_ERRORS[code].status),
        meaning: PLATFORM_ERRORS[code].meaning,
      });
    }
  });

  it('the OpenAPI Problem schema enumerates exactly the catalog codes', () => {
    const schemas = (loadApiDocument().document.components as { schemas: Record<string, unknown> }).schemas;
    const problem = schemas.Problem as { properties: { code: { enum: string[] } } };
    expect([...problem.properties.code.enum].sort()).toEqual([...defined].sort());
  });

  it('every code maps to an HTTP error status', () => {
    for (const code of defined) {
      expect(PLATFORM_ERRORS[code].status, code).toBeGreaterThanOrEqual(400);
      expect(PLATFORM_ERRORS[code].status, code).toBeLessThan(600);
      expect(new PlatformError(code, 'x').status).toBe(PLATFORM_ERRORS[code].status);
    }
  });

  it("holds every billing code with the billing library's status and meaning, and maps BillingError onto it", () => {
    for (const code of Object.keys(BILLING_ERRORS) as BillingErrorCode[]) {
      const entry = (PLATFORM_ERRORS as Record<string, { status: number; meaning: string } | undefined>)[
        code
      ];
      expect(entry, code).toMatchObject({
        status: BILLING_ERRORS[code].status,
        meaning: BILLING_ERRORS[code].meaning,
      });
    }
    const mapped = toPlatformError(new BillingError('INSUFFICIENT_FUNDS', 'no money', { hint: 'top up' }));
    expect(mapped).toMatchObject({ code: 'INSUFFICIENT_FUNDS', status: 402, message: 'no money (top up)' });
  });
});
