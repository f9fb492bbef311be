import { describe, expect, it } from 'vitest';
import { BILLING_ERRORS, BillingError } from './errors.js';

describe('BillingError', () => {
  it('carries its code, the status from the catalog, a hint, details and a cause', () => {
    const cause = new Error('db');
    const error = new BillingError('INSUFFICIENT_FUNDS', 'short', {
      hint: 'top up',
      details: { account_id: 'a' },
      cause,
    });
    expect(error).toMatchObject({
      name: 'BillingError',
      code: 'INSUFFICIENT_FUNDS',
      status: 402,
      hint: 'top up',
      details: { account_id: 'a' },
      cause,
    });
  });

  it('gives every code a client or conflict status and a meaning', () => {
    for (const [code, entry] of Object.entries(BILLING_ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(500);
      expect(entry.meaning.length, code).toBeGreaterThan(10);
    }
  });
});
