/**
 * The ledger's self-check, behind `gpuaas-platform billing check`: recompute every account's
 * balance from the transfers alone, compare it with the cached balance, and check that the whole
 * ledger sums to zero in every currency and that every post or void matches its hold.
 */
import { sql } from 'kysely';
import type { BillingDb } from './db.js';
import { toMicros } from './money.js';
import { withMoves } from './pooled.js';

export type BalanceField = 'debits_posted' | 'credits_posted' | 'debits_pending' | 'credits_pending';

export interface BalanceDifference {
  accountId: string;
  field: BalanceField;
  /** Null when the account has no cached balance row. */
  cached: bigint | null;
  recomputed: bigint;
}

export interface LedgerCheckReport {
  /** True only when there is no difference, imbalance or problem. */
  ok: boolean;
  accounts: number;
  transfers: number;
  differences: BalanceDifference[];
  /** Per currency, Σ credits − Σ debits over all accounts (posted and pending); must be 0. */
  imbalances: { currency: string; posted: bigint; pending: bigint }[];
  /** Transfers that break a rule the code enforces (a post larger than its hold, …). */
  problems: string[];
}

const FIELDS: readonly BalanceField[] = [
  'debits_posted',
  'credits_posted',
  'debits_pending',
  'credits_pending',
];

type Sums = Record<BalanceField, bigint>;

export async function checkLedger(db: BillingDb): Promise<LedgerCheckReport> {
  const recomputed = new Map<string, Sums>();
  const sums = (account: string): Sums => {
    let entry = recomputed.get(account);
    if (entry === undefined) {
      entry = { debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n };
      recomputed.set(account, entry);
    }
    return entry;
  };

  // Posted: single and post rows. Pending: pending rows that nothing has resolved yet.
  const posted = await db
    .selectFrom('billing_transfers')
    .select(['debit_account_id', 'credit_account_id', sql<string>`cast(sum(amount) as text)`.as('total')])
    .where('kind', 'in', ['single', 'post'])
    .groupBy(['debit_account_id', 'credit_account_id'])
    .execute();
  const open = await db
    .selectFrom('billing_transfers as p')
    .select([
      'p.debit_account_id',
      'p.credit_account_id',
      sql<string>`cast(sum(p.amount) as text)`.as('total'),
    ])
    .where('p.kind', '=', 'pending')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('billing_transfers as r').select('r.id').whereRef('r.pending_id', '=', 'p.id'),
        ),
      ),
    )
    .groupBy(['p.debit_account_id', 'p.credit_account_id'])
    .execute();
  for (const row of posted) {
    sums(row.debit_account_id).debits_posted += toMicros(row.total);
    sums(row.credit_account_id).credits_posted += toMicros(row.total);
  }
  for (const row of open) {
    sums(row.debit_account_id).debits_pending += toMicros(row.total);
    sums(row.credit_account_id).credits_pending += toMicros(row.total);
  }

  const accounts = await db
    .selectFrom('billing_accounts')
    .leftJoin('billing_balances', 'billing_balances.account_id', 'billing_accounts.id')
    .select([
      'billing_accounts.id',
      'billing_accounts.currency',
      'billing_balances.account_id as cached_id',
      // The cached balance of a pooled account is its row plus its moves (pooled.ts).
      withMoves('debits_posted').as('debits_posted'),
      withMoves('credits_posted').as('credits_posted'),
      withMoves('debits_pending').as('debits_pending'),
      withMoves('credits_pending').as('credits_pending'),
    ])
    .orderBy('billing_accounts.id')
    .execute();

  const differences: BalanceDifference[] = [];
  const problems: string[] = [];
  const totals = new Map<string, { posted: bigint; pending: bigint }>();
  const known = new Set<string>();
  for (const account of accounts) {
    known.add(account.id);
    const want = sums(account.id);
    for (const field of FIELDS) {
      const cachedText = account.cached_id === null ? null : account[field];
      const cached = cachedText === null ? null : toMicros(cachedText);
      if (cached !== want[field])
        differences.push({ accountId: account.id, field, cached, recomputed: want[field] });
    }
    const total = totals.get(account.currency) ?? { posted: 0n, pending: 0n };
    total.posted += want.credits_posted - want.debits_posted;
    total.pending += want.credits_pending - want.debits_pending;
    totals.set(account.currency, total);
  }
  for (const account of recomputed.keys()) {
    if (!known.has(account)) problems.push(`transfers name account ${account}, which is not open`);
  }
  problems.push(...(await resolutionProblems(db)), ...(await currencyProblems(db)));

  const imbalances = [...totals]
    .filter(([, t]) => t.posted !== 0n || t.pending !== 0n)
    .map(([currency, t]) => ({ currency, ...t }));
  const transfers = await db
    .selectFrom('billing_transfers')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    ok: differences.length === 0 && imbalances.length === 0 && problems.length === 0,
    accounts: accounts.length,
    transfers: Number(transfers.n),
    differences,
    imbalances,
    problems,
  };
}

/** Posts and voids must resolve a pending transfer between the same accounts, posts for no more. */
async function resolutionProblems(db: BillingDb): Promise<string[]> {
  const rows = await db
    .selectFrom('billing_transfers as r')
    .leftJoin('billing_transfers as p', 'p.id', 'r.pending_id')
    .select(['r.id', 'r.kind'])
    .where('r.kind', 'in', ['post', 'void'])
    .where((eb) =>
      eb.or([
        eb('p.kind', 'is', null),
        eb('p.kind', '<>', 'pending'),
        eb('p.debit_account_id', '<>', eb.ref('r.debit_account_id')),
        eb('p.credit_account_id', '<>', eb.ref('r.credit_account_id')),
        eb('r.amount', '>', eb.ref('p.amount')),
      ]),
    )
    .execute();
  return rows.map(
    (r) =>
      `${r.kind} ${r.id} does not match a pending transfer between the same accounts for at least its amount`,
  );
}

/** Every transfer is in the currency of both its accounts. */
async function currencyProblems(db: BillingDb): Promise<string[]> {
  const rows = await db
    .selectFrom('billing_transfers as t')
    .innerJoin('billing_accounts as d', 'd.id', 't.debit_account_id')
    .innerJoin('billing_accounts as c', 'c.id', 't.credit_account_id')
    .select(['t.id', 't.currency'])
    .where((eb) =>
      eb.or([eb('d.currency', '<>', eb.ref('t.currency')), eb('c.currency', '<>', eb.ref('t.currency'))]),
    )
    .execute();
  return rows.map((r) => `transfer ${r.id} in ${r.currency} joins an account of another currency`);
}
