/**
 * Account locks: a transfer (or a settlement) takes its owners' balance-row locks and reads them
 * in one statement, in the one order every transaction uses (by id, so two never deadlock).
 */
import { sql } from 'kysely';
import { openAccounts, sameAccount } from './accounts.js';
import type { AccountSpec } from './accounts.js';
import { isPostgres } from './db.js';
import type { BillingTransaction } from './db.js';
import { BillingError } from './errors.js';
import { toMicros } from './money.js';
import { isPooled } from './pooled.js';
import type { AccountKind } from './schema.js';

export interface LockedAccount {
  id: string;
  currency: string;
  noOverdraft: boolean;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
}

/**
 * Takes accounts' balance-row locks for the rest of the transaction (so that reads after it see
 * every committed change to what they guard: rating is serialised per project this way), in the
 * one order every transaction uses, by id, as transfers do. A transaction that locked its
 * project's account first and the platform's revenue account after, while a transfer took them
 * the other way round, deadlocked on PostgreSQL.
 */
export async function lockAccountsInOrder(
  trx: BillingTransaction,
  accountIds: string[],
): Promise<Map<string, LockedAccount>> {
  // Pooled accounts have nothing to guard: nobody reads their balance to decide a write.
  const owners = accountIds.filter((a) => !isPooled(a));
  if (owners.length === 0) return new Map();
  return (await lockAccounts(trx, owners, null)).accounts;
}

/** What a locked owner's account holds for a new debit: balance − holds. */
export function availableOf(account: LockedAccount | undefined): bigint | undefined {
  return account === undefined
    ? undefined
    : account.creditsPosted - account.debitsPosted - account.debitsPending;
}

/**
 * Takes the owners' balance-row locks and reads the accounts, in one statement: on PostgreSQL a
 * `FOR UPDATE` in id order (so two transfers never deadlock; the locked rows come back as last
 * committed, not as of the statement's start), on SQLite a plain read (BEGIN IMMEDIATE already
 * holds the database's write lock). Pooled accounts are read, not locked: their balance (the row
 * alone, without its moves) is never used, since they are never checked for funds. `idTaken`:
 * a transfer with `transferId` was visible when the statement started (a concurrent one that
 * commits later still loses the insert's ON CONFLICT, and submit reads the winner then).
 */
export async function lockAccounts(
  trx: BillingTransaction,
  ids: string[],
  transferId: string | null,
): Promise<{ accounts: Map<string, LockedAccount>; idTaken: boolean }>;
/** With `open`: undefined (nothing refused) when an account is missing or not as specified. */
export async function lockAccounts(
  trx: BillingTransaction,
  ids: string[],
  transferId: string | null,
  open: { open: readonly AccountSpec[] },
): Promise<{ accounts: Map<string, LockedAccount>; idTaken: boolean } | undefined>;
export async function lockAccounts(
  trx: BillingTransaction,
  ids: string[],
  transferId: string | null,
  open?: { open: readonly AccountSpec[] },
): Promise<{ accounts: Map<string, LockedAccount>; idTaken: boolean } | undefined> {
  const sorted = [...new Set(ids)].sort();
  const owners = sorted.filter((id) => !isPooled(id));
  const forUpdate = isPostgres(trx) ? sql` order by account_id for update` : sql``;
  const ownerIds = owners.length === 0 ? sql`null` : sql.join(owners);
  const { rows } = await sql<{
    id: string;
    kind: AccountKind;
    owner_id: string | null;
    currency: string;
    no_overdraft: number;
    expires_at: string | null;
    locked: string | null;
    debits_posted: string | null;
    credits_posted: string | null;
    debits_pending: string | null;
    id_taken: number;
  }>`with locked as (
      select account_id, cast(debits_posted as text) as debits_posted,
        cast(credits_posted as text) as credits_posted, cast(debits_pending as text) as debits_pending
      from billing_balances where account_id in (${ownerIds})${forUpdate}
    )
    select a.id, a.kind, a.owner_id, a.currency, a.no_overdraft, a.expires_at,
      locked.account_id as locked, locked.debits_posted, locked.credits_posted, locked.debits_pending,
      ${transferId === null ? sql`0` : sql`case when exists (select 1 from billing_transfers where id = ${transferId}) then 1 else 0 end`} as id_taken
    from billing_accounts a left join locked on locked.account_id = a.id
    where a.id in (${sql.join(sorted)})`.execute(trx);
  if (open !== undefined) {
    const asSpecified = open.open.every((spec) => {
      const row = rows.find((r) => r.id === spec.id);
      return row !== undefined && (isPooled(spec.id) || row.locked !== null) && sameAccount(row, spec);
    });
    if (!asSpecified) return undefined;
  }
  for (const id of sorted) {
    const row = rows.find((r) => r.id === id);
    if (row === undefined || (!isPooled(id) && row.locked === null)) {
      throw new BillingError('ACCOUNT_NOT_FOUND', `no account ${id}`, {
        hint: 'open the account first (openAccounts)',
        details: { account_id: id },
      });
    }
  }
  const pooledWithFundsCheck = rows.find((r) => isPooled(r.id) && Number(r.no_overdraft) === 1);
  if (pooledWithFundsCheck !== undefined) {
    // accounts.ts opens the platform's accounts without one; a funds check would read a partial balance.
    throw new Error(`pooled account ${pooledWithFundsCheck.id} must not be checked for funds`);
  }
  const accounts = new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        currency: r.currency,
        noOverdraft: Number(r.no_overdraft) === 1,
        debitsPosted: toMicros(r.debits_posted ?? '0'),
        creditsPosted: toMicros(r.credits_posted ?? '0'),
        debitsPending: toMicros(r.debits_pending ?? '0'),
      },
    ]),
  );
  return { accounts, idTaken: rows.some((r) => Number(r.id_taken) === 1) };
}

/**
 * openAccounts, then lockAccountsInOrder, in one statement when the accounts are open as
 * specified (nearly always): the lock's read shows them; only when one is missing or different
 * does openAccounts run (and refuse what differs), and the lock is taken after it.
 */
export async function openAndLockAccounts(
  trx: BillingTransaction,
  specs: readonly AccountSpec[],
  at: string,
): Promise<Map<string, LockedAccount>> {
  const ids = specs.map((s) => s.id);
  const read = await lockAccounts(trx, ids, null, { open: specs });
  if (read !== undefined) return read.accounts;
  await openAccounts(trx, specs, at);
  return lockAccountsInOrder(trx, ids);
}
