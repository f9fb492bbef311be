/**
 * Ledger accounts: one currency each, identified by deterministic ids so that every caller names
 * the same account for the same owner without a lookup.
 */
import { sql } from 'kysely';
import { inTransaction, int64Text, isPostgres, nowIso } from './db.js';
import type { BillingDb, BillingTransaction } from './db.js';
import { BillingError } from './errors.js';
import { toMicros } from './money.js';
import { isPooled, withMoves } from './pooled.js';
import type { AccountKind } from './schema.js';

export interface AccountSpec {
  id: string;
  kind: AccountKind;
  ownerId: string | null;
  currency: string;
  /** Debits beyond the available balance are refused unless the caller allows an overdraft. */
  noOverdraft: boolean;
  expiresAt: string | null;
}

function spec(id: string, kind: AccountKind, ownerId: string | null, currency: string): AccountSpec {
  checkCurrency(currency);
  // Customer money must not go below zero by accident; the platform's own accounts may.
  const noOverdraft = kind === 'project_prepaid' || kind === 'project_promo';
  return { id, kind, ownerId, currency, noOverdraft, expiresAt: null };
}

/** The accounts billing uses, by owner. */
export const ACCOUNTS = {
  projectPrepaid: (projectId: string, currency: string) =>
    spec(`project:${projectId}:prepaid:${currency}`, 'project_prepaid', projectId, currency),
  /** One account per promotional grant, so each keeps its own expiry. */
  projectPromo: (projectId: string, grantId: string, currency: string, expiresAt: string): AccountSpec => ({
    ...spec(`project:${projectId}:promo:${grantId}:${currency}`, 'project_promo', projectId, currency),
    expiresAt,
  }),
  publisherPayable: (publisherId: string, currency: string) =>
    spec(`publisher:${publisherId}:payable:${currency}`, 'publisher_payable', publisherId, currency),
  platformRevenue: (currency: string) =>
    spec(`platform:revenue:${currency}`, 'platform_revenue', null, currency),
  platformFees: (currency: string) => spec(`platform:fees:${currency}`, 'platform_fees', null, currency),
  /** Where top-ups come from: money that entered the platform from outside. */
  platformFunding: (currency: string) =>
    spec(`platform:funding:${currency}`, 'platform_funding', null, currency),
  /** Where promotional credit comes from, and where unspent credit returns when it expires. */
  platformPromotions: (currency: string) =>
    spec(`platform:promotions:${currency}`, 'platform_promotions', null, currency),
};

export function checkCurrency(currency: string): void {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new BillingError('CURRENCY_INVALID', `"${currency}" is not a currency code`, {
      hint: 'use an ISO 4217 code such as USD or EUR',
    });
  }
}

/** Opens the accounts that do not exist yet (idempotent); refuses an id already open differently. */
export async function openAccounts(
  db: BillingDb,
  specs: readonly AccountSpec[],
  at = nowIso(),
): Promise<void> {
  if (specs.length === 0) return;
  await inTransaction(db, async (trx) => {
    // Every rating opens its accounts first; nearly always they exist: one read, no writes.
    const existing = await readAccounts(trx, specs);
    if (specs.every((s) => existing.some((r) => sameAccount(r, s)))) return;
    const missing = specs.filter((s) => !existing.some((r) => r.id === s.id));
    const inserted = missing.length > 0 ? await insertAccounts(trx, missing, at) : new Set<string>();
    // What this call inserted is as specified; otherwise read again: a concurrent opening may
    // have won the insert, with other settings.
    const rows =
      inserted.size === missing.length
        ? [...existing, ...missing.map(rowOf)]
        : await readAccounts(trx, specs);
    for (const s of specs) {
      const row = rows.find((r) => r.id === s.id);
      if (row === undefined || !sameAccount(row, s)) {
        throw new BillingError(
          row !== undefined && row.currency !== s.currency ? 'CURRENCY_MISMATCH' : 'ACCOUNT_CONFLICT',
          `account ${s.id} is already open with other settings`,
          { details: { account_id: s.id } },
        );
      }
    }
  });
}

