import { describe, expect, it } from 'vitest';
import {
  OTHER_KEY,
  RANGES,
  aggregate,
  appInForce,
  bucketStarts,
  limitSeries,
  recordsFromCharges,
} from './aggregate.js';
import type { Allocation, AppInstance, Charge, UsageRecord } from './aggregate.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function charge(over: Partial<Charge>): Charge {
  return {
    id: 'gpu:a:0',
    kind: 'gpu_time',
    project_id: 'p',
    currency: 'USD',
    allocation_id: 'a',
    amount_micros: 1000,
    refunded_micros: 0,
    period_start: iso(T0),
    period_end: iso(T0 + 60_000),
    transfer_ids: ['gpu:a:0'],
    created_at: iso(T0 + 61_000),
    ...over,
  };
}

const allocation = (id: string, count: number, name: string | null = null) =>
  ({
    id,
    name,
    request: { count, models: [], min_memory_gib: null, topology: 'node' },
  }) as unknown as Allocation;
const instance = (allocationId: string, app: string, launchedAt: number) =>
  ({
    id: `${app}@${launchedAt}`,
    allocation_id: allocationId,
    app,
    launched_at: iso(launchedAt),
  }) as AppInstance;

const record = (over: Partial<UsageRecord>): UsageRecord => ({
  at: T0,
  allocationId: 'a',
  app: null,
  meter: 'gpu_time',
  gpuMs: 0,
  spendMicros: 0n,
  ...over,
});

describe('recordsFromCharges', () => {
  it('counts GPU time as requested GPUs × the period, spend net of refunds', () => {
    const [r] = recordsFromCharges(
      [charge({ amount_micros: 83_333, refunded_micros: 80_000 })],
      [allocation('a', 2)],
      [],
    );
    expect(r).toEqual({
      at: T0,
      allocationId: 'a',
      app: null,
      meter: 'gpu_time',
      gpuMs: 120_000,
      spendMicros: 3_333n,
    });
  });

  it.each([
    ['app usage', charge({ kind: 'app_usage' }), 0],
    ['an allocation it does not know', charge({ allocation_id: 'zzz' }), 0],
    ['no period', charge({ period_start: null, period_end: null }), 0],
  ])('counts no GPU time for %s', (_, c, gpuMs) => {
    expect(recordsFromCharges([c], [allocation('a', 1)], [])[0]?.gpuMs).toBe(gpuMs);
  });

  it('dates a charge without a period by when it was posted', () => {
    const [r] = recordsFromCharges(
      [charge({ kind: 'storage', allocation_id: null, period_start: null, period_end: null })],
      [],
      [],
    );
    expect(r).toMatchObject({ at: T0 + 61_000, allocationId: null, app: null, meter: 'storage' });
  });

  it('names the app in force in the allocation when the usage happened', () => {
    const instances = [instance('a', 'acme/old', T0 - 10_000), instance('a', 'acme/new', T0 + 30_000)];
    const records = recordsFromCharges(
      [charge({}), charge({ id: 'gpu:a:1', period_start: iso(T0 + 60_000), period_end: iso(T0 + 120_000) })],
      [allocation('a', 1)],
      instances,
    );
    expect(records.map((r) => r.app)).toEqual(['acme/old', 'acme/new']);
    expect(appInForce(instances, 'a', T0 - 20_000)).toBeUndefined();
    expect(appInForce(instances, 'other', T0)).toBeUndefined();
  });

  it('keeps money exact beyond 2^53 micro-units', () => {
    const [r] = recordsFromCharges(
      [charge({ amount_micros: 9_007_199_254_740_991, refunded_micros: 1 })],
      [allocation('a', 1)],
      [],
    );
    expect(r?.spendMicros).toBe(9_007_199_254_740_990n);
  });
});

