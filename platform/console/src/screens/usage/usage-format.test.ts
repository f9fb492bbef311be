import { describe, expect, it } from 'vitest';
import { OTHER_KEY } from './aggregate.js';
import type { Allocation } from './aggregate.js';
import { bucketLabel, formatGpuSeconds, plotUnits, seriesLabel } from './usage-format.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const allocation = (id: string, count: number, name: string | null = null) =>
  ({
    id,
    name,
    request: { count, models: [], min_memory_gib: null, topology: 'node' },
  }) as unknown as Allocation;

describe('labels and numbers', () => {
  const allocations = new Map([
    ['0b9c1c1e-1111', allocation('0b9c1c1e-1111', 1, 'train')],
    ['ffffffff-2222', allocation('ffffffff-2222', 1)],
  ]);
  it.each([
    ['0b9c1c1e-1111', 'allocation', 'train'],
    ['ffffffff-2222', 'allocation', 'ffffffff'],
    ['', 'allocation', 'No allocation'],
    ['', 'app', 'No app'],
    ['acme/chat', 'app', 'acme/chat'],
    ['gpu_time', 'meter', 'GPU time'],
    ['app_fee', 'meter', 'Platform fee on app usage'],
    ['tokens', 'meter', 'tokens'],
    [OTHER_KEY, 'meter', 'Other'],
  ] as const)('%s per %s → %s', (key, dimension, want) => {
    expect(seriesLabel(key, dimension, allocations)).toBe(want);
  });

  it.each([
    [0, '0'],
    [60_000, '60'],
    [1_234_567_000, '1,234,567'],
    [1_500, '1.5'],
    [1_005, '1.005'],
  ])('%i GPU-ms → %s GPU-s', (ms, want) => {
    expect(formatGpuSeconds(ms)).toBe(want);
  });

  it.each([
    [60_000, '10:00 AM'],
    [3_600_000, 'Dec 7, 10:00 AM'],
    [86_400_000, 'Dec 7'],
  ])('labels a bucket of %i ms', (bucketMs, want) => {
    expect(bucketLabel(T0, bucketMs, 'en-US', 'UTC')).toBe(want);
  });

  it('plots micro-units as currency units', () => {
    expect(plotUnits(12_500_000n)).toBe(12.5);
    expect(plotUnits(-1n)).toBe(-0.000001);
  });
});
