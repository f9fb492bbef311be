/**
 * The platform's own accounts (`platform:revenue:USD`, fees, funding, promotions) are on the other
 * side of nearly every transfer: every hold, settlement and usage charge of every project credits
 * revenue. Moving their cached balance row in each transfer's transaction made that one row a
 * lock all of them queued on until their commit (bench:placement: every `POST /v1/allocations` of
 * every project and instance waited on the revenue row, 71 creates/s at best).
 *
 * So these accounts are **pooled**: a transfer never locks or updates their balance row; it
 * appends its movement as a row of `billing_balance_moves` (an insert locks nothing anyone else
 * waits on), and the account's balance is its row plus the sum of its moves, read in one
 * statement (one snapshot). `foldBalanceMoves` moves the sums into the row now and then, deleting
 * what it added in the same statement, so reads stay short. A pooled account is never checked for
 * funds (the platform's accounts may go below zero: `noOverdraft` is false for them), which is
 * why nothing needs their balance under a lock. Customers' and publishers' accounts keep their
 * locked balance row: their funds checks need it.
 */
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { BillingDb, BillingTransaction } from './db.js';
import { toMicros } from './money.js';

/** True for the platform's own accounts, whose balances move by appended rows. */
export function isPooled(accountId: string): boolean {
  return accountId.startsWith('platform:');
}

export interface BalanceMove {
  accountId: string;
  debitsPosted?: bigint;
  creditsPosted?: bigint;
  debitsPending?: bigint;
  creditsPending?: bigint;
}

/** Rows per INSERT: 6 parameters each, far below either database's parameter limit. */
const MOVE_ROWS = 500;

/** Appends movements of pooled accounts' balances, in the caller's transaction. */
export async function recordMoves(trx: BillingTransaction, moves: readonly BalanceMove[]): Promise<void> {
  const rows = moveRows(moves);
  for (let i = 0; i < rows.length; i += MOVE_ROWS) {
    await trx
      .insertInto('billing_balance_moves')
      .values(rows.slice(i, i + MOVE_ROWS))
      .execute();
  }
}

/** The rows that record `moves`: one per move that changes something. */
export function moveRows(moves: readonly BalanceMove[]) {
  return moves
    .filter(
      (m) =>
        (m.debitsPosted ?? 0n) !== 0n ||
        (m.creditsPosted ?? 0n) !== 0n ||
        (m.debitsPending ?? 0n) !== 0n ||
        (m.creditsPending ?? 0n) !== 0n,
    )
    .map((m) => ({
      id: randomUUID(),
      account_id: m.accountId,
      debits_posted: m.debitsPosted ?? 0n,
      credits_posted: m.creditsPosted ?? 0n,
      debits_pending: m.debitsPending ?? 0n,
      credits_pending: m.creditsPending ?? 0n,
    }));
}

/** The four balance fields of the rows plus moves, as SQL expressions over `billing_balances`. */
export function withMoves(field: 'debits_posted' | 'credits_posted' | 'debits_pending' | 'credits_pending') {
  // A correlated sum: its own index lookup, in the same statement (so the same snapshot) as the row.
  return sql<string>`cast(billing_balances.${sql.raw(field)} + coalesce((select sum(m.${sql.raw(
    field,
  )}) from billing_balance_moves m where m.account_id = billing_balances.account_id), 0) as text)`;
}

/**
 * Folds every pooled account's moves into its balance row: for each account, one statement sums
 * its moves into the row and one deletes exactly the moves it summed (by id, read first), in one
 * transaction, so a concurrent reader sees either the moves or the row that holds them, never
 * both or neither (PostgreSQL: the transaction's writes become visible at once, at its commit).
 * Transfers appending moves meanwhile are not waited for and not lost: their rows are not among
 * the ids read. Returns how many moves were folded. Safe on several instances at once: a move
 * deleted by another folder is not counted twice, because the delete's count must match.
 */
export async function foldBalanceMoves(db: BillingDb, limit = 10_000): Promise<number> {
  // Its own transaction: a race rolls the fold back, which must not take a caller's writes along.
  if (db.isTransaction) throw new Error('foldBalanceMoves runs in a transaction of its own');
  return db
    .transaction()
    .execute(async (trx) => {
      const moves = await trx
        .selectFrom('billing_balance_moves')
        .select([
          'id',
          'account_id',
          sql<string>`cast(debits_posted as text)`.as('debits_posted'),
          sql<string>`cast(credits_posted as text)`.as('credits_posted'),
          sql<string>`cast(debits_pending as text)`.as('debits_pending'),
          sql<string>`cast(credits_pending as text)`.as('credits_pending'),
        ])
        .orderBy('id')
        .limit(limit)
        .execute();
      if (moves.length === 0) return 0;
      const sums = new Map<string, { dp: bigint; cp: bigint; dn: bigint; cn: bigint }>();
      for (const m of moves) {
        const s = sums.get(m.account_id) ?? { dp: 0n, cp: 0n, dn: 0n, cn: 0n };
        s.dp += toMicros(m.debits_posted);
        s.cp += toMicros(m.credits_posted);
        s.dn += toMicros(m.debits_pending);
        s.cn += toMicros(m.credits_pending);
        sums.set(m.account_id, s);
      }
      // Deleted first: a move another folder took meanwhile makes the count fall short, and this
      // fold rolls back instead of adding it a second time.
      let deleted = 0n;
      for (let i = 0; i < moves.length; i += MOVE_ROWS) {
        const ids = moves.slice(i, i + MOVE_ROWS).map((m) => m.id);
        const result = await trx
          .deleteFrom('billing_balance_moves')
          .where('id', 'in', ids)
          .executeTakeFirst();
        deleted += result.numDeletedRows;
      }
      if (deleted !== BigInt(moves.length)) throw new FoldRaced();
      for (const [accountId, s] of [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        await trx
          .updateTable('billing_balances')
          .set({
            debits_posted: sql`debits_posted + ${s.dp}`,
            credits_posted: sql`credits_posted + ${s.cp}`,
            debits_pending: sql`debits_pending + ${s.dn}`,
            credits_pending: sql`credits_pending + ${s.cn}`,
          })
          .where('account_id', '=', accountId)
          .execute();
      }
      return moves.length;
    })
    .catch((error: unknown) => {
      if (error instanceof FoldRaced) return 0;
      throw error;
    });
}

/** Folds until the moves are gone (the sweeper's pass): batches of `batch`, each its own transaction. */
export async function foldAllBalanceMoves(db: BillingDb, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const folded = await foldBalanceMoves(db, batch);
    total += folded;
    if (folded < batch) return total;
  }
}

/** Another folder deleted some of the same moves first: this fold rolled back (nothing lost). */
class FoldRaced extends Error {}
