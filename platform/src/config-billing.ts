/**
 * Options of billing: the platform's one currency, the starter credit of new projects, the
 * length of a GPU-time interval, the rater's period, the late window of usage and the grace period between "funds
 * exhausted" and the release of a project's running allocations (docs/billing.md).
 */
import { isBillingError } from './billing/errors.js';
import { parseMoney } from './billing/money.js';
import type { GpuSkuSpec } from './config-compute.js';

export interface BillingOptions {
  /** ISO 4217 code of every account and price (default `USD`). */
  currency?: string;
  /** Promotional credit each new project gets, as decimal text (default `25.00`; `0` disables it). */
  starterCredit?: string;
  /** Days until the starter credit expires (default 30). */
  starterCreditDays?: number;
  /** Length of a rated interval of GPU time, in seconds: each hold covers one (default 60). */
  intervalSeconds?: number;
  /** Seconds between "funds exhausted" and the release of the project's running allocations (default 30). */
  graceSeconds?: number;
  /** Period of the rater loop (default 5000 ms). */
  raterIntervalMs?: number;
  /**
   * Days after a month's end during which usage events still rate into it; then its statements
   * close automatically and older events are refused (default 35).
   */
  lateWindowDays?: number;
  /**
   * Refunds above this amount (decimal text) need a second operator's approval (docs/billing.md);
   * default: none do.
   */
  refundApprovalAbove?: string;
}

export interface BillingConfig {
  currency: string;
  /** Micros; 0n disables the starter credit. */
  starterCredit: bigint;
  starterCreditDays: number;
  intervalSeconds: number;
  graceSeconds: number;
  raterIntervalMs: number;
  lateWindowDays: number;
  /** Micros; null: no refund needs a second operator. */
  refundApprovalAbove: bigint | null;
}

type Check = (name: string, value: number | undefined, fallback: number, max?: number) => number;

/** The longest grace period: a day, so a typo cannot leave unpaid allocations running for weeks. */
const MAX_GRACE_SECONDS = 86_400;

export function compileBilling(options: BillingOptions, positive: Check, errors: string[]): BillingConfig {
  const currency = options.currency ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) {
    errors.push(`billing.currency must be an ISO 4217 code such as USD (got "${currency}")`);
  }
  let starterCredit = 0n;
  try {
    starterCredit = parseMoney(options.starterCredit ?? '25.00');
  } catch (error) {
    if (!isBillingError(error)) throw error;
    errors.push(
      `billing.starterCredit: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}`,
    );
  }
  const graceSeconds = options.graceSeconds ?? 30;
  // Zero is allowed: release as soon as the next interval cannot be held.
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
    errors.push(
      `billing.graceSeconds must be an integer from 0 to ${MAX_GRACE_SECONDS} (got ${graceSeconds})`,
    );
  }
  let refundApprovalAbove: bigint | null = null;
  if (options.refundApprovalAbove !== undefined) {
    try {
      refundApprovalAbove = parseMoney(options.refundApprovalAbove);
    } catch (error) {
      if (!isBillingError(error)) throw error;
      errors.push(`billing.refundApprovalAbove: ${error.message}`);
    }
  }
  return {
    currency,
    starterCredit,
    starterCreditDays: positive('billing.starterCreditDays', options.starterCreditDays, 30, 3650),
    intervalSeconds: positive('billing.intervalSeconds', options.intervalSeconds, 60, 3600),
    graceSeconds,
    raterIntervalMs: positive('billing.raterIntervalMs', options.raterIntervalMs, 5000, 600_000),
    // At most a year: statements must close eventually.
    lateWindowDays: positive('billing.lateWindowDays', options.lateWindowDays, 35, 366),
    refundApprovalAbove,
  };
}

/**
 * Every SKU is priced in the platform's currency: one given in another is a configuration error,
 * one given in none takes it.
 */
export function priceCatalogIn(catalog: GpuSkuSpec[], currency: string, errors: string[]): GpuSkuSpec[] {
  return catalog.map((sku, i) => {
    if (sku.currency !== undefined && sku.currency !== currency) {
      errors.push(
        `compute.catalog[${i}].currency is ${sku.currency} but billing.currency is ${currency}: the platform bills in one currency`,
      );
    }
    return { ...sku, currency };
  });
}
