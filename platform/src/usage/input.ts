/**
 * What a usage event may say, beyond what the OpenAPI schema checks: a JSON number is a binary
 * float, and billing stores exact decimals (usage/decimal.ts), so a quantity must be one whose
 * shortest decimal form is short — `5e-324` would be stored as a 324-digit fraction and
 * `0.1 + 0.2` as `0.30000000000000004`. Times go through the API's date-time check
 * (date-time.ts: no leap second, nothing before 1970), which the schema applies already; the
 * handler needs their instant. Both are refused at the edge with the field named, never turned
 * into a 500 or a surprising number on an invoice.
 */
import { decimalText } from './decimal.js';
import { checkDateTime } from '../date-time.js';

/** Bounds of a usage quantity; openapi.yaml (`UsageEvent.data.quantity`) documents the same. */
export const USAGE_QUANTITY = {
  /** Largest quantity of one event. */
  max: 1e15,
  /** Digits after the decimal point (nano-units). */
  maxScale: 9,
  /** Significant digits: 15 always survive a round trip through a binary64 float. */
  maxDigits: 15,
} as const;

export type Checked = { ok: true; value: string } | { ok: false; detail: string };

/** The quantity as exact decimal text, or why it cannot be billed exactly. */
export function checkQuantity(value: number): Checked {
  if (!Number.isFinite(value) || value < 0 || value > USAGE_QUANTITY.max) {
    return { ok: false, detail: `must be a number from 0 to ${USAGE_QUANTITY.max}` };
  }
  const text = decimalText(value);
  const scale = text.split('.')[1]?.length ?? 0;
  if (scale > USAGE_QUANTITY.maxScale) {
    return {
      ok: false,
      detail:
        `${String(value)} has ${scale} digits after the decimal point; at most ${USAGE_QUANTITY.maxScale} ` +
        'are billed exactly (report a larger unit, or round the quantity)',
    };
  }
  const digits = value === 0 ? 1 : (value.toExponential().split('e')[0] ?? '').replace('.', '').length;
  if (digits > USAGE_QUANTITY.maxDigits) {
    return {
      ok: false,
      detail:
        `${String(value)} has ${digits} significant digits; at most ${USAGE_QUANTITY.maxDigits} ` +
        'survive a JSON number exactly (round it)',
    };
  }
  return { ok: true, value: text };
}

/** The time as ISO 8601 UTC with milliseconds, or why it is refused (the API's one date-time check). */
export function checkTime(text: string): Checked {
  const checked = checkDateTime(text);
  return checked.ok ? { ok: true, value: checked.iso } : checked;
}
