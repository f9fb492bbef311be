/**
 * What the catalog and consent screens say about an app version, as pure functions: prices
 * (decimal text or integer micro-units, formatted without ever becoming a float), the GPU
 * profile in words, whether the project may launch it, and what each permission lets the app do.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';

export type CatalogApp = PlatformComponents['schemas']['CatalogApp'];
export type CatalogVersion = PlatformComponents['schemas']['CatalogVersion'];
export type AppEntitlement = PlatformComponents['schemas']['AppEntitlement'];
export type Prices = NonNullable<CatalogVersion['prices']>;

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Integer micro-units (decimal text, as the API sends money) as decimal text: `1500000` → `1.5`. */
export function microsToDecimal(micros: string): string {
  const negative = micros.startsWith('-');
  const digits = (negative ? micros.slice(1) : micros).replace(/^0+(?=\d)/, '');
  if (!/^\d+$/.test(digits)) throw new Error(`not integer micro-units: ${micros}`);
  const padded = digits.padStart(7, '0');
  const fraction = padded.slice(-6).replace(/0+$/, '');
  const units = padded.slice(0, -6);
  return `${negative ? '-' : ''}${units}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * A price for display: decimal text (`0.000002`, the manifest's and the catalog's form) with
 * its currency, at least two decimals and every one the price has (up to six). Intl formats the
 * decimal text itself, so the amount never passes through a float.
 */
export function formatPrice(amount: string, currency: string, locale?: string): string {
  if (!DECIMAL.test(amount)) return `${amount} ${currency}`;
  const decimals = Math.min(Math.max(amount.split('.')[1]?.length ?? 0, 2), 6);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: decimals,
    }).format(amount as Intl.StringNumericLiteral);
  } catch {
    // A currency code Intl does not know still shows, with its code.
    return `${amount} ${currency}`;
  }
}

export interface PriceLine {
  /** `hourly` or the meter's name. */
  item: string;
  text: string;
}

/** Every price of a version, in words; empty for a free app. */
export function priceLines(prices: CatalogVersion['prices'], locale?: string): PriceLine[] {
  if (prices === null) return [];
  const lines: PriceLine[] = [];
  if (prices.hourly_price !== null) {
    lines.push({
      item: 'hourly',
      text: `${formatPrice(prices.hourly_price, prices.currency, locale)} per hour while ready`,
    });
  }
  for (const m of prices.metered) {
    lines.push({
      item: m.meter,
      text: `${formatPrice(m.price_per_unit, prices.currency, locale)} per unit of ${m.meter}`,
    });
  }
  return lines;
}

/** The catalog's one-line price: the hourly price, else the first metered one, else Free. */
export function priceSummary(prices: CatalogVersion['prices'], locale?: string): string {
  const [first, ...rest] = priceLines(prices, locale);
  if (first === undefined) return 'Free';
  return rest.length === 0 ? first.text : `${first.text} + ${rest.length} metered`;
}

interface Profile {
  gpus?: { count?: number; models?: string[]; minMemoryGiB?: number; interconnect?: string };
  cpu?: number;
  memoryGiB?: number;
  diskGiB?: number;
}

function profileOf(value: unknown): Profile | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** A workload profile in words: `1 GPU (H100-80GB, ≥ 80 GiB each), 8 CPUs, 64 GiB memory`. */
export function describeProfile(value: unknown): string {
  const profile = profileOf(value);
  if (profile === undefined) return 'none';
  const gpus = profile.gpus ?? {};
  const count = gpus.count ?? 0;
  const details = [
    gpus.models !== undefined && gpus.models.length > 0 ? gpus.models.join(' or ') : 'any model',
    ...(gpus.minMemoryGiB === undefined ? [] : [`≥ ${gpus.minMemoryGiB} GiB each`]),
    ...(gpus.interconnect === 'nvlink' ? ['NVLink'] : []),
  ];
  const parts = [
    count === 0 ? 'no GPU' : `${count} GPU${count === 1 ? '' : 's'} (${details.join(', ')})`,
    ...(profile.cpu === undefined ? [] : [`${profile.cpu} CPU${profile.cpu === 1 ? '' : 's'}`]),
    ...(profile.memoryGiB === undefined ? [] : [`${profile.memoryGiB} GiB memory`]),
    ...(profile.diskGiB === undefined ? [] : [`${profile.diskGiB} GiB disk`]),
  ];
  return parts.join(', ');
}

/** The version's minimum and recommended profiles (the manifest's `resources`). */
export function profilesOf(gpu: CatalogVersion['gpu']): { minimum: string; recommended: string | undefined } {
  if (gpu === null) return { minimum: 'no GPU requirement', recommended: undefined };
  return {
    minimum: describeProfile(gpu.minimum),
    recommended: gpu.recommended === undefined ? undefined : describeProfile(gpu.recommended),
  };
}

/** The version a launch uses by default: the newest published one (else the newest listed). */
export function defaultVersion(app: CatalogApp): CatalogVersion | undefined {
  return (
    app.versions.find((v) => v.version === app.latest_version) ??
    app.versions.find((v) => v.state === 'published') ??
    app.versions[0]
  );
}

/**
 * Whether the project may launch `version`: free and paid apps every project the approval
 * covers (they are in its catalog), `grant` apps only with an active grant.
 */
export function isEntitled(
  appName: string,
  version: Pick<CatalogVersion, 'access'> | undefined,
  grants: readonly Pick<AppEntitlement, 'app' | 'active'>[],
): boolean {
  if (version === undefined) return false;
  if (version.access !== 'grant') return true;
  return grants.some((g) => g.app === appName && g.active);
}

const SCOPES: Record<string, string> = {
  'storage:read': "Read the files in your project's storage volumes",
  'storage:write': "Create, change and delete files in your project's storage volumes",
  'usage:write': 'Report its usage (what the meters below charge for)',
  'apps:read': "See your project's apps and app instances",
  'allocations:read': "See your project's GPU allocations",
  'projects:read': 'See your project and its members',
  'audit:read': "Read your project's audit log",
  'billing:read': "See your project's balance, usage and statements",
};

/** What a permission (a platform scope) lets the app's service account do, in words. */
export function describeScope(scope: string): string {
  return SCOPES[scope] ?? `The platform permission ${scope}`;
}
