/**
 * What app-usage rating reads and locks before it writes (usage-rater.ts): the launch's pricing
 * and events, the carries locked and read in one upsert, and one query for the accounts, the
 * project's promotional grants and the events rated before. Kept apart so the rater itself reads
 * as the rating.
 */
import { sql } from 'kysely';
import type { AccountRow, AccountSpec } from './accounts.js';
import { int64Text } from './db.js';
import type { BillingTransaction } from './db.js';
import { BillingError } from './errors.js';
import type { Transfer } from './ledger.js';
import { toMicros } from './money.js';
import { denominatorOf } from './rating.js';
import type { MeterPrice, UsageCarry } from './rating.js';
import { selectTransfers, toTransfer } from './transfers.js';

/** The prices in force for one launch, fixed when it was launched. */
export interface LaunchPricing {
  /** The launch's id: keys the deduplication and the carried remainders. */
  launchId: string;
  /**
   * The allocation the app runs in, named on the charges (`allocation_id`); the launch's id when
   * absent (callers that key launches by allocation).
   */
  allocationId?: string;
  projectId: string;
  publisherId: string;
  currency: string;
  /** The platform's share of every charge, in basis points (1,500 = 15 %). */
  feeBasisPoints: number;
  /** Price per meter name; events for any other meter are refused with METER_UNKNOWN. */
  meters: Readonly<Record<string, MeterPrice>>;
}

export interface UsageEventInput {
  eventId: string;
  meter: string;
  /** Non-negative decimal text, at most nine decimals (as stored in usage_events.quantity). */
  quantity: string;
  /** When the usage happened; the charge's period (defaults to the rating time). */
  occurredAt?: string;
}

/** Events per query when looking up what was rated before (parameters stay well within limits). */
export const LOOKUP_CHUNK = 500;

export interface ParsedEvent {
  event: UsageEventInput;
  price: MeterPrice;
  quantity: bigint;
  canonical: string;
  /** When it happened (the rating time when the event does not say), as a number, its month. */
  when: string;
  time: number;
  month: string;
}

export interface SeenEvent {
  meter: string;
  quantity: string;
  transfer_ids: string;
  charge: string;
  fee: string;
}

export interface HeldCarry {
  value: UsageCarry;
  changed: boolean;
}

/**
 * Creates the batch's (launch, meter) carries when missing, takes their row locks (the upsert's
 * update) and reads them, in one statement. A carry kept at another price is refused.
 */
