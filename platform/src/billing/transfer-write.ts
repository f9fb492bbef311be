/**
 * Writing one transfer: its row and the balance moves it makes, or nothing when its id is taken.
 * On PostgreSQL that is one statement (data-modifying CTEs, the moves conditional on the insert):
 * a statement's round trip over the socket is most of what a transfer costs the server. SQLite,
 * in-process, runs them one by one.
 */
import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import { isPostgres } from './db.js';
import type { BillingTransaction } from './db.js';
import { isPooled, moveRows, recordMoves } from './pooled.js';
import type { BalanceMove } from './pooled.js';
import type { BillingTables } from './schema.js';

type TransferInsert = Insertable<BillingTables['billing_transfers']>;

/** Inserts `row` and moves the balances; false (nothing written) when the id is already used. */
export async function writeTransfer(
  trx: BillingTransaction,
  row: TransferInsert,
  moves: readonly BalanceMove[],
): Promise<boolean> {
  const insert = trx
    .insertInto('billing_transfers')
    .values(row)
    .onConflict((oc) => oc.doNothing());
  const owners = moves.filter((m) => !isPooled(m.accountId));
  const pooled = moveRows(moves.filter((m) => isPooled(m.accountId)));
  if (!isPostgres(trx)) {
    const inserted = await insert.executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) return false;
    for (const m of owners) {
      await trx
        .updateTable('billing_balances')
        .set({
          debits_posted: sql`debits_posted + ${m.debitsPosted ?? 0n}`,
          credits_posted: sql`credits_posted + ${m.creditsPosted ?? 0n}`,
          debits_pending: sql`debits_pending + ${m.debitsPending ?? 0n}`,
          credits_pending: sql`credits_pending + ${m.creditsPending ?? 0n}`,
        })
        .where('account_id', '=', m.accountId)
        .execute();
    }
    await recordMoves(
      trx,
      moves.filter((m) => isPooled(m.accountId)),
    );
    return true;
  }
  const steps = owners.map(
    (m, i) => sql`${sql.id(`owner${i}`)} as (update billing_balances set
      debits_posted = debits_posted + ${m.debitsPosted ?? 0n},
      credits_posted = credits_posted + ${m.creditsPosted ?? 0n},
      debits_pending = debits_pending + ${m.debitsPending ?? 0n},
      credits_pending = credits_pending + ${m.creditsPending ?? 0n}
      where account_id = ${m.accountId} and exists (select 1 from transfer) returning 1)`,
  );
  if (pooled.length > 0) {
    const values = pooled.map(
      (r) =>
        sql`(${r.id}, ${r.account_id}, cast(${r.debits_posted} as bigint), cast(${r.credits_posted} as bigint),
          cast(${r.debits_pending} as bigint), cast(${r.credits_pending} as bigint))`,
    );
    steps.push(sql`pooled as (insert into billing_balance_moves
      (id, account_id, debits_posted, credits_posted, debits_pending, credits_pending)
      select * from (values ${sql.join(values)})
        as v (id, account_id, debits_posted, credits_posted, debits_pending, credits_pending)
      where exists (select 1 from transfer) returning 1)`);
  }
  const { rows } = await sql<{ inserted: number }>`with transfer as (${insert.returning('id')})
    ${steps.length > 0 ? sql`, ${sql.join(steps)}` : sql``}
    select cast(count(*) as int) as inserted from transfer`.execute(trx);
  return (rows[0]?.inserted ?? 0) > 0;
}
