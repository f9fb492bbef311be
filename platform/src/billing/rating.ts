/**
 * Rating arithmetic, pure and exact. Nothing is rounded per event: each step charges the whole
 * micros of the exact running total that the previous steps had not charged yet, so
 *
 *   charge(k) = floor(exact_total(k)) − floor(exact_total(k − 1))
 *
 * and any number of steps charges floor(exact total) in all: a long allocation costs exactly
 * floor(price × duration), and a meter's events cost floor(Σ quantity × price), in any order.
 */
import { BillingError } from './errors.js';

export const SECONDS_PER_HOUR = 3600n;
/** Usage quantities carry at most nine decimals. */
export const QUANTITY_DECIMALS = 9;
export const QUANTITY_SCALE = 10n ** BigInt(QUANTITY_DECIMALS);
/** Fees are in basis points: 10,000 is 100 %. */
export const BASIS_POINTS = 10_000n;

function invalid(message: string, hint?: string): BillingError {
  return new BillingError('RATING_INPUT_INVALID', message, hint === undefined ? {} : { hint });
}

function checkNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw invalid(`${name} must be a non-negative integer, got ${value}`);
}

/** floor(price × gpus × seconds / 3600): GPU time up to `seconds`, rounded down once. */
export function cumulativeGpuCharge(
  priceMicrosPerGpuHour: bigint,
  gpuCount: number,
  seconds: number,
): bigint {
  if (priceMicrosPerGpuHour < 0n) throw invalid(`price ${priceMicrosPerGpuHour} is negative`);
  checkNonNegativeInteger('gpu count', gpuCount);
  checkNonNegativeInteger('seconds', seconds);
  return (priceMicrosPerGpuHour * BigInt(gpuCount) * BigInt(seconds)) / SECONDS_PER_HOUR;
}

/** The charge for running seconds [startSecond, endSecond), consistent with every other interval. */
export function gpuIntervalCharge(
  priceMicrosPerGpuHour: bigint,
  gpuCount: number,
  startSecond: number,
  endSecond: number,
): bigint {
  if (endSecond < startSecond)
    throw invalid(`interval ends (${endSecond}) before it starts (${startSecond})`);
  return (
    cumulativeGpuCharge(priceMicrosPerGpuHour, gpuCount, endSecond) -
    cumulativeGpuCharge(priceMicrosPerGpuHour, gpuCount, startSecond)
  );
}

export interface IntervalBounds {
  index: number;
  startSecond: number;
  /** Exclusive; earlier than the full interval's end only for the final interval. */
  endSecond: number;
}

/**
 * Interval `index` covers running seconds [index·L, (index+1)·L). A non-final interval must be
 * over; the final one ends at `runningSeconds` (release), which must fall inside it.
 */
export function intervalBounds(
  index: number,
  intervalSeconds: number,
  runningSeconds: number,
  final: boolean,
): IntervalBounds {
  checkNonNegativeInteger('interval index', index);
  checkNonNegativeInteger('running seconds', runningSeconds);
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw invalid(`interval length must be a positive number of seconds, got ${intervalSeconds}`);
  }
  const startSecond = index * intervalSeconds;
  const fullEnd = startSecond + intervalSeconds;
  if (!final) {
    if (runningSeconds < fullEnd) {
      throw invalid(
        `interval ${index} ends at second ${fullEnd}; only ${runningSeconds} have run`,
        'rate it once it is over',
      );
    }
    return { index, startSecond, endSecond: fullEnd };
  }
  if (runningSeconds < startSecond || runningSeconds > fullEnd) {
    throw invalid(
      `the final interval ${index} covers seconds ${startSecond}–${fullEnd}, not ${runningSeconds}`,
    );
  }
  return { index, startSecond, endSecond: runningSeconds };
}

/**
 * The index of the final interval for a release after `runningSeconds`: the one starting at or
 * before it. A release exactly on a boundary gets a final interval of zero seconds, so the
 * intervals before it are all rated the same way whether or not the release came first.
 */
