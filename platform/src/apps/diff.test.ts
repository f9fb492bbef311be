import { describe, expect, it } from 'vitest';
import { diffManifests } from './diff.js';

const base = {
  name: 'llm',
  version: '1.0.0',
  resources: { minimum: { gpus: { count: 1, models: ['H100'] } } },
  meters: [{ name: 'requests' }, { name: 'tokens' }],
  billing: {
    currency: 'USD',
    hourlyPrice: '1.00',
    metered: [
      { meter: 'requests', pricePerUnit: '0.001' },
      { meter: 'tokens', pricePerUnit: { micros: 10 } },
    ],
  },
  permissions: { scopes: ['projects:read', 'billing:read'] },
};

describe('diffManifests', () => {
  it.each([
    [
      'nothing changed',
      {
        given: base,
        want: {
          permissions: { added: [], removed: [] },
          meters: { added: [], removed: [] },
          prices: [],
          gpu: [],
        },
      },
    ],
    [
      'narrower permissions, a meter and its price dropped, a cheaper hour, other GPU models',
      {
        given: {
          ...base,
          resources: { minimum: { gpus: { count: 1, models: ['A100', 'H100'] } } },
          meters: [{ name: 'requests' }],
          billing: {
            currency: 'USD',
            hourlyPrice: '0.50',
            metered: [{ meter: 'requests', pricePerUnit: '0.001' }],
          },
          permissions: { scopes: ['projects:read'] },
        },
        want: {
          permissions: { added: [], removed: ['billing:read'] },
          meters: { added: [], removed: ['tokens'] },
          prices: [
            { field: 'hourlyPrice', before: '1.00', after: '0.50' },
            { field: 'metered.tokens', before: { micros: 10 }, after: null },
          ],
          gpu: [{ field: 'minimum.gpus.models', before: ['H100'], after: ['A100', 'H100'] }],
        },
      },
    ],
    [
      'a manifest without permissions, meters or billing',
      {
        given: { name: 'llm', version: '2.0.0' },
        want: {
          permissions: { added: [], removed: ['billing:read', 'projects:read'] },
          meters: { added: [], removed: ['requests', 'tokens'] },
          prices: [
            { field: 'currency', before: 'USD', after: null },
            { field: 'hourlyPrice', before: '1.00', after: null },
            { field: 'metered.requests', before: '0.001', after: null },
            { field: 'metered.tokens', before: { micros: 10 }, after: null },
          ],
          gpu: [
            { field: 'minimum.gpus.count', before: 1, after: null },
            { field: 'minimum.gpus.models', before: ['H100'], after: null },
          ],
        },
      },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(diffManifests(base, given)).toEqual(want);
  });

  it('treats an unreadable previous manifest as empty: everything of the new one is added', () => {
    const diff = diffManifests(null, base);
    expect(diff.permissions).toEqual({ added: ['billing:read', 'projects:read'], removed: [] });
    expect(diff.meters.added).toEqual(['requests', 'tokens']);
  });
});
