/**
 * The prices an app was launched with, as the app registry records them on each launch
 * (`app_launches.pricing`, JSON), turned into what the usage rater takes (`LaunchPricing`).
 *
 * The app's hourly price is charged for the time the app is ready, which the runtime reports as
 * its own usage: `app_seconds` events (origin `runtime`, runtime/src/metering/usage.ts). Those are
 * rated as a meter of their own, `HOURLY_METER`, at `hourly_price_micros` per 3,600 seconds, so
 * the carried remainder makes N seconds cost floor(price × N / 3600) in all, however they are
 * split into events. The key cannot clash with an app's meter: those are lower snake case.
 */
import { BillingError } from './errors.js';
import { SECONDS_PER_HOUR } from './rating.js';
import type { MeterPrice } from './rating.js';
import type { LaunchPricing, UsageEventInput } from './usage-state.js';

/** The meter under which ready time is rated at the app's hourly price. */
export const HOURLY_METER = 'runtime/app_seconds';
/** The runtime's own meter that reports ready time, in seconds. */
export const READY_TIME_METER = 'app_seconds';

/** `app_launches.pricing` as the registry writes it (apps-spec: amounts as decimal strings). */
export interface StoredLaunchPricing {
  currency: string;
  hourly_price_micros: string | null;
  meters: {
    meter: string;
    unit?: string | null;
    micros: string | number;
    per_units?: string | number | null;
  }[];
  publisher_project_id: string;
  fee_bps: number;
}

export interface AppLaunchRef {
  launchId: string;
  allocationId: string;
  projectId: string;
}

export interface AppPricing {
  launch: LaunchPricing;
  /** The hourly price, or null when the app charges none. */
  hourlyMicros: bigint | null;
}

function invalid(launchId: string, why: string): BillingError {
  return new BillingError('RATING_INPUT_INVALID', `the pricing of launch ${launchId} ${why}`);
}

function integer(launchId: string, what: string, value: unknown): bigint {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text))
    throw invalid(launchId, `has ${what} "${String(value)}"`);
  return BigInt(text);
}

/** Parses a launch's stored pricing; null when the launch charges nothing beyond GPU time. */
export function appPricingOf(ref: AppLaunchRef, stored: string | null): AppPricing | null {
  if (stored === null || stored === '') return null;
  let pricing: StoredLaunchPricing;
  try {
    pricing = JSON.parse(stored) as StoredLaunchPricing;
  } catch {
    throw invalid(ref.launchId, 'is not JSON');
  }
  if (typeof pricing !== 'object' || pricing === null) return null;
  const meters: Record<string, MeterPrice> = {};
  for (const m of pricing.meters ?? []) {
    meters[m.meter] = {
      micros: integer(ref.launchId, `meter ${m.meter}'s price`, m.micros),
      perUnits:
        m.per_units === undefined || m.per_units === null
          ? 1n
          : integer(ref.launchId, 'per_units', m.per_units),
    };
  }
  const hourlyMicros =
    pricing.hourly_price_micros === null || pricing.hourly_price_micros === undefined
      ? null
      : integer(ref.launchId, 'an hourly price', pricing.hourly_price_micros);
  if (hourlyMicros !== null) meters[HOURLY_METER] = { micros: hourlyMicros, perUnits: SECONDS_PER_HOUR };
  if (Object.keys(meters).length === 0) return null;
  return {
    hourlyMicros,
    launch: {
      launchId: ref.launchId,
      allocationId: ref.allocationId,
      projectId: ref.projectId,
      publisherId: pricing.publisher_project_id,
      currency: pricing.currency,
      feeBasisPoints: pricing.fee_bps,
      meters,
    },
  };
}

/** A stored usage event as the rater sees it. */
export interface StoredUsageEvent {
  id: string;
  meter: string;
  origin: 'app' | 'runtime';
  /** Exact decimal text (usage_events.quantity). */
  quantity: string;
  occurredAt: string;
}

/**
 * The events the launch's prices charge: the app's own meters that have a price, and the
 * runtime's ready time when the app has an hourly price. Anything else (a meter without a
 * price, `gpu_seconds`, which GPU-time rating charges) is stored and not charged.
 */
export function chargeableEvents(
  pricing: AppPricing,
  events: readonly StoredUsageEvent[],
): UsageEventInput[] {
  const priced: UsageEventInput[] = [];
  for (const event of events) {
    let meter: string | undefined;
    if (event.origin === 'runtime') {
      if (event.meter === READY_TIME_METER && pricing.hourlyMicros !== null) meter = HOURLY_METER;
    } else if (Object.hasOwn(pricing.launch.meters, event.meter) && event.meter !== HOURLY_METER) {
      meter = event.meter;
    }
    if (meter !== undefined) {
      priced.push({ eventId: event.id, meter, quantity: event.quantity, occurredAt: event.occurredAt });
    }
  }
  return priced;
}