/** Inserts the accounts and their balance rows; returns the ids this call inserted. */
async function insertAccounts(
  trx: BillingTransaction,
  specs: readonly AccountSpec[],
  at: string,
): Promise<Set<string>> {
  const accounts = trx
    .insertInto('billing_accounts')
    .values(
      specs.map((s) => ({
        id: s.id,
        kind: s.kind,
        owner_id: s.ownerId,
        currency: s.currency,
        no_overdraft: s.noOverdraft ? 1 : 0,
        expires_at: s.expiresAt,
        created_at: at,
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id');
  if (isPostgres(trx)) {
    // One statement: the balance rows of exactly the accounts inserted.
    const { rows } = await sql<{ id: string }>`with inserted as (${accounts}),
      balances as (insert into billing_balances
        (account_id, debits_posted, credits_posted, debits_pending, credits_pending)
        select id, 0, 0, 0, 0 from inserted on conflict (account_id) do nothing)
      select id from inserted`.execute(trx);
    return new Set(rows.map((r) => r.id));
  }
  const rows = await accounts.execute();
  await trx
    .insertInto('billing_balances')
    .values(
      specs.map((s) => ({
        account_id: s.id,
        debits_posted: 0n,
        credits_posted: 0n,
        debits_pending: 0n,
        credits_pending: 0n,
      })),
    )
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  return new Set(rows.map((r) => r.id));
}

function rowOf(s: AccountSpec): AccountRow {
  return {
    id: s.id,
    kind: s.kind,
    owner_id: s.ownerId,
    currency: s.currency,
    no_overdraft: s.noOverdraft ? 1 : 0,
    expires_at: s.expiresAt,
  };
}

/**
 * openAccounts for a caller that has read the accounts' rows already (a rater reads them in the
 * same query as its other state): opens nothing when every account is there as specified.
 */
export async function openAccountsRead(
  db: BillingDb,
  specs: readonly AccountSpec[],
  rows: readonly AccountRow[],
  at = nowIso(),
): Promise<void> {
  if (!specs.every((s) => rows.some((r) => sameAccount(r, s)))) await openAccounts(db, specs, at);
}

/** A project's spendable promotional grants among `rows`: earliest expiry first, as they are spent. */
export function spendableGrantsAmong(
  rows: readonly AccountRow[],
  project: { projectId: string; currency: string },
  at: string,
): string[] {
  return rows
    .filter(
      (r) =>
        r.kind === 'project_promo' &&
        r.owner_id === project.projectId &&
        r.currency === project.currency &&
        r.expires_at !== null &&
        r.expires_at > at,
    )
    .sort((a, b) => compare(a.expires_at ?? '', b.expires_at ?? '') || compare(a.id, b.id))
    .map((r) => r.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An account as stored. */
export interface AccountRow {
  id: string;
  kind: AccountKind;
  owner_id: string | null;
  currency: string;
  no_overdraft: number;
  expires_at: string | null;
}

function readAccounts(db: BillingDb, specs: readonly AccountSpec[]): Promise<AccountRow[]> {
  return db
    .selectFrom('billing_accounts')
    .select(['id', 'kind', 'owner_id', 'currency', 'no_overdraft', 'expires_at'])
    .where(
      'id',
      'in',
      specs.map((s) => s.id),
    )
    .execute();
}

/** True when the stored row is the account `s` specifies. */
export function sameAccount(row: AccountRow, s: AccountSpec): boolean {
  return (
    row.id === s.id &&
    row.kind === s.kind &&
    row.owner_id === s.ownerId &&
    row.currency === s.currency &&
    row.no_overdraft === (s.noOverdraft ? 1 : 0) &&
    row.expires_at === s.expiresAt
  );
}

/** An account's cached balance. Amounts in micros; "balance" is credits − debits posted. */
export interface AccountBalance {
  accountId: string;
  kind: AccountKind;
  currency: string;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  balance: bigint;
  /** Debits reserved by pending transfers (holds). */
  holds: bigint;
  /** What a new debit may use: balance − holds. */
  available: bigint;
}

export async function getBalance(db: BillingDb, accountId: string): Promise<AccountBalance> {
  // A pooled account's balance is its row plus its moves not folded yet (pooled.ts).
  const field = (name: 'debits_posted' | 'credits_posted' | 'debits_pending' | 'credits_pending') =>
    (isPooled(accountId) ? withMoves(name) : int64Text(`billing_balances.${name}`)).as(name);
  const row = await db
    .selectFrom('billing_balances')
    .innerJoin('billing_accounts', 'billing_accounts.id', 'billing_balances.account_id')
    .select([
      'billing_accounts.kind',
      'billing_accounts.currency',
      field('debits_posted'),
      field('credits_posted'),
      field('debits_pending'),
      field('credits_pending'),
    ])
    .where('billing_balances.account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) {
    throw new BillingError('ACCOUNT_NOT_FOUND', `no account ${accountId}`, {
      details: { account_id: accountId },
    });
  }
  const debitsPosted = toMicros(row.debits_posted);
  const creditsPosted = toMicros(row.credits_posted);
  const debitsPending = toMicros(row.debits_pending);
  const balance = creditsPosted - debitsPosted;
  return {
    accountId,
    kind: row.kind,
    currency: row.currency,
    debitsPosted,
    creditsPosted,
    debitsPending,
    creditsPending: toMicros(row.credits_pending),
    balance,
    holds: debitsPending,
    available: balance - debitsPending,
  };
}
