import { describe, expect, it } from 'vitest';
import { consentDiffRows } from './apps-instances-upgrade.js';

describe('gpuaas apps instances upgrade: the consent diff table', () => {
  it('lists each change and whether it needs consent', () => {
    const rows = consentDiffRows({
      from_version: '1.0.0',
      to_version: '2.0.0',
      permissions_added: ['billing:read'],
      permissions_removed: ['projects:read'],
      meters_added: ['tokens'],
      meters_removed: [],
      prices_changed: [
        { item: 'hourly', from: '0.50', to: '0.40' },
        { item: 'metered.tokens', from: null, to: '0.000002' },
      ],
      widening: true,
    });
    expect(rows).toEqual([
      ['permission', 'billing:read', 'added', 'yes'],
      ['permission', 'projects:read', 'removed', 'no'],
      ['meter', 'tokens', 'added', 'yes'],
      ['price', 'hourly', '0.50 → 0.40', 'no'],
      ['price', 'metered.tokens', '- → 0.000002', 'yes'],
    ]);
  });
});
