/**
 * Transfers: balanced, immutable, idempotent by a client-supplied id that stays unique forever.
 * Pending transfers are holds (as in TigerBeetle): a `pending` row reserves the amount on both
 * accounts, then one `post` row (for the amount or less) or one `void` row resolves it. Nothing is
 * updated or deleted here except the cached balances, which move in the same transaction.
 *
 * Each operation validates everything before it writes anything: it locks the accounts' balance
 * rows (in id order, so two transfers never deadlock), then checks, inserts and moves balances.
 * The platform's own accounts are pooled (pooled.ts): never locked, their balances moved by
 * appended rows, so transfers of different projects do not queue on the revenue account.
 */
import { sql } from 'kysely';
import { inTransaction, nowIso } from './db.js';
import type { BillingDb, BillingTransaction } from './db.js';
import { BillingError } from './errors.js';
import { formatMoney, MAX_MICROS, toMicros } from './money.js';
import type { TransferKind } from './schema.js';
import { isPooled, recordMoves } from './pooled.js';
import { writeTransfer } from './transfer-write.js';
import { lockAccounts } from './account-locks.js';
import type { BalanceMove } from './pooled.js';
import { getTransfer, toTransfer } from './transfers.js';
import type { Transfer, TransferRow } from './transfers.js';

export { findOpenPending, getTransfer } from './transfers.js';
export { availableOf, lockAccountsInOrder, openAndLockAccounts } from './account-locks.js';
export type { LockedAccount } from './account-locks.js';
export type { Transfer } from './transfers.js';

export interface TransferOutcome {
  transfer: Transfer;
  /** False when the id was already used for this same transfer: the retry changed nothing. */
  created: boolean;
}

/** What a transfer is about; stored, and compared when an id is retried. */
export interface TransferDetails {
  category: string;
  allocationId?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
  reason?: string | null;
}

interface WhenAndHow {
  /** Defaults to now. Not part of the content compared on a retry. */
  at?: string;
  /** Let this debit take a no-overdraft account below zero (settling usage already consumed). */
  allowOverdraft?: boolean;
}

export interface TransferInput extends TransferDetails, WhenAndHow {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  /** Marks a correction (refund, reversal): it must move money back the way the original came. */
  correctsId?: string | null;
}

export type PendingTransferInput = Omit<TransferInput, 'correctsId'>;

export interface PostPendingInput extends Partial<TransferDetails> {
  id: string;
  pendingId: string;
  /** Defaults to the whole pending amount; less releases the rest. */
  amount?: bigint;
  at?: string;
}

export interface VoidPendingInput {
  id: string;
  pendingId: string;
  reason?: string | null;
  at?: string;
}

/** Posts a transfer at once. */
export function createTransfer(db: BillingDb, input: TransferInput): Promise<TransferOutcome> {
  return inTransaction(db, (trx) => submit(trx, 'single', input, input.correctsId ?? null, null));
}

/** Places a hold: reserves `amount` on both accounts without moving it. */
export function createPendingTransfer(db: BillingDb, input: PendingTransferInput): Promise<TransferOutcome> {
  return inTransaction(db, (trx) => submit(trx, 'pending', input, null, null));
}

/** Settles a hold for its amount or less; the rest of the reservation is released. */
export function postPendingTransfer(db: BillingDb, input: PostPendingInput): Promise<TransferOutcome> {
  return inTransaction(db, async (trx) => {
    const pending = await loadPending(trx, input.pendingId);
    const amount = input.amount ?? pending.amount;
    if (amount > pending.amount) {
      throw new BillingError(
        'POST_EXCEEDS_PENDING',
        `cannot post ${formatMoney(amount)} against a hold of ${formatMoney(pending.amount)}`,
        { details: { pending_id: pending.id } },
      );
    }
    const row: TransferInput = {
      id: input.id,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amount,
      category: input.category ?? pending.category,
      allocationId: input.allocationId === undefined ? pending.allocationId : input.allocationId,
      periodStart: input.periodStart === undefined ? pending.periodStart : input.periodStart,
      periodEnd: input.periodEnd === undefined ? pending.periodEnd : input.periodEnd,
      reason: input.reason ?? null,
      ...(input.at === undefined ? {} : { at: input.at }),
    };
    return submit(trx, 'post', row, null, pending);
  });
}

