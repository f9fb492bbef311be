/**
 * The precision a usage quantity may have. The platform bills exact decimals and refuses a
 * quantity whose shortest decimal form has more than 9 digits after the point or more than 15
 * significant digits (platform/contract/openapi.yaml, `UsageEvent.data.quantity`): `5e-324` would be a
 * 324-digit fraction and `0.1 + 0.2` is `0.30000000000000004`. The runtime refuses such a report
 * when the app makes it, because once in the usage log an event the platform refuses would hold
 * up every event behind it.
 */

/** Digits after the decimal point the platform keeps exactly. */
export const MAX_QUANTITY_SCALE = 9;
/** Significant digits a binary64 float always carries through decimal text. */
export const MAX_QUANTITY_DIGITS = 15;

/** Why `quantity` cannot be billed exactly, or undefined when it can (range is checked elsewhere). */
export function quantityPrecisionProblem(quantity: number): string | undefined {
  if (quantity === 0) return undefined;
  const [mantissa = '', exponent = '0'] = quantity.toExponential().split('e');
  const digits = mantissa.replace('-', '').replace('.', '').length;
  const scale = Math.max(0, digits - 1 - Number(exponent));
  if (scale > MAX_QUANTITY_SCALE) {
    return `quantity ${String(quantity)} has ${scale} digits after the decimal point; at most ${MAX_QUANTITY_SCALE} are billed exactly (use a larger unit, or round it)`;
  }
  if (digits > MAX_QUANTITY_DIGITS) {
    return `quantity ${String(quantity)} has ${digits} significant digits; at most ${MAX_QUANTITY_DIGITS} are billed exactly (round it)`;
  }
  return undefined;
}
