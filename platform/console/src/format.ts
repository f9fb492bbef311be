/** Display formats: money in micro-units, times, states. Pure functions (format.test.ts). */

/** Integer micro-units of `currency` (a decimal string, as the API sends money) for display. */
export function formatMicros(micros: string, currency: string, locale?: string): string {
  const negative = micros.startsWith('-');
  const digits = (negative ? micros.slice(1) : micros).padStart(7, '0');
  const units = digits.slice(0, -6);
  const fraction = digits.slice(-6);
  // Display only: the value is split as text, so no float ever holds the amount itself.
  const value = Number(`${negative ? '-' : ''}${units}.${fraction}`);
  const precise = fraction.slice(2) !== '0000';
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: precise ? 6 : 2,
  }).format(value);
}

export function formatTime(iso: string | null | undefined, locale?: string): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** `Duration` of the contract: seconds, or parts such as `1h30m` (at most four, up to 7 digits each). */
export const DURATION_PATTERN = '^([0-9]{1,7}|([0-9]{1,7}[smhd]){1,4})$';
/** `Name` of the contract. */
export const NAME_PATTERN = '^[a-z0-9][a-z0-9\\-]{0,62}$';
