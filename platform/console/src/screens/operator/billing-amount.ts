/**
 * Amounts an operator types (top-ups, refunds) read exactly into integer micro-units: the text is
 * split into digits, never parsed as a float, so `0.1 + 0.2` style errors cannot reach the
 * ledger. The rules match the platform's `MoneyAmount` (no sign, no exponent, digits on both sides
 * of the point, at most 1000000000 per operation), with a cap on decimals that the caller picks
 * (the currency's minor unit for money received, micro-units for refunds of metered charges).
 */

export const MICROS_PER_UNIT = 1_000_000n;
/** The ledger's precision: one micro-unit. */
export const MICRO_DECIMALS = 6;
/** The most one operation may move (the platform refuses more with AMOUNT_INVALID). */
export const MAX_OPERATION_MICROS = 1_000_000_000n * MICROS_PER_UNIT;

export type AmountResult =
  | { ok: true; micros: bigint; /** Canonical decimal text, as the API takes it. */ amount: string }
  | { ok: false; message: string };

/** Decimals of `currency`'s minor unit (USD 2, JPY 0), at most the ledger's six; 2 if unknown. */
export function currencyDecimals(currency: string): number {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    return Math.min(digits ?? 2, MICRO_DECIMALS);
  } catch {
    return 2;
  }
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Reads `text` (e.g. `12.50`) as micro-units, refusing what the platform or `maxDecimals` would. */
export function parseAmount(text: string, maxDecimals: number = MICRO_DECIMALS): AmountResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter an amount, e.g. 12.50.' };
  if (/^[+-]/.test(trimmed)) return { ok: false, message: 'Enter the amount without a sign.' };
  if (/[eE]/.test(trimmed))
    return { ok: false, message: 'Write the amount in plain decimals (1000, not 1e3).' };
  if (trimmed.includes(','))
    return { ok: false, message: 'Use "." as the decimal point, with no thousands separators.' };
  const match = DECIMAL.exec(trimmed);
  if (match === null)
    return { ok: false, message: 'Enter digits with an optional decimal point, e.g. 12.50.' };
  const [, whole = '0', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > maxDecimals) {
    return {
      ok: false,
      message:
        maxDecimals === 0
          ? 'This currency has no decimals.'
          : `At most ${maxDecimals} decimal${maxDecimals === 1 ? '' : 's'}.`,
    };
  }
  const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(significant.padEnd(MICRO_DECIMALS, '0'));
  if (micros === 0n) return { ok: false, message: 'Enter an amount above zero.' };
  if (micros > MAX_OPERATION_MICROS) return { ok: false, message: 'At most 1000000000 in one operation.' };
  return { ok: true, micros, amount: microsToDecimal(micros) };
}

/** Micro-units as decimal text with no trailing zeros beyond two decimals: 12_500_000n → `12.50`. */
export function microsToDecimal(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  let fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(MICRO_DECIMALS, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${sign}${magnitude / MICROS_PER_UNIT}.${fraction}`;
}
