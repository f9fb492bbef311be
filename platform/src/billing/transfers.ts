/**
 * Reading transfers: the row as stored, with the amount read exactly, and the lookups the
 * operations and the raters share.
 */
import type { BillingDb } from './db.js';
import { int64Text } from './db.js';
import { toMicros } from './money.js';
import type { TransferKind } from './schema.js';

export interface Transfer {
  id: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: string;
  pendingId: string | null;
  correctsId: string | null;
  category: string;
  allocationId: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  reason: string | null;
  createdAt: string;
}

export async function getTransfer(db: BillingDb, id: string): Promise<Transfer | undefined> {
  const row = await selectTransfers(db).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toTransfer(row);
}

/** The pending transfer `id` if it is still unresolved (neither posted nor voided). */
export async function findOpenPending(db: BillingDb, id: string): Promise<Transfer | undefined> {
  const pending = await getTransfer(db, id);
  if (pending?.kind !== 'pending') return undefined;
  const resolution = await db
    .selectFrom('billing_transfers')
    .select('id')
    .where('pending_id', '=', id)
    .executeTakeFirst();
  return resolution === undefined ? pending : undefined;
}

export interface TransferRow {
  id: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  pending_id: string | null;
  corrects_id: string | null;
  category: string;
  allocation_id: string | null;
  period_start: string | null;
  period_end: string | null;
  reason: string | null;
  created_at: string;
}

/** Transfers with the amount read exactly. */
export function selectTransfers(db: BillingDb) {
  return db
    .selectFrom('billing_transfers')
    .select([
      'id',
      'kind',
      'debit_account_id',
      'credit_account_id',
      int64Text('amount').as('amount'),
      'currency',
      'pending_id',
      'corrects_id',
      'category',
      'allocation_id',
      'period_start',
      'period_end',
      'reason',
      'created_at',
    ]);
}

export function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: toMicros(row.amount),
    currency: row.currency,
    pendingId: row.pending_id,
    correctsId: row.corrects_id,
    category: row.category,
    allocationId: row.allocation_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    reason: row.reason,
    createdAt: row.created_at,
  };
}
