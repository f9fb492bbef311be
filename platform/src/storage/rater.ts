/**
 * Storage billing: every live volume and snapshot is charged per GiB-second from its creation to
 * its deletion (one price, attached or not) into the billing ledger, as category `storage`
 * charges from the project's prepaid balance to the platform's revenue. Each pass charges what
 * accrued since the resource's `billed_until` in one transfer whose id is
 * `storage:<id>:<until>`, in the same transaction that moves `billed_until` (guarded by its old
 * value), so a pass that runs twice, late or on two instances charges every second once. The
 * fraction of a micro left over is carried (`billing_carry`) to the next pass: nothing is lost
 * to rounding. The size in force at the pass is billed for the whole span since the last pass
 * (passes run every minute, so a resize shifts at most that much).
 */
import type { Kysely, Transaction } from 'kysely';
import { ACCOUNTS, openAccounts } from '../billing/accounts.js';
import { asBillingDb } from '../billing/db.js';
import { createTransfer } from '../billing/ledger.js';
import type { Tables } from '../db/schema.js';
import { isoTime } from '../ids.js';

/** A month for pricing: 730 hours (365 days × 24 / 12), in seconds. */
export const SECONDS_PER_MONTH = 2_628_000n;

export interface StorageRaterOptions {
  currency: string;
  /** Micros per GiB-month. */
  pricePerGibMonth: bigint;
  /** Spans shorter than this wait for the next pass unless the resource is gone (default 60 s). */
  minSeconds?: number;
  /**
   * Run first in each charge's transaction: the `storage-rater` lease's fence (leases/), which
   * throws LeaseLost — ending the pass, nothing of that charge written — once this instance no
   * longer holds the lease.
   */
  fence?: (trx: Transaction<Tables>) => Promise<void>;
}

interface Billable {
  table: 'storage_volumes' | 'storage_snapshots';
  id: string;
  project_id: string;
  size_gib: number;
  created_at: string;
  deleted_at: string | null;
  billed_until: string | null;
  billing_carry: string;
}

/** What `seconds` of `sizeGib` cost with `carry` (in 1/SECONDS_PER_MONTH micro) brought forward. */
export function storageCharge(
  sizeGib: number,
  seconds: bigint,
  pricePerGibMonth: bigint,
  carry: bigint,
): { micros: bigint; carry: bigint } {
  const total = BigInt(sizeGib) * seconds * pricePerGibMonth + carry;
  return { micros: total / SECONDS_PER_MONTH, carry: total % SECONDS_PER_MONTH };
}

/** One pass over every resource with unbilled time; returns how many transfers it made. */
export async function rateStorage(
  db: Kysely<Tables>,
  options: StorageRaterOptions,
  now = Date.now(),
): Promise<number> {
  const columns = [
    'id',
    'project_id',
    'size_gib',
    'created_at',
    'deleted_at',
    'billed_until',
    'billing_carry',
  ] as const;
  const rows: Billable[] = [];
  // Live resources, and deleted ones whose time up to the deletion is not billed yet.
  for (const table of ['storage_volumes', 'storage_snapshots'] as const) {
    const found = await db
      .selectFrom(table)
      .select(columns)
      .where((eb) =>
        eb.or([
          eb('deleted_at', 'is', null),
          eb('billed_until', 'is', null),
          eb('billed_until', '<', eb.ref('deleted_at')),
        ]),
      )
      .execute();
    rows.push(...found.map((r) => ({ ...r, table })));
  }
  let made = 0;
  for (const row of rows) {
    if (await rateOne(db, row, options, now)) made += 1;
  }
  return made;
}

async function rateOne(
  db: Kysely<Tables>,
  row: Billable,
  options: StorageRaterOptions,
  now: number,
): Promise<boolean> {
  const from = Date.parse(row.billed_until ?? row.created_at);
  const end = row.deleted_at === null ? now : Math.min(now, Date.parse(row.deleted_at));
  const seconds = Math.floor((end - from) / 1000);
  if (seconds <= 0) return false;
  if (row.deleted_at === null && seconds < (options.minSeconds ?? 60)) return false;
  const until = isoTime(from + seconds * 1000);
  const charge = storageCharge(
    row.size_gib,
    BigInt(seconds),
    options.pricePerGibMonth,
    BigInt(row.billing_carry),
  );
  const project = ACCOUNTS.projectPrepaid(row.project_id, options.currency);
  const revenue = ACCOUNTS.platformRevenue(options.currency);
  return db.transaction().execute(async (trx) => {
    await options.fence?.(trx);
    const moved = await trx
      .updateTable(row.table)
      .set({ billed_until: until, billing_carry: String(charge.carry) })
      .where('id', '=', row.id)
      .where((eb) =>
        row.billed_until === null
          ? eb('billed_until', 'is', null)
          : eb('billed_until', '=', row.billed_until),
      )
      .executeTakeFirst();
    // Another pass got here first: it charged this span.
    if (moved.numUpdatedRows === 0n) return false;
    if (charge.micros === 0n) return true;
    const billing = asBillingDb(trx);
    await openAccounts(billing, [project, revenue]);
    await createTransfer(billing, {
      id: `storage:${row.id}:${until}`,
      debitAccountId: project.id,
      creditAccountId: revenue.id,
      amount: charge.micros,
      // Storage already used is charged even past zero, as GPU time is.
      allowOverdraft: true,
      category: 'storage',
      periodStart: isoTime(from),
      periodEnd: until,
      reason: `${row.table === 'storage_volumes' ? 'volume' : 'snapshot'} ${row.id}: ${row.size_gib} GiB × ${seconds} s`,
    });
    return true;
  });
}
