/**
 * A version's prices for review, as pure functions (review-prices.test.ts): every price of the
 * manifest with how it moved since the previous approved version (the platform's diff), up or down
 * compared as integer micro-units, never floats.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { formatMicros } from '../../format.js';
import { isRecord, showValue } from './review-diff.js';

export type AppVersionChange = PlatformComponents['schemas']['AppVersionChange'];

const DECIMAL = /^(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,6}))?$/;

/** A manifest amount (`"0.50"` or `{ micros: 500000 }`) as integer micro-units; undefined when it is neither. */
export function moneyMicros(value: unknown): bigint | undefined {
  if (typeof value === 'string') {
    const m = DECIMAL.exec(value);
    if (m === null) return undefined;
    return BigInt(m[1] ?? '0') * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const micros = (value as { micros?: unknown }).micros;
    if (typeof micros === 'number' && Number.isSafeInteger(micros) && micros >= 0) return BigInt(micros);
  }
  return undefined;
}

export type PriceTrend = 'up' | 'down' | 'added' | 'removed' | 'changed' | 'same';

export interface PriceRow {
  field: string;
  label: string;
  before: string;
  after: string;
  trend: PriceTrend;
}

/** `hourlyPrice` → "Hourly price", `metered.tokens` → "Per tokens". */
export function priceLabel(field: string): string {
  if (field === 'hourlyPrice') return 'Hourly price';
  if (field === 'currency') return 'Currency';
  if (field.startsWith('metered.')) return `Per ${field.slice('metered.'.length)}`;
  return field;
}

function showMoney(value: unknown, currency: string, locale: string | undefined): string {
  if (value === null || value === undefined) return '—';
  const micros = moneyMicros(value);
  if (micros === undefined) return showValue(value);
  try {
    return formatMicros(micros.toString(), currency, locale);
  } catch {
    // A currency code Intl does not know: the amount stays exact, the code beside it.
    return `${showValue(value)} ${currency}`;
  }
}

/** The manifest's prices as the platform compares them: `currency`, `hourlyPrice`, `metered.<meter>`. */
export function manifestPrices(manifest: unknown): Map<string, unknown> {
  const billing = isRecord(manifest) ? manifest.billing : undefined;
  const out = new Map<string, unknown>();
  if (!isRecord(billing)) return out;
  if (billing.currency !== undefined) out.set('currency', billing.currency);
  if (billing.hourlyPrice !== undefined) out.set('hourlyPrice', billing.hourlyPrice);
  if (Array.isArray(billing.metered)) {
    for (const entry of billing.metered) {
      if (isRecord(entry) && typeof entry.meter === 'string')
        out.set(`metered.${entry.meter}`, entry.pricePerUnit ?? null);
    }
  }
  return out;
}

function fieldOrder(field: string): string {
  return field === 'currency' ? '0' : field === 'hourlyPrice' ? '1' : `2${field}`;
}

/**
 * Every price of this version, and the ones it dropped, with how each moved since the previous
 * approved version (`changes`, the platform's diff; null for a first version: all `same`). A
 * change of currency makes the amounts incomparable, so they are only marked as changed.
 */
export function priceRows(
  manifest: unknown,
  changes: readonly AppVersionChange[] | null,
  locale?: string,
): PriceRow[] {
  const current = manifestPrices(manifest);
  const currency = typeof current.get('currency') === 'string' ? String(current.get('currency')) : 'USD';
  const currencyChange = changes?.find((c) => c.field === 'currency');
  const previousCurrency = typeof currencyChange?.before === 'string' ? currencyChange.before : currency;
  const rows: PriceRow[] = (changes ?? []).map((c) => {
    const row = { field: c.field, label: priceLabel(c.field) };
    if (c.field === 'currency')
      return { ...row, before: showValue(c.before), after: showValue(c.after), trend: 'changed' as const };
    const was = moneyMicros(c.before);
    const is = moneyMicros(c.after);
    let trend: PriceTrend = 'changed';
    if (c.before === null) trend = 'added';
    else if (c.after === null) trend = 'removed';
    else if (was !== undefined && is !== undefined && currencyChange === undefined)
      trend = is > was ? 'up' : is < was ? 'down' : 'changed';
    return {
      ...row,
      before: showMoney(c.before, previousCurrency, locale),
      after: showMoney(c.after, currency, locale),
      trend,
    };
  });
  for (const [field, value] of current) {
    if (rows.some((r) => r.field === field)) continue;
    const shown = field === 'currency' ? showValue(value) : showMoney(value, currency, locale);
    rows.push({ field, label: priceLabel(field), before: shown, after: shown, trend: 'same' });
  }
  return rows.sort((a, b) => fieldOrder(a.field).localeCompare(fieldOrder(b.field)));
}