/** Releases a hold entirely. */
export function voidPendingTransfer(db: BillingDb, input: VoidPendingInput): Promise<TransferOutcome> {
  return inTransaction(db, async (trx) => {
    const pending = await loadPending(trx, input.pendingId);
    const row: TransferInput = {
      id: input.id,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amount: pending.amount,
      category: pending.category,
      allocationId: pending.allocationId,
      periodStart: pending.periodStart,
      periodEnd: pending.periodEnd,
      reason: input.reason ?? null,
      ...(input.at === undefined ? {} : { at: input.at }),
    };
    return submit(trx, 'void', row, null, pending);
  });
}

/** A transfer for postInBulk: posted at once, never a correction, overdraft allowed. */
export type BulkTransferInput = Omit<TransferInput, 'correctsId' | 'allowOverdraft' | 'at'>;

/** Rows per INSERT: 14 parameters each stays far below either database's parameter limit. */
const BULK_ROWS = 250;

/**
 * Posts many `single` transfers in one go, for a rater charging usage already consumed (overdraft
 * allowed, so there is no funds check to make): multi-row inserts, then each account's cached
 * balance moved once: the owners' accounts (a project, a publisher) in one statement, the
 * platform's (pooled, shared by every rating) as appended moves that lock nothing. The caller opened the
 * accounts in `currency` (openAccounts checks it) and holds what makes the ids new (its dedupe
 * record, under its lock): an id used before is TRANSFER_ID_CONFLICT, and the caller's
 * transaction must roll back.
 */
export async function postInBulk(
  trx: BillingTransaction,
  currency: string,
  inputs: readonly BulkTransferInput[],
  at = nowIso(),
): Promise<Transfer[]> {
  const rows: TransferRow[] = inputs.map((input) => {
    checkShape('single', input);
    return {
      id: input.id,
      kind: 'single',
      debit_account_id: input.debitAccountId,
      credit_account_id: input.creditAccountId,
      amount: input.amount.toString(),
      currency,
      pending_id: null,
      corrects_id: null,
      category: input.category,
      allocation_id: input.allocationId ?? null,
      period_start: input.periodStart ?? null,
      period_end: input.periodEnd ?? null,
      reason: input.reason ?? null,
      created_at: at,
    };
  });
  for (let i = 0; i < rows.length; i += BULK_ROWS) {
    const chunk = rows.slice(i, i + BULK_ROWS);
    const inserted = await trx
      .insertInto('billing_transfers')
      .values(chunk.map((row, j) => ({ ...row, amount: inputs[i + j]?.amount ?? 0n })))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows !== BigInt(chunk.length)) {
      throw new BillingError('TRANSFER_ID_CONFLICT', 'a transfer id of this batch was used before', {
        hint: 'transfer ids are unique forever: use a new id for a new transfer',
        details: { first_transfer_id: chunk[0]?.id ?? '' },
      });
    }
  }
  const moves = new Map<string, { debits: bigint; credits: bigint }>();
  const move = (account: string) => {
    let entry = moves.get(account);
    if (entry === undefined) moves.set(account, (entry = { debits: 0n, credits: 0n }));
    return entry;
  };
  for (const input of inputs) {
    move(input.debitAccountId).debits += input.amount;
    move(input.creditAccountId).credits += input.amount;
  }
  // The owners' accounts (a project the caller holds, a publisher) move in one statement; the
  // platform's, shared by every rating, by appended rows (pooled.ts).
  const accounts = [...moves.keys()].sort();
  const owners = accounts.filter((id) => !isPooled(id));
  await recordMoves(
    trx,
    accounts.filter(isPooled).map((id) => ({
      accountId: id,
      debitsPosted: moves.get(id)?.debits ?? 0n,
      creditsPosted: moves.get(id)?.credits ?? 0n,
    })),
  );
  if (owners.length > 0) {
    const delta = (field: 'debits' | 'credits') =>
      sql`case account_id ${sql.join(
        owners.map((id) => sql`when ${id} then cast(${moves.get(id)?.[field] ?? 0n} as bigint)`),
        sql` `,
      )} else cast(0 as bigint) end`;
    const result = await trx
      .updateTable('billing_balances')
      .set({
        debits_posted: sql`debits_posted + ${delta('debits')}`,
        credits_posted: sql`credits_posted + ${delta('credits')}`,
      })
      .where('account_id', 'in', owners)
      .executeTakeFirst();
    if (result.numUpdatedRows !== BigInt(owners.length)) {
      throw new BillingError('ACCOUNT_NOT_FOUND', `an account of ${owners.join(', ')} is not open`, {
        hint: 'open the account first (openAccounts)',
        details: { account_id: owners[0] ?? '' },
      });
    }
  }
  return rows.map(toTransfer);
}

