/**
 * Usage and spend over time, from the project's charges (GET /v1/billing/charges): each charge
 * becomes one record (when the usage happened, what it was for, GPU time and spend), and the
 * records are summed into time buckets per allocation, app or meter. The API has no time series of
 * its own, so this is the one place that builds it. Money stays in integer micro-units (bigint);
 * GPU time in integer GPU-milliseconds. Pure functions (aggregate.test.ts).
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';

export type Charge = PlatformComponents['schemas']['BillingCharge'];
export type Allocation = PlatformComponents['schemas']['Allocation'];
export type AppInstance = PlatformComponents['schemas']['AppInstance'];

export type Dimension = 'allocation' | 'app' | 'meter';

export interface UsageRecord {
  /** When the usage happened (epoch ms): the charge's period start, else when it was posted. */
  at: number;
  allocationId: string | null;
  /** The app running in the allocation at that time (`publisher/app`), null for none. */
  app: string | null;
  /** What the charge is for: its kind (`gpu_time`, `app_usage`, `app_fee`, `storage`, …). */
  meter: string;
  /** GPUs × the charged period, for GPU time; 0 for everything else. */
  gpuMs: number;
  /** What was charged less what was refunded of it since. */
  spendMicros: bigint;
}

const time = (iso: string | null | undefined): number | undefined => {
  if (iso === null || iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

/** The app instance of `allocationId` in force at `at`: the newest launched at or before it. */
export function appInForce(
  instances: readonly AppInstance[],
  allocationId: string,
  at: number,
): AppInstance | undefined {
  let best: AppInstance | undefined;
  let bestAt = -Infinity;
  for (const instance of instances) {
    if (instance.allocation_id !== allocationId) continue;
    const launched = time(instance.launched_at) ?? Infinity;
    if (launched <= at && launched > bestAt) {
      best = instance;
      bestAt = launched;
    }
  }
  return best;
}

/**
 * One record per charge. GPU time counts the allocation's requested GPUs (what the platform
 * bills) over the charge's period; a charge of an allocation this list lacks counts no GPU time.
 */
export function recordsFromCharges(
  charges: readonly Charge[],
  allocations: readonly Allocation[],
  instances: readonly AppInstance[],
): UsageRecord[] {
  const byId = new Map(allocations.map((a) => [a.id, a]));
  return charges.map((charge) => {
    const start = time(charge.period_start);
    const end = time(charge.period_end);
    const at = start ?? time(charge.created_at) ?? 0;
    const allocation = charge.allocation_id === null ? undefined : byId.get(charge.allocation_id);
    const gpuMs =
      charge.kind === 'gpu_time' && allocation !== undefined && start !== undefined && end !== undefined
        ? Math.max(0, end - start) * allocation.request.count
        : 0;
    const app = charge.allocation_id === null ? undefined : appInForce(instances, charge.allocation_id, at);
    return {
      at,
      allocationId: charge.allocation_id,
      app: app?.app ?? null,
      meter: charge.kind,
      gpuMs,
      spendMicros: BigInt(charge.amount_micros) - BigInt(charge.refunded_micros),
    };
  });
}

export interface Range {
  label: string;
  spanMs: number;
  bucketMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGES = {
  hour: { label: 'Last hour', spanMs: HOUR, bucketMs: MINUTE },
  day: { label: 'Last 24 hours', spanMs: DAY, bucketMs: HOUR },
  week: { label: 'Last 7 days', spanMs: 7 * DAY, bucketMs: 6 * HOUR },
  month: { label: 'Last 30 days', spanMs: 30 * DAY, bucketMs: DAY },
} as const satisfies Record<string, Range>;

export type RangeId = keyof typeof RANGES;

export function isRangeId(value: string): value is RangeId {
  return Object.hasOwn(RANGES, value);
}

/** The buckets' start times (epoch ms, aligned to the bucket size in UTC), the last holding `now`. */
export function bucketStarts(range: Range, now: number): number[] {
  const last = Math.floor(now / range.bucketMs) * range.bucketMs;
  const count = Math.ceil(range.spanMs / range.bucketMs);
  return Array.from({ length: count }, (_, i) => last - (count - 1 - i) * range.bucketMs);
}

export interface Series {
  /** The allocation id, app name or meter; '' for charges without one. */
  key: string;
  gpuMs: number[];
  spendMicros: bigint[];
  totalGpuMs: number;
  totalSpendMicros: bigint;
}

export interface Aggregate {
  starts: number[];
  bucketMs: number;
  /** Most spend first, then most GPU time, then by key. */
  series: Series[];
  totalGpuMs: number;
  totalSpendMicros: bigint;
}

export function keyOf(record: UsageRecord, dimension: Dimension): string {
  switch (dimension) {
    case 'allocation':
      return record.allocationId ?? '';
    case 'app':
      return record.app ?? '';
    case 'meter':
      return record.meter;
  }
}

/** Sums the records that fall in the range's buckets, per key of `dimension`. */
export function aggregate(
  records: readonly UsageRecord[],
  dimension: Dimension,
  range: Range,
  now: number,
): Aggregate {
  const starts = bucketStarts(range, now);
  const first = starts[0] ?? now;
  const end = (starts.at(-1) ?? now) + range.bucketMs;
  const byKey = new Map<string, Series>();
  for (const record of records) {
    if (record.at < first || record.at >= end) continue;
    const index = Math.floor((record.at - first) / range.bucketMs);
    const key = keyOf(record, dimension);
    let series = byKey.get(key);
    if (series === undefined) {
      series = {
        key,
        gpuMs: starts.map(() => 0),
        spendMicros: starts.map(() => 0n),
        totalGpuMs: 0,
        totalSpendMicros: 0n,
      };
      byKey.set(key, series);
    }
    series.gpuMs[index] = (series.gpuMs[index] ?? 0) + record.gpuMs;
    series.spendMicros[index] = (series.spendMicros[index] ?? 0n) + record.spendMicros;
    series.totalGpuMs += record.gpuMs;
    series.totalSpendMicros += record.spendMicros;
  }
  const series = [...byKey.values()].sort(
    (a, b) =>
      compareBig(b.totalSpendMicros, a.totalSpendMicros) ||
      b.totalGpuMs - a.totalGpuMs ||
      a.key.localeCompare(b.key),
  );
  return {
    starts,
    bucketMs: range.bucketMs,
    series,
    totalGpuMs: series.reduce((sum, s) => sum + s.totalGpuMs, 0),
    totalSpendMicros: series.reduce((sum, s) => sum + s.totalSpendMicros, 0n),
  };
}

function compareBig(a: bigint, b: bigint): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Key of the series that sums what `limitSeries` leaves out. */
export const OTHER_KEY = '\u0000other';

/** At most `max` series for a chart: the first `max − 1` and one summing the rest. */
export function limitSeries(series: readonly Series[], max: number): Series[] {
  if (series.length <= max) return [...series];
  const kept = series.slice(0, max - 1);
  const rest = series.slice(max - 1);
  const buckets = rest[0]?.gpuMs.length ?? 0;
  const other: Series = {
    key: OTHER_KEY,
    gpuMs: Array.from({ length: buckets }, (_, i) => rest.reduce((sum, s) => sum + (s.gpuMs[i] ?? 0), 0)),
    spendMicros: Array.from({ length: buckets }, (_, i) =>
      rest.reduce((sum, s) => sum + (s.spendMicros[i] ?? 0n), 0n),
    ),
    totalGpuMs: rest.reduce((sum, s) => sum + s.totalGpuMs, 0),
    totalSpendMicros: rest.reduce((sum, s) => sum + s.totalSpendMicros, 0n),
  };
  return [...kept, other];
}
