import { describe, expect, it } from 'vitest';
import {
  countChanges,
  flattenManifest,
  gpuFieldLabel,
  gpuProfiles,
  manifestDiff,
  meterNames,
  setRows,
} from './review-diff.js';
import { v1 } from './review-manifests.test.util.js';

describe('setRows', () => {
  it('marks added and removed names, sorted', () => {
    expect(
      setRows(['usage:write', 'storage:read'], { added: ['storage:read'], removed: ['apps:read'] }),
    ).toEqual([
      { name: 'apps:read', change: 'removed' },
      { name: 'storage:read', change: 'added' },
      { name: 'usage:write', change: 'same' },
    ]);
  });

  it('without a previous version everything is as it is', () => {
    expect(setRows(['usage:write'], null)).toEqual([{ name: 'usage:write', change: 'same' }]);
  });
});

describe('flattenManifest', () => {
  it('names array items by their name or meter, others by index', () => {
    const lines = flattenManifest({
      run: { entrypoint: ['a', 'b'], env: {} },
      meters: [{ name: 'tokens', unit: 'token' }],
      hooks: { list: [{ x: 1 }, { x: 2 }] },
      billing: { metered: [{ meter: 'tokens', pricePerUnit: { micros: 1 } }] },
      flag: true,
    });
    expect([...lines]).toEqual([
      ['run.entrypoint', '["a","b"]'],
      ['run.env', '{}'],
      ['meters[tokens].name', 'tokens'],
      ['meters[tokens].unit', 'token'],
      ['hooks.list[0].x', '1'],
      ['hooks.list[1].x', '2'],
      ['billing.metered[tokens].meter', 'tokens'],
      ['billing.metered[tokens].pricePerUnit.micros', '1'],
      ['flag', 'true'],
    ]);
  });

  it('is empty for a manifest that could not be read', () => {
    expect(flattenManifest(null).size).toBe(0);
  });
});

describe('manifestDiff', () => {
  const v2 = {
    ...v1,
    version: '0.2.0',
    run: { entrypoint: ['python3', 'server.py'], env: { PORT: '9000', DEBUG: '1' } },
    resources: { minimum: { gpus: { count: 2, minMemoryGiB: 8 } } },
    meters: [{ name: 'tokens', unit: 'token' }],
    billing: { currency: 'USD', hourlyPrice: '0.30' },
    permissions: { scopes: ['usage:write', 'storage:read'] },
  };

  it('compares line by line, leaving out what the highlights show', () => {
    const lines = manifestDiff(v1, v2);
    expect(lines).toEqual([
      { path: 'name', before: 'echo', after: 'echo', change: 'same' },
      { path: 'version', before: '0.1.0', after: '0.2.0', change: 'changed' },
      {
        path: 'run.entrypoint',
        before: '["python3","server.py"]',
        after: '["python3","server.py"]',
        change: 'same',
      },
      { path: 'run.env.PORT', before: '8000', after: '9000', change: 'changed' },
      { path: 'run.env.DEBUG', before: undefined, after: '1', change: 'added' },
      { path: 'resources.minimum.cpu', before: '1', after: undefined, change: 'removed' },
      { path: 'meters[tokens].name', before: 'tokens', after: 'tokens', change: 'same' },
      { path: 'meters[tokens].unit', before: 'token', after: 'token', change: 'same' },
      { path: 'meters[requests].name', before: 'requests', after: undefined, change: 'removed' },
      { path: 'meters[requests].unit', before: 'request', after: undefined, change: 'removed' },
    ]);
    expect(countChanges(lines)).toEqual({ added: 1, removed: 3, changed: 2, same: 4 });
  });

  it('shows everything when asked to skip nothing', () => {
    const paths = manifestDiff(v1, v2, []).map((l) => l.path);
    expect(paths).toContain('permissions.scopes');
    expect(paths).toContain('billing.hourlyPrice');
    expect(paths).toContain('resources.minimum.gpus.count');
  });

  it('is all added for a first version', () => {
    const lines = manifestDiff(null, v1);
    expect(lines.every((l) => l.change === 'added' && l.before === undefined)).toBe(true);
    expect(lines.map((l) => l.path)).toContain('run.env.PORT');
  });
});

describe('GPU profile and meters', () => {
  it('reads the minimum and recommended profiles', () => {
    expect(
      gpuProfiles({
        resources: {
          minimum: { gpus: { count: 1, minMemoryGiB: 8 } },
          recommended: { gpus: { count: 2, models: ['h100-80gb'], interconnect: 'nvlink', sameNode: true } },
        },
      }),
    ).toEqual([
      { profile: 'minimum', count: '1', models: 'any', minMemoryGiB: '8', other: '' },
      {
        profile: 'recommended',
        count: '2',
        models: 'h100-80gb',
        minMemoryGiB: '—',
        other: 'interconnect nvlink; same node: true',
      },
    ]);
    expect(gpuProfiles({})).toEqual([]);
  });

  it.each([
    ['minimum.gpus.count', 'Minimum GPUs: count'],
    ['recommended.gpus.minMemoryGiB', 'Recommended GPUs: min memory (GiB)'],
    ['minimum.gpus.sameNode', 'Minimum GPUs: same node'],
  ])('%s → %s', (field, want) => {
    expect(gpuFieldLabel(field)).toBe(want);
  });

  it('lists meter names in order', () => {
    expect(meterNames(v1)).toEqual(['tokens', 'requests']);
    expect(meterNames({ meters: 'x' })).toEqual([]);
  });
});