async function loadPending(trx: BillingTransaction, pendingId: string): Promise<Transfer> {
  const pending = await getTransfer(trx, pendingId);
  if (pending?.kind !== 'pending') {
    throw new BillingError('PENDING_NOT_FOUND', `no pending transfer ${pendingId}`, {
      details: { pending_id: pendingId },
    });
  }
  return pending;
}

async function submit(
  trx: BillingTransaction,
  kind: TransferKind,
  input: TransferInput,
  correctsId: string | null,
  pending: Transfer | null,
): Promise<TransferOutcome> {
  checkShape(kind, input);
  const candidate = {
    id: input.id,
    kind,
    debit_account_id: input.debitAccountId,
    credit_account_id: input.creditAccountId,
    amount: input.amount,
    pending_id: pending?.id ?? null,
    corrects_id: correctsId,
    category: input.category,
    allocation_id: input.allocationId ?? null,
    period_start: input.periodStart ?? null,
    period_end: input.periodEnd ?? null,
    reason: input.reason ?? null,
  };

  // One statement locks and reads the accounts and says whether the id is taken; a retry (rare)
  // reads the stored transfer after it.
  const { accounts, idTaken } = await lockAccounts(
    trx,
    [input.debitAccountId, input.creditAccountId],
    input.id,
  );
  if (idTaken) {
    const existing = await getTransfer(trx, input.id);
    if (existing !== undefined) return { transfer: sameOrConflict(existing, candidate), created: false };
  }
  const debit = accounts.get(input.debitAccountId);
  const credit = accounts.get(input.creditAccountId);
  if (debit === undefined || credit === undefined) throw new Error('locked accounts are missing');
  if (debit.currency !== credit.currency) {
    throw new BillingError(
      'CURRENCY_MISMATCH',
      `${debit.id} is in ${debit.currency} but ${credit.id} is in ${credit.currency}`,
      { details: { debit_account_id: debit.id, credit_account_id: credit.id } },
    );
  }
  if (pending !== null) await checkUnresolved(trx, pending.id);
  if ((kind === 'single' || kind === 'pending') && debit.noOverdraft && input.allowOverdraft !== true) {
    const available = debit.creditsPosted - debit.debitsPosted - debit.debitsPending;
    if (input.amount > available) {
      throw new BillingError(
        'INSUFFICIENT_FUNDS',
        `${debit.id} has ${formatMoney(available)} available, ${formatMoney(input.amount)} is needed`,
        {
          hint: 'top up the project, or release holds',
          details: {
            account_id: debit.id,
            available: formatMoney(available),
            needed: formatMoney(input.amount),
          },
        },
      );
    }
  }
  if (correctsId !== null) await checkCorrection(trx, correctsId, input);

  const row: TransferRow = {
    ...candidate,
    amount: input.amount.toString(),
    currency: debit.currency,
    created_at: input.at ?? nowIso(),
  };
  if (!(await writeTransfer(trx, { ...row, amount: input.amount }, balanceMoves(kind, input, pending)))) {
    // A concurrent transaction used this id (or resolved this pending transfer) first.
    const winner = await getTransfer(trx, input.id);
    if (winner !== undefined) return { transfer: sameOrConflict(winner, candidate), created: false };
    throw alreadyResolved(pending?.id ?? input.id);
  }
  return { transfer: toTransfer(row), created: true };
}

