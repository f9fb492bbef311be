/**
 * How usage is written on screen: series names, GPU-seconds, time buckets, and money as a plotted
 * number (the only place money becomes a float: a chart's y values). Pure (usage-format.test.ts).
 */
import { OTHER_KEY } from './aggregate.js';
import type { Allocation, Dimension } from './aggregate.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const METER_LABELS: Record<string, string> = {
  gpu_time: 'GPU time',
  app_usage: 'App usage',
  app_fee: 'Platform fee on app usage',
  storage: 'Storage',
};

/** What a series is called on screen. */
export function seriesLabel(
  key: string,
  dimension: Dimension,
  allocations: ReadonlyMap<string, Allocation>,
): string {
  if (key === OTHER_KEY) return 'Other';
  switch (dimension) {
    case 'allocation': {
      if (key === '') return 'No allocation';
      const name = allocations.get(key)?.name;
      return name === null || name === undefined ? key.slice(0, 8) : name;
    }
    case 'app':
      return key === '' ? 'No app' : key;
    case 'meter':
      return METER_LABELS[key] ?? key;
  }
}

/** GPU-milliseconds as GPU-seconds text: whole seconds, or up to three decimals. */
export function formatGpuSeconds(gpuMs: number): string {
  const whole = Math.trunc(gpuMs / 1000);
  const rest = Math.abs(gpuMs % 1000);
  const text = whole.toLocaleString('en-US');
  return rest === 0 ? text : `${text}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Micro-units as a plotted number of currency units (only a chart's y values are ever floats). */
export function plotUnits(micros: bigint): number {
  return Number(micros) / 1_000_000;
}

/** A bucket's start for people, as precise as the bucket size needs (in the viewer's time zone). */
export function bucketLabel(ms: number, bucketMs: number, locale?: string, timeZone?: string): string {
  const zone = timeZone === undefined ? {} : { timeZone };
  const date = new Date(ms);
  if (bucketMs >= DAY) return date.toLocaleDateString(locale, { month: 'short', day: 'numeric', ...zone });
  if (bucketMs >= HOUR)
    return date.toLocaleString(locale, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      ...zone,
    });
  return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', ...zone });
}
