import { describe, expect, it } from 'vitest';
import type { PlatformError } from '../errors.js';
import { consentDiff, requireUpgradeConsent } from './consent-diff.js';
import type { ConsentDiff } from './consent-diff.js';

const v1 = {
  name: 'llm',
  meters: [{ name: 'requests' }],
  billing: {
    currency: 'USD',
    hourlyPrice: '1.00',
    metered: [{ meter: 'requests', pricePerUnit: '0.001' }],
  },
  permissions: { scopes: ['projects:read'] },
};

const diffTo = (after: Record<string, unknown> | null, before: Record<string, unknown> | null = v1) =>
  consentDiff({ from: '1.0.0', to: '2.0.0' }, before, after);

describe('consentDiff', () => {
  type Manifest = Record<string, unknown>;
  it.each<[string, { given: Manifest; before?: Manifest; want: Partial<ConsentDiff> }]>([
    [
      'the same manifest (prices spelled as micros) needs nothing',
      {
        given: {
          ...v1,
          billing: {
            ...v1.billing,
            hourlyPrice: { micros: 1_000_000 },
            metered: [{ meter: 'requests', pricePerUnit: { micros: 1000 } }],
          },
        },
        want: { permissions_added: [], meters_added: [], prices_changed: [], widening: false },
      },
    ],
    [
      'a permission added widens',
      {
        given: { ...v1, permissions: { scopes: ['projects:read', 'billing:read'] } },
        want: { permissions_added: ['billing:read'], permissions_removed: [], widening: true },
      },
    ],
    [
      'a permission removed narrows',
      {
        given: { ...v1, permissions: { scopes: [] } },
        want: { permissions_added: [], permissions_removed: ['projects:read'], widening: false },
      },
    ],
    [
      'a meter added widens, even unpriced',
      {
        given: { ...v1, meters: [{ name: 'requests' }, { name: 'tokens' }] },
        want: { meters_added: ['tokens'], prices_changed: [], widening: true },
      },
    ],
    [
      'a meter and its price dropped narrow',
      {
        given: { ...v1, meters: [], billing: { currency: 'USD', hourlyPrice: '1.00' } },
        want: {
          meters_removed: ['requests'],
          prices_changed: [{ item: 'metered.requests', from: '0.001', to: null }],
          widening: false,
        },
      },
    ],
    [
      'a raised hourly price widens',
      {
        given: { ...v1, billing: { ...v1.billing, hourlyPrice: '1.25' } },
        want: { prices_changed: [{ item: 'hourly', from: '1.00', to: '1.25' }], widening: true },
      },
    ],
    [
      'a lowered metered price narrows',
      {
        given: {
          ...v1,
          billing: { ...v1.billing, metered: [{ meter: 'requests', pricePerUnit: '0.0005' }] },
        },
        want: {
          prices_changed: [{ item: 'metered.requests', from: '0.001', to: '0.0005' }],
          widening: false,
        },
      },
    ],
    [
      'a free app that starts charging widens',
      {
        before: { name: 'llm', meters: v1.meters, permissions: v1.permissions },
        given: v1,
        want: {
          prices_changed: [
            { item: 'hourly', from: null, to: '1.00' },
            { item: 'metered.requests', from: null, to: '0.001' },
          ],
          widening: true,
        },
      },
    ],
    [
      'another currency widens, every price listed',
      {
        given: { ...v1, billing: { ...v1.billing, currency: 'EUR' } },
        want: {
          prices_changed: [
            { item: 'currency', from: 'USD', to: 'EUR' },
            { item: 'hourly', from: '1.00', to: '1.00' },
            { item: 'metered.requests', from: '0.001', to: '0.001' },
          ],
          widening: true,
        },
      },
    ],
  ])('%s', (_name, { given, before, want }) => {
    expect(diffTo(given, before)).toMatchObject({ from_version: '1.0.0', to_version: '2.0.0', ...want });
  });
});

describe('requireUpgradeConsent', () => {
  const refusal = (diff: ConsentDiff, consent: { acceptedPermissions: string[]; acceptChanges: boolean }) => {
    try {
      requireUpgradeConsent(diff, consent);
      return undefined;
    } catch (error) {
      return error as PlatformError;
    }
  };

  it('passes a narrowing move without any consent', () => {
    const diff = diffTo({
      ...v1,
      permissions: { scopes: [] },
      billing: { ...v1.billing, hourlyPrice: '0.50' },
    });
    expect(refusal(diff, { acceptedPermissions: [], acceptChanges: false })).toBeUndefined();
  });

  it('needs each added permission accepted, and accept_changes for new charges', () => {
    const diff = diffTo({
      ...v1,
      permissions: { scopes: ['projects:read', 'billing:read'] },
      billing: { ...v1.billing, hourlyPrice: '2.00' },
    });
    const none = refusal(diff, { acceptedPermissions: [], acceptChanges: false });
    expect(none?.code).toBe('APP_CONSENT_REQUIRED');
    expect(none?.consentDiff).toEqual(diff);
    expect(none?.errors?.map((e) => e.pointer)).toEqual(['/accepted_permissions', '/accept_changes']);
    const permissionsOnly = refusal(diff, { acceptedPermissions: ['billing:read'], acceptChanges: false });
    expect(permissionsOnly?.errors?.map((e) => e.pointer)).toEqual(['/accept_changes']);
    const changesOnly = refusal(diff, { acceptedPermissions: [], acceptChanges: true });
    expect(changesOnly?.errors?.map((e) => e.pointer)).toEqual(['/accepted_permissions']);
    expect(refusal(diff, { acceptedPermissions: ['billing:read'], acceptChanges: true })).toBeUndefined();
  });
});