function checkShape(kind: TransferKind, input: TransferInput): void {
  if (input.id === '') throw new BillingError('TRANSFER_INVALID', 'a transfer needs an id');
  if (input.category === '') throw new BillingError('TRANSFER_INVALID', 'a transfer needs a category');
  if (input.debitAccountId === input.creditAccountId) {
    throw new BillingError('TRANSFER_INVALID', `transfer ${input.id} debits and credits the same account`);
  }
  // A post may settle a hold for zero (nothing was used); every other transfer moves something.
  const minimum = kind === 'post' || kind === 'void' ? 0n : 1n;
  if (input.amount < minimum || input.amount > MAX_MICROS) {
    throw new BillingError('AMOUNT_INVALID', `transfer ${input.id} has amount ${input.amount} micros`, {
      hint: 'amounts are positive integers of micro-units',
    });
  }
}

async function checkUnresolved(trx: BillingTransaction, pendingId: string): Promise<void> {
  const resolution = await trx
    .selectFrom('billing_transfers')
    .select('id')
    .where('pending_id', '=', pendingId)
    .executeTakeFirst();
  if (resolution !== undefined) throw alreadyResolved(pendingId);
}

function alreadyResolved(pendingId: string): BillingError {
  return new BillingError(
    'PENDING_ALREADY_RESOLVED',
    `pending transfer ${pendingId} was already posted or voided`,
    {
      details: { pending_id: pendingId },
    },
  );
}

/** A correction moves money back along the original's path, and never more than it moved. */
async function checkCorrection(
  trx: BillingTransaction,
  correctsId: string,
  input: TransferInput,
): Promise<void> {
  const original = await getTransfer(trx, correctsId);
  if (original === undefined || (original.kind !== 'single' && original.kind !== 'post')) {
    throw new BillingError('CORRECTION_TARGET_NOT_FOUND', `no posted transfer ${correctsId} to correct`, {
      details: { corrects_id: correctsId },
    });
  }
  if (
    original.debitAccountId !== input.creditAccountId ||
    original.creditAccountId !== input.debitAccountId
  ) {
    throw new BillingError(
      'CORRECTION_EXCEEDS_ORIGINAL',
      `a correction of ${correctsId} must reverse its accounts`,
      {
        details: { corrects_id: correctsId },
      },
    );
  }
  const prior = await trx
    .selectFrom('billing_transfers')
    .select(sql<string>`cast(coalesce(sum(amount), 0) as text)`.as('total'))
    .where('corrects_id', '=', correctsId)
    .executeTakeFirstOrThrow();
  const left = original.amount - toMicros(prior.total);
  if (input.amount > left) {
    throw new BillingError(
      'CORRECTION_EXCEEDS_ORIGINAL',
      `${correctsId} has ${formatMoney(left)} left to correct, ${formatMoney(input.amount)} was asked`,
      { details: { corrects_id: correctsId, left: formatMoney(left) } },
    );
  }
}

/** How a transfer moves its two accounts' balances. */
function balanceMoves(kind: TransferKind, input: TransferInput, pending: Transfer | null): BalanceMove[] {
  const released = pending?.amount ?? 0n;
  const [posted, reserved] =
    kind === 'single'
      ? [input.amount, 0n]
      : kind === 'pending'
        ? [0n, input.amount]
        : kind === 'post'
          ? [input.amount, -released]
          : [0n, -released];
  return [
    { accountId: input.debitAccountId, debitsPosted: posted, debitsPending: reserved },
    { accountId: input.creditAccountId, creditsPosted: posted, creditsPending: reserved },
  ];
}

type Candidate = Omit<TransferRow, 'currency' | 'created_at' | 'amount'> & { amount: bigint };

function sameOrConflict(existing: Transfer, candidate: Candidate): Transfer {
  const same =
    existing.kind === candidate.kind &&
    existing.debitAccountId === candidate.debit_account_id &&
    existing.creditAccountId === candidate.credit_account_id &&
    existing.amount === candidate.amount &&
    existing.pendingId === candidate.pending_id &&
    existing.correctsId === candidate.corrects_id &&
    existing.category === candidate.category &&
    existing.allocationId === candidate.allocation_id &&
    existing.periodStart === candidate.period_start &&
    existing.periodEnd === candidate.period_end &&
    existing.reason === candidate.reason;
  if (!same) {
    throw new BillingError(
      'TRANSFER_ID_CONFLICT',
      `transfer id ${existing.id} was used for a different transfer`,
      {
        hint: 'transfer ids are unique forever: use a new id for a new transfer',
        details: { transfer_id: existing.id },
      },
    );
  }
  return existing;
}
