/**
 * A project's charges as the ledger holds them: every posted transfer from its prepaid account
 * for something it used (GPU time, app usage, the platform's fee on it), with what was refunded of
 * each. Oldest first, paged by (created_at, id).
 */
import { sql } from 'kysely';
import type { BillingDb } from './db.js';
import { int64Text } from './db.js';
import { toMicros } from './money.js';
import { selectTransfers, toTransfer } from './transfers.js';
import type { Transfer } from './transfers.js';

/** Categories of transfers that charge a project: what `listCharges` lists and refunds reverse. */
export const CHARGE_CATEGORIES = ['gpu_time', 'app_usage', 'app_fee', 'storage'] as const;

export interface Charge {
  transfer: Transfer;
  /** The sum of the charge's refunds so far. */
  refunded: bigint;
  /** The charge's id, then its refunds', oldest first. */
  transferIds: string[];
}

export interface ChargePage {
  items: Charge[];
  /** True when charges follow the last one. */
  more: boolean;
}

export interface ChargeFilter {
  allocationId?: string | undefined;
  limit: number;
  /** The sort key of the last charge of the previous page: [created_at, id]. */
  after?: readonly string[] | undefined;
}

export async function listCharges(
  db: BillingDb,
  accountId: string,
  filter: ChargeFilter,
): Promise<ChargePage> {
  let rows = selectTransfers(db)
    .where('debit_account_id', '=', accountId)
    .where('kind', 'in', ['single', 'post'])
    .where('category', 'in', [...CHARGE_CATEGORIES])
    // A post that settled a hold for nothing (an interval charged zero) is no charge.
    .where(sql<boolean>`amount > 0`)
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.allocationId !== undefined) rows = rows.where('allocation_id', '=', filter.allocationId);
  const [afterTime, afterId] = filter.after ?? [];
  if (afterTime !== undefined && afterId !== undefined) {
    rows = rows.where((eb) =>
      eb.or([
        eb('created_at', '>', afterTime),
        eb.and([eb('created_at', '=', afterTime), eb('id', '>', afterId)]),
      ]),
    );
  }
  const page = await rows.execute();
  const charges = page.slice(0, filter.limit).map(toTransfer);
  const refunds =
    charges.length === 0
      ? []
      : await db
          .selectFrom('billing_transfers')
          .select(['id', 'corrects_id', int64Text('amount').as('amount')])
          .where(
            'corrects_id',
            'in',
            charges.map((c) => c.id),
          )
          .orderBy('created_at')
          .orderBy('id')
          .execute();
  const items = charges.map((transfer): Charge => {
    const own = refunds.filter((r) => r.corrects_id === transfer.id);
    return {
      transfer,
      refunded: own.reduce((sum, r) => sum + toMicros(r.amount), 0n),
      transferIds: [transfer.id, ...own.map((r) => r.id)],
    };
  });
  return { items, more: page.length > filter.limit };
}

/** The sum of a charge's refunds so far. */
export async function refundedSoFar(db: BillingDb, chargeId: string): Promise<bigint> {
  const row = await db
    .selectFrom('billing_transfers')
    .select(sql<string>`cast(coalesce(sum(amount), 0) as text)`.as('total'))
    .where('corrects_id', '=', chargeId)
    .executeTakeFirstOrThrow();
  return toMicros(row.total);
}
