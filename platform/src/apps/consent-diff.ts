/**
 * What a tenant must consent to again when an instance moves to another version: permissions its
 * service account gains, meters it starts being charged on, and prices that rise. Narrowing
 * (permissions or meters dropped, prices lowered) is shown but needs no consent. Permissions and
 * meters are compared as the reviewer's diff compares them (diff.ts); prices as exact micros, the
 * way launches record them (launch-trust.ts), so `"0.5"` and `{ micros: 500000 }` are the same.
 */
import { formatMoney, parseMoney } from '../billing/money.js';
import { PlatformError } from '../errors.js';
import type { ConsentDiffExtension, FieldError } from '../errors.js';
import { diffManifests } from './diff.js';
import { launchPricingOf } from './launch-trust.js';

type Manifest = Record<string, unknown> | null;

/** The `consent_diff` of APP_CONSENT_REQUIRED and of an upgrade's answer (openapi.yaml AppConsentDiff). */
export type ConsentDiff = ConsentDiffExtension;
/** One price that differs: `hourly`, `metered.<meter>` (decimal text or null), or `currency`. */
export type PriceChange = ConsentDiff['prices_changed'][number];

/** Prices as micros, by item; the currency apart (a change of currency raises every price). */
function priceItems(manifest: Manifest): { currency: string | null; items: Map<string, bigint> } {
  const pricing = launchPricingOf(JSON.stringify(manifest), '');
  const items = new Map<string, bigint>();
  if (pricing === null) return { currency: null, items };
  if (pricing.hourly_price_micros !== null) items.set('hourly', BigInt(pricing.hourly_price_micros));
  for (const m of pricing.meters) items.set(`metered.${m.meter}`, BigInt(m.micros));
  return { currency: pricing.currency, items };
}

/**
 * How moving from `before` (the version the instance runs) to `after` changes what the tenant
 * consented to. A manifest whose prices cannot be read is refused (the version would not launch).
 */
export function consentDiff(
  versions: { from: string; to: string },
  before: Manifest,
  after: Manifest,
): ConsentDiff {
  const { permissions, meters } = diffManifests(before, after);
  let was: ReturnType<typeof priceItems>;
  let is: ReturnType<typeof priceItems>;
  try {
    was = priceItems(before);
    is = priceItems(after);
  } catch (error) {
    throw new PlatformError('VALIDATION_FAILED', `a manifest's prices cannot be read: ${String(error)}`, {
      cause: error,
    });
  }
  const currencyChanged = was.currency !== null && is.currency !== null && was.currency !== is.currency;
  const prices: PriceChange[] = currencyChanged
    ? [{ item: 'currency', from: was.currency, to: is.currency }]
    : [];
  for (const item of [...new Set([...was.items.keys(), ...is.items.keys()])].sort()) {
    const from = was.items.get(item);
    const to = is.items.get(item);
    if (from === to && !currencyChanged) continue;
    prices.push({
      item,
      from: from === undefined ? null : formatMoney(from),
      to: to === undefined ? null : formatMoney(to),
    });
  }
  const diff = {
    from_version: versions.from,
    to_version: versions.to,
    permissions_added: permissions.added,
    permissions_removed: permissions.removed,
    meters_added: meters.added,
    meters_removed: meters.removed,
    prices_changed: prices,
  };
  return { ...diff, widening: diff.permissions_added.length > 0 || chargesRise(diff) };
}

/**
 * Whether the tenant may be charged more: a meter added, a price added or raised, or another
 * currency (amounts in two currencies do not compare, so any change of currency counts).
 */
export function chargesRise(diff: Pick<ConsentDiff, 'meters_added' | 'prices_changed'>): boolean {
  return (
    diff.meters_added.length > 0 ||
    diff.prices_changed.some(
      (c) =>
        c.item === 'currency' ||
        (c.to !== null && (c.from === null || parseMoney(c.to) > parseMoney(c.from))),
    )
  );
}

/**
 * Refuses APP_CONSENT_REQUIRED (with the diff) unless every added permission is in `accepted`
 * and, when meters are added or prices raised, the caller accepted the changes.
 */
export function requireUpgradeConsent(
  diff: ConsentDiff,
  consent: { acceptedPermissions: readonly string[]; acceptChanges: boolean },
): void {
  const missing = diff.permissions_added.filter((p) => !consent.acceptedPermissions.includes(p));
  const chargesUnaccepted = chargesRise(diff) && !consent.acceptChanges;
  if (missing.length === 0 && !chargesUnaccepted) return;
  const why = [
    ...(missing.length === 0 ? [] : [`its service account gains ${missing.join(', ')}`]),
    ...(chargesUnaccepted ? ['it may charge more (a meter added, a price added or raised)'] : []),
  ].join(' and ');
  const errors: FieldError[] = [
    ...(missing.length === 0
      ? []
      : [{ in: 'body' as const, pointer: '/accepted_permissions', detail: `missing ${missing.join(', ')}` }]),
    ...(chargesUnaccepted
      ? [
          {
            in: 'body' as const,
            pointer: '/accept_changes',
            detail: 'the new charges need accept_changes: true',
          },
        ]
      : []),
  ];
  throw new PlatformError(
    'APP_CONSENT_REQUIRED',
    `${diff.from_version} → ${diff.to_version} needs fresh consent: ${why}`,
    { errors, consentDiff: diff },
  );
}
