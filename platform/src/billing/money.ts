/**
 * Money is an integer number of micro-units (1 currency unit = 1,000,000 micros) held in a
 * `bigint`, never a float. Decimal text exists only at the edges: `parseMoney` reads it,
 * `formatMoney` writes it.
 */
import { BillingError } from './errors.js';

export const MICROS_PER_UNIT = 1_000_000n;
/** The largest amount a 64-bit signed integer column holds. */
export const MAX_MICROS = 2n ** 63n - 1n;

const MONEY_TEXT = /^(\d+)(?:\.(\d{1,6}))?$/;

/**
 * Parses a non-negative decimal amount with at most six decimals into micros, exactly.
 *
 * @example
 * parseMoney('12.50'); // 12_500_000n
 * parseMoney('0.000001'); // 1n
 */
export function parseMoney(text: string): bigint {
  const match = MONEY_TEXT.exec(text);
  if (match === null)
    throw new BillingError('AMOUNT_INVALID', `"${text}" is not an amount`, { hint: whyNot(text) });
  const [, whole = '0', fraction = ''] = match;
  const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0'));
  if (micros > MAX_MICROS) {
    throw new BillingError('AMOUNT_INVALID', `"${text}" is too large`, {
      hint: `amounts go up to ${formatMoney(MAX_MICROS)}`,
    });
  }
  return micros;
}

function whyNot(text: string): string {
  if (text.trim() === '') return 'give a decimal amount such as 12.50';
  if (text !== text.trim()) return 'remove the surrounding spaces';
  if (/^[+-]/.test(text)) return 'amounts are written without a sign; refunds and debits say the direction';
  if (/[eE]/.test(text)) return 'write the amount in plain decimals (1000, not 1e3)';
  if (/^\d*\.\d{7,}$/.test(text)) return 'at most six decimals (one micro-unit, 0.000001)';
  if (text.includes(',')) return 'use "." as the decimal separator and no thousands separators';
  if (/^\.|\.$/.test(text)) return 'write digits on both sides of the point (0.5, 5.0)';
  return 'digits, optionally "." and up to six decimals, e.g. 12.50';
}

/**
 * Writes micros as decimal text: at least two decimals, more only when they are not zero, so no
 * digit is ever lost: 12_500_000n → '12.50', 1n → '0.000001', -1_234_567n → '-1.234567'.
 * The result parses back to the same amount (`parseMoney`, for non-negative amounts).
 */
export function formatMoney(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  const whole = magnitude / MICROS_PER_UNIT;
  let fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${sign}${whole}.${fraction}`;
}

/**
 * Reads a 64-bit integer column: PostgreSQL's pg returns bigint columns (and sums) as strings,
 * better-sqlite3 as numbers. A number outside the safe-integer range has already lost precision,
 * so it is refused instead of being passed on wrong (queries cast large values to text).
 */
export function toMicros(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`integer column value ${value} is not exact`);
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value)) throw new RangeError(`integer column value "${value}" is not an integer`);
  return BigInt(value);
}