export function finalIntervalIndex(runningSeconds: number, intervalSeconds: number): number {
  checkNonNegativeInteger('running seconds', runningSeconds);
  return Math.floor(runningSeconds / intervalSeconds);
}

const QUANTITY_TEXT = /^(\d+)(?:\.(\d+))?$/;

/** A usage quantity (non-negative decimal text, ≤ 9 decimals) in billionths, exactly. */
export function parseQuantity(text: string): bigint {
  const match = QUANTITY_TEXT.exec(text);
  const fraction = match?.[2] ?? '';
  if (match === null || fraction.length > QUANTITY_DECIMALS) {
    throw new BillingError('AMOUNT_INVALID', `"${text}" is not a usage quantity`, {
      hint: `a non-negative decimal with at most ${QUANTITY_DECIMALS} decimals, without exponent`,
    });
  }
  return BigInt(match[1] ?? '0') * QUANTITY_SCALE + BigInt(fraction.padEnd(QUANTITY_DECIMALS, '0'));
}

/** Billionths back to canonical decimal text ('1.500000000' → '1.5'). */
export function formatQuantity(billionths: bigint): string {
  const whole = billionths / QUANTITY_SCALE;
  const fraction = (billionths % QUANTITY_SCALE)
    .toString()
    .padStart(QUANTITY_DECIMALS, '0')
    .replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** A meter's price: `micros` for every `perUnits` units (e.g. 2 USD per 1,000,000 tokens). */
export interface MeterPrice {
  micros: bigint;
  perUnits?: bigint;
}

/** What is carried between events of one (launch, meter). */
export interface UsageCarry {
  /** Denominator of `chargeRemainder`: QUANTITY_SCALE × perUnits. */
  denominator: bigint;
  /** Exact charge not yet billed, in 1/denominator micros; 0 ≤ it < denominator. */
  chargeRemainder: bigint;
  /** Fee not yet taken, in 1/10,000 micros; 0 ≤ it < 10,000. */
  feeRemainder: bigint;
}

export function emptyCarry(price: MeterPrice): UsageCarry {
  return { denominator: denominatorOf(price), chargeRemainder: 0n, feeRemainder: 0n };
}

export function denominatorOf(price: MeterPrice): bigint {
  const perUnits = price.perUnits ?? 1n;
  if (price.micros < 0n || perUnits <= 0n)
    throw invalid(`price ${price.micros} per ${perUnits} units is out of range`);
  return QUANTITY_SCALE * perUnits;
}

export interface UsageRating {
  /** Debited from the project: publisherShare + fee, exactly. */
  charge: bigint;
  publisherShare: bigint;
  fee: bigint;
  carry: UsageCarry;
}

/**
 * Rates one event: quantity (billionths) × price plus the carried remainder, charged in whole
 * micros, then split into the platform's fee (basis points of the charge, its remainder carried
 * too) and the publisher's share (the rest, so the split never loses a micro).
 */
export function rateUsage(
  quantity: bigint,
  price: MeterPrice,
  feeBasisPoints: number,
  carry: UsageCarry,
): UsageRating {
  checkFee(feeBasisPoints);
  if (quantity < 0n) throw invalid(`quantity ${quantity} is negative`);
  if (carry.denominator !== denominatorOf(price))
    throw invalid('the carried remainder belongs to another price');
  const exact = carry.chargeRemainder + quantity * price.micros;
  const charge = exact / carry.denominator;
  const feeExact = carry.feeRemainder + charge * BigInt(feeBasisPoints);
  const fee = feeExact / BASIS_POINTS;
  return {
    charge,
    fee,
    publisherShare: charge - fee,
    carry: {
      denominator: carry.denominator,
      chargeRemainder: exact % carry.denominator,
      feeRemainder: feeExact % BASIS_POINTS,
    },
  };
}

export function checkFee(feeBasisPoints: number): void {
  if (!Number.isSafeInteger(feeBasisPoints) || feeBasisPoints < 0 || feeBasisPoints > 10_000) {
    throw invalid(`fee ${feeBasisPoints} basis points is out of range`, 'between 0 and 10000 (100 %)');
  }
}