export async function lockCarries(
  trx: BillingTransaction,
  launch: LaunchPricing,
  parsed: readonly ParsedEvent[],
): Promise<Map<string, HeldCarry>> {
  const prices = new Map<string, MeterPrice>();
  for (const { event, price } of parsed) prices.set(event.meter, price);
  const meters = [...prices.keys()].sort();
  const rows = await trx
    .insertInto('billing_carries')
    .values(
      meters.map((meter) => ({
        launch_id: launch.launchId,
        meter,
        denominator: denominatorOf(prices.get(meter) ?? { micros: 0n }),
        charge_remainder: 0n,
        fee_remainder: 0n,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['launch_id', 'meter']).doUpdateSet((eb) => ({ meter: eb.ref('excluded.meter') })),
    )
    .returning([
      'meter',
      int64Text('denominator').as('denominator'),
      int64Text('charge_remainder').as('charge_remainder'),
      int64Text('fee_remainder').as('fee_remainder'),
    ])
    .execute();
  const carries = new Map<string, HeldCarry>();
  for (const row of rows) {
    const value = {
      denominator: toMicros(row.denominator),
      chargeRemainder: toMicros(row.charge_remainder),
      feeRemainder: toMicros(row.fee_remainder),
    };
    const price = prices.get(row.meter);
    if (price === undefined || value.denominator !== denominatorOf(price)) {
      throw new BillingError(
        'RATING_INPUT_INVALID',
        `meter "${row.meter}" of launch ${launch.launchId} was rated at another price`,
        {
          hint: 'a launch keeps the prices it was launched with',
        },
      );
    }
    carries.set(row.meter, { value, changed: false });
  }
  return carries;
}

export async function saveCarries(
  trx: BillingTransaction,
  launchId: string,
  carries: ReadonlyMap<string, HeldCarry>,
): Promise<void> {
  const changed = [...carries].filter(([, c]) => c.changed);
  if (changed.length === 0) return;
  await trx
    .insertInto('billing_carries')
    .values(
      changed.map(([meter, { value }]) => ({
        launch_id: launchId,
        meter,
        denominator: value.denominator,
        charge_remainder: value.chargeRemainder,
        fee_remainder: value.feeRemainder,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['launch_id', 'meter']).doUpdateSet((eb) => ({
        charge_remainder: eb.ref('excluded.charge_remainder'),
        fee_remainder: eb.ref('excluded.fee_remainder'),
      })),
    )
    .execute();
}

export interface StateRow {
  source: 'account' | 'event';
  a: string;
  b: string;
  c: string | null;
  d: string;
  e: string;
  f: string | null;
}

/**
 * What a rating reads before it writes, in one query (a round trip per batch saved on the hot
 * path): the launch's accounts, the project's spendable promotional grants, and which of the
 * batch's events were rated before. Read after the carries' locks. More than LOOKUP_CHUNK
 * distinct ids in a batch are looked up by further queries.
 */
export async function readState(
  trx: BillingTransaction,
  launch: LaunchPricing,
  specs: readonly AccountSpec[],
  parsed: readonly ParsedEvent[],
  at: string,
): Promise<{ accounts: AccountRow[]; seen: Map<string, SeenEvent> }> {
  const ids = [...new Set(parsed.map((p) => p.event.eventId))];
  const rows = await sql<StateRow>`
    select 'account' as source, id as a, kind as b, owner_id as c, currency as d,
           cast(no_overdraft as text) as e, expires_at as f
      from billing_accounts
     where id in (${sql.join(specs.map((s) => s.id))})
        or (kind = 'project_promo' and owner_id = ${launch.projectId}
            and currency = ${launch.currency} and expires_at > ${at})
    union all
    select 'event', event_id, meter, quantity, transfer_ids,
           cast(charge_micros as text), cast(fee_micros as text)
      from billing_rated_events
     where launch_id = ${launch.launchId} and event_id in (${sql.join(ids.slice(0, LOOKUP_CHUNK))})
  `.execute(trx);
  const accounts: AccountRow[] = [];
  const seen = new Map<string, SeenEvent>();
  for (const r of rows.rows) {
    if (r.source === 'account') {
      accounts.push({
        id: r.a,
        kind: r.b as AccountRow['kind'],
        owner_id: r.c,
        currency: r.d,
        no_overdraft: Number(r.e),
        expires_at: r.f,
      });
    } else {
      seen.set(r.a, { meter: r.b, quantity: r.c ?? '', transfer_ids: r.d, charge: r.e, fee: r.f ?? '0' });
    }
  }
  for (let i = LOOKUP_CHUNK; i < ids.length; i += LOOKUP_CHUNK) {
    const more = await trx
      .selectFrom('billing_rated_events')
      .select([
        'event_id',
        'meter',
        'quantity',
        'transfer_ids',
        int64Text('charge_micros').as('charge'),
        int64Text('fee_micros').as('fee'),
      ])
      .where('launch_id', '=', launch.launchId)
      .where('event_id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const { event_id, ...row } of more) seen.set(event_id, row);
  }
  return { accounts, seen };
}

export async function transfersOf(
  trx: BillingTransaction,
  ids: readonly string[],
): Promise<Map<string, Transfer>> {
  const found = new Map<string, Transfer>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = await selectTransfers(trx)
      .where('id', 'in', unique.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) found.set(row.id, toTransfer(row));
  }
  return found;
}