describe('bucketStarts', () => {
  it('ends with the bucket holding now, aligned to the bucket size', () => {
    const now = T0 + 90_500;
    const starts = bucketStarts(RANGES.hour, now);
    expect(starts).toHaveLength(60);
    expect(starts.at(-1)).toBe(T0 + 60_000);
    expect(starts[0]).toBe(T0 + 60_000 - 59 * 60_000);
    expect(bucketStarts(RANGES.month, now)).toHaveLength(30);
    expect(bucketStarts(RANGES.week, now)).toHaveLength(28);
  });
});

describe('aggregate', () => {
  const now = T0 + 5 * 60_000;
  const records = [
    record({ at: T0, gpuMs: 60_000, spendMicros: 41_500n }),
    record({ at: T0 + 30_000, gpuMs: 30_000, spendMicros: 20_750n }),
    record({ at: T0 + 60_000, gpuMs: 60_000, spendMicros: 41_500n }),
    record({ at: T0 + 60_000, allocationId: 'b', app: 'acme/chat', gpuMs: 120_000, spendMicros: 83_000n }),
    record({ at: T0 + 60_000, allocationId: 'b', app: 'acme/chat', meter: 'app_usage', spendMicros: 7n }),
    // Outside the range: before it, and in the future.
    record({ at: T0 - 2 * 3_600_000, gpuMs: 1, spendMicros: 1n }),
    record({ at: now + 60_000, gpuMs: 1, spendMicros: 1n }),
  ];

  it('sums per allocation into the buckets, most spend first', () => {
    const result = aggregate(records, 'allocation', RANGES.hour, now);
    expect(result.series.map((s) => s.key)).toEqual(['a', 'b']);
    const [a, b] = result.series;
    const i0 = result.starts.indexOf(T0);
    expect(a?.gpuMs.slice(i0, i0 + 2)).toEqual([90_000, 60_000]);
    expect(a?.spendMicros.slice(i0, i0 + 2)).toEqual([62_250n, 41_500n]);
    expect(a).toMatchObject({ totalGpuMs: 150_000, totalSpendMicros: 103_750n });
    expect(b).toMatchObject({ totalGpuMs: 120_000, totalSpendMicros: 83_007n });
    expect(result.totalSpendMicros).toBe(186_757n);
    expect(result.totalGpuMs).toBe(270_000);
    // Every bucket adds up to the totals.
    for (const s of result.series) {
      expect(s.spendMicros.reduce((x, y) => x + y, 0n)).toBe(s.totalSpendMicros);
      expect(s.gpuMs.reduce((x, y) => x + y, 0)).toBe(s.totalGpuMs);
    }
  });

  it('groups per app and per meter', () => {
    expect(
      aggregate(records, 'app', RANGES.hour, now).series.map((s) => [s.key, s.totalSpendMicros]),
    ).toEqual([
      ['', 103_750n],
      ['acme/chat', 83_007n],
    ]);
    expect(aggregate(records, 'meter', RANGES.hour, now).series.map((s) => [s.key, s.totalGpuMs])).toEqual([
      ['gpu_time', 270_000],
      ['app_usage', 0],
    ]);
  });

  it('is empty with no records in range', () => {
    const result = aggregate([], 'allocation', RANGES.day, now);
    expect(result.series).toEqual([]);
    expect(result.totalSpendMicros).toBe(0n);
    expect(result.starts).toHaveLength(24);
  });
});

describe('limitSeries', () => {
  it('keeps max − 1 series and sums the rest into Other', () => {
    const now = T0 + 60_000;
    const many = ['a', 'b', 'c', 'd'].map((id, i) =>
      record({ allocationId: id, spendMicros: BigInt(10 - i), gpuMs: 1 }),
    );
    const { series } = aggregate(many, 'allocation', RANGES.hour, now);
    const limited = limitSeries(series, 3);
    expect(limited.map((s) => s.key)).toEqual(['a', 'b', OTHER_KEY]);
    expect(limited[2]).toMatchObject({ totalSpendMicros: 15n, totalGpuMs: 2 });
    expect(limited[2]?.spendMicros.reduce((x, y) => x + y, 0n)).toBe(15n);
    expect(limitSeries(series, 4)).toHaveLength(4);
  });
});
