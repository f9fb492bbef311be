/**
 * Statements of a project's prepaid balance per calendar month (UTC). An open statement is
 * computed from the ledger on each read; closing it stores its canonical JSON once, with its
 * SHA-256 and the previous closed statement's (a chain), and records which transfers it carries.
 *
 * Which statement a transfer lands on: the month of its usage (`period_start`, else when it was
 * posted) while that month is open. Once the month is closed, a transfer not on its statement
 * (rated late, a refund of an old charge) is a dated adjustment on the month it was posted in, or
 * the first open month if that is later. Statements close in order, so every transfer lands on
 * exactly one statement and each opening balance is the previous closing balance.
 *
 * The same machinery keeps a publisher project's statements of its earnings account (`account:
 * 'publisher'`): the lines are the transfers on that account (app usage credited, `earning`;
 * refunds taken back, `refund`), closed into tables of their own (an app-usage transfer is on the
 * tenant's statement and on the publisher's), chained separately.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { ACCOUNTS } from './accounts.js';
import { asBillingDb, nowIso } from './db.js';
import { BillingError } from './errors.js';
import { toMicros } from './money.js';
import type { BillingTables } from './schema.js';
import { canonicalJson, centsHalfEven, ROUNDING_RULE, sha256Hex } from './statement-document.js';
import type { StatementDoc, StatementLineDoc, StatementLineKind } from './statement-document.js';
import { nextPeriod, parsePeriod, periodOf } from './statement-period.js';
import type { BillingStatementTables } from './statement-schema.js';
import { selectTransfers, toTransfer } from './transfers.js';
import type { Transfer } from './transfers.js';

export type StatementDb = Kysely<BillingTables & BillingStatementTables>;

/** Whose statement: a project's prepaid balance, or a publisher project's earnings account. */
export type StatementAccount = 'project' | 'publisher';

export interface StatementKey {
  projectId: string;
  currency: string;
  /** `YYYY-MM`. */
  period: string;
  /** Default `project`. */
  account?: StatementAccount;
}

/**
 * Where each account's statements live. Both pairs of tables have the same columns, so the
 * queries name them through the project tables' types.
 */
const BOOKS = {
  project: {
    statements: 'billing_statements',
    lines: 'billing_statement_lines',
    accountId: (k: Omit<StatementKey, 'period'>) => ACCOUNTS.projectPrepaid(k.projectId, k.currency).id,
  },
  publisher: {
    statements: 'billing_publisher_statements',
    lines: 'billing_publisher_statement_lines',
    accountId: (k: Omit<StatementKey, 'period'>) => ACCOUNTS.publisherPayable(k.projectId, k.currency).id,
  },
} as const;

function bookOf(key: Omit<StatementKey, 'period'>) {
  const book = BOOKS[key.account ?? 'project'];
  return {
    statements: book.statements as 'billing_statements',
    lines: book.lines as 'billing_statement_lines',
    accountId: book.accountId(key),
  };
}

/** A statement as served: the document, and for a closed one the exact stored bytes. */
export interface Statement {
  doc: StatementDoc;
  /** Canonical JSON: for a closed statement, the stored text itself. */
  body: string;
  /** SHA-256 (hex) of `body`. */
  sha256: string;
}

interface Closed {
  period: string;
  seq: number;
  body: string;
  sha256: string;
  previous_sha256: string | null;
}

async function lastClosed(db: StatementDb, key: Omit<StatementKey, 'period'>): Promise<Closed | undefined> {
  return db
    .selectFrom(bookOf(key).statements)
    .select(['period', 'seq', 'body', 'sha256', 'previous_sha256'])
    .where('project_id', '=', key.projectId)
    .where('currency', '=', key.currency)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

async function storedStatement(db: StatementDb, key: StatementKey): Promise<Statement | undefined> {
  const row = await db
    .selectFrom(bookOf(key).statements)
    .select(['body', 'sha256'])
    .where('project_id', '=', key.projectId)
    .where('currency', '=', key.currency)
    .where('period', '=', key.period)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { doc: JSON.parse(row.body) as StatementDoc, body: row.body, sha256: row.sha256 };
}

/** Posted transfers that moved the account and are on none of its closed statements yet. */
async function unstatemented(
  db: StatementDb,
  accountId: string,
  lines: 'billing_statement_lines',
): Promise<Transfer[]> {
  const rows = await selectTransfers(asBillingDb(db))
    .where((eb) => eb.or([eb('debit_account_id', '=', accountId), eb('credit_account_id', '=', accountId)]))
    .where('kind', 'in', ['single', 'post'])
    .where(sql<boolean>`amount > 0`)
    .where(
      sql<boolean>`not exists (select 1 from ${sql.table(lines)} l where l.transfer_id = billing_transfers.id)`,
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toTransfer);
}

/** The month a not-yet-statemented transfer lands on, given the last closed month. */
function homePeriod(
  transfer: Transfer,
  closedUpTo: string | undefined,
): { period: string; adjusts: string | null } {
  const usage = periodOf(transfer.periodStart ?? transfer.createdAt);
  if (closedUpTo === undefined || usage > closedUpTo) return { period: usage, adjusts: null };
  const posted = periodOf(transfer.createdAt);
  const firstOpen = nextPeriod(closedUpTo);
  return { period: posted > firstOpen ? posted : firstOpen, adjusts: usage };
}

function lineKind(transfer: Transfer, credit: boolean, account: StatementAccount): StatementLineKind {
  if (account === 'publisher') {
    // The earnings account: credited by app usage, debited when a refund takes a share back.
    if (credit) return transfer.category === 'app_usage' ? 'earning' : 'credit';
    return transfer.category === 'refund' ? 'refund' : 'charge';
  }
  if (!credit) return 'charge';
  return transfer.category === 'topup' ? 'topup' : transfer.category === 'refund' ? 'refund' : 'credit';
}

function lineOf(
  transfer: Transfer,
  accountId: string,
  adjusts: string | null,
  account: StatementAccount,
): StatementLineDoc {
  const credit = transfer.creditAccountId === accountId;
  const kind = lineKind(transfer, credit, account);
  const traces = [transfer.id, transfer.pendingId, transfer.correctsId].filter(
    (id): id is string => id !== null,
  );
  return {
    transfer_id: transfer.id,
    transfer_ids: traces,
    kind,
    category: transfer.category,
    amount_micros: jsonInt(credit ? transfer.amount : -transfer.amount),
    allocation_id: transfer.allocationId,
    period_start: transfer.periodStart,
    period_end: transfer.periodEnd,
    posted_at: transfer.createdAt,
    adjusts_period: adjusts,
    reason: transfer.reason,
  };
}

/** Computes the statement of an open period from the ledger (nothing is written). */
async function computeStatement(db: StatementDb, key: StatementKey): Promise<StatementDoc> {
  const bounds = parsePeriod(key.period);
  const account = key.account ?? 'project';
  const book = bookOf(key);
  const accountId = book.accountId;
  const closed = await lastClosed(db, key);
  const before = await db
    .selectFrom(book.lines)
    .select(sql<string>`cast(coalesce(sum(amount), 0) as text)`.as('total'))
    .where('project_id', '=', key.projectId)
    .where('currency', '=', key.currency)
    .where('period', '<', key.period)
    .executeTakeFirstOrThrow();
  let opening = toMicros(before.total);
  const lines: StatementLineDoc[] = [];
  for (const transfer of await unstatemented(db, accountId, book.lines)) {
    const home = homePeriod(transfer, closed?.period);
    const signed = transfer.creditAccountId === accountId ? transfer.amount : -transfer.amount;
    if (home.period < key.period) opening += signed;
    if (home.period !== key.period) continue;
    lines.push(lineOf(transfer, accountId, home.adjusts, account));
  }
  const sumOf = (kind: StatementLineKind) =>
    lines.filter((l) => l.kind === kind).reduce((sum, l) => sum + BigInt(l.amount_micros), 0n);
  const charges = -sumOf('charge');
  // A project's refunds credit it; a publisher's take its share back (shown as a positive total).
  const refunds = account === 'publisher' ? -sumOf('refund') : sumOf('refund');
  const topups = sumOf('topup');
  const credits = sumOf('credit');
  const earnings = sumOf('earning');
  const net = lines.reduce((sum, l) => sum + BigInt(l.amount_micros), 0n);
  const closing = opening + net;
  const publisher = account === 'publisher';
  return {
    project_id: key.projectId,
    ...(publisher ? { account: 'publisher' as const } : {}),
    currency: key.currency,
    period: key.period,
    period_start: bounds.start,
    period_end: bounds.end,
    status: 'open',
    seq: null,
    closed_at: null,
    previous_sha256: closed?.sha256 ?? null,
    opening_balance_micros: jsonInt(opening),
    closing_balance_micros: jsonInt(closing),
    totals: {
      charges_micros: jsonInt(charges),
      refunds_micros: jsonInt(refunds),
      topups_micros: jsonInt(topups),
      credits_micros: jsonInt(credits),
      ...(publisher ? { earnings_micros: jsonInt(earnings) } : {}),
      net_micros: jsonInt(net),
    },
    display: {
      opening_balance: centsHalfEven(opening),
      closing_balance: centsHalfEven(closing),
      charges: centsHalfEven(charges),
      refunds: centsHalfEven(refunds),
      topups: centsHalfEven(topups),
      credits: centsHalfEven(credits),
      ...(publisher ? { earnings: centsHalfEven(earnings) } : {}),
      net: centsHalfEven(net),
    },
    rounding: ROUNDING_RULE,
    lines,
  };
}

/** The statement of a period: from storage, byte-for-byte, once closed; else computed now. */
export async function getStatement(db: StatementDb, key: StatementKey): Promise<Statement> {
  parsePeriod(key.period);
  const stored = await storedStatement(db, key);
  if (stored !== undefined) return stored;
  const doc = await computeStatement(db, key);
  const body = canonicalJson(doc);
  return { doc, body, sha256: sha256Hex(body) };
}

export interface CloseInput extends StatementKey {
  /** Who closes it (`user:<id>`, or `system` for an automatic close). */
  closedBy: string;
  /** Defaults to now; the period must be over by then. */
  now?: string;
}

/**
 * Closes a period's statement once: stores its canonical JSON, chained to the previous closed
 * statement, and the transfers it carries. Closing a closed period returns the stored statement
 * (`created: false`). Periods close in order and only once they are over.
 */
export async function closeStatement(
  db: StatementDb,
  input: CloseInput,
): Promise<{ statement: Statement; created: boolean }> {
  const bounds = parsePeriod(input.period);
  const now = input.now ?? nowIso();
  const close = db.transaction().execute(async (trx) => {
    const stored = await storedStatement(trx, input);
    if (stored !== undefined) return { statement: stored, created: false };
    if (now < bounds.end) {
      throw new BillingError('STATEMENT_PERIOD_OPEN', `${input.period} is not over until ${bounds.end}`, {
        details: { period: input.period, period_end: bounds.end },
      });
    }
    const previous = await lastClosed(trx, input);
    if (previous !== undefined && input.period !== nextPeriod(previous.period)) {
      throw outOfOrder(
        input.period,
        `the last closed statement is ${previous.period}; close ${nextPeriod(previous.period)} next`,
      );
    }
    if (previous === undefined) {
      // The first statement of an account: nothing may be left on an earlier month.
      const book = bookOf(input);
      const earlier = (await unstatemented(trx, book.accountId, book.lines)).find(
        (t) => homePeriod(t, undefined).period < input.period,
      );
      if (earlier !== undefined) {
        const month = homePeriod(earlier, undefined).period;
        throw outOfOrder(input.period, `${month} has lines and is not closed; close it first`);
      }
    }
    const doc = await computeStatement(trx, input);
    const closedDoc: StatementDoc = {
      ...doc,
      status: 'closed',
      seq: (previous?.seq ?? 0) + 1,
      closed_at: now,
      previous_sha256: previous?.sha256 ?? null,
    };
    const body = canonicalJson(closedDoc);
    const sha256 = sha256Hex(body);
    // The primary key and the unique (project, seq) make a concurrent second close fail here.
    await trx
      .insertInto(bookOf(input).statements)
      .values({
        project_id: input.projectId,
        currency: input.currency,
        period: input.period,
        seq: closedDoc.seq ?? 1,
        body,
        sha256,
        previous_sha256: closedDoc.previous_sha256,
        closed_by: input.closedBy,
        closed_at: now,
      })
      .execute();
    for (const line of closedDoc.lines) {
      await trx
        .insertInto(bookOf(input).lines)
        .values({
          transfer_id: line.transfer_id,
          project_id: input.projectId,
          currency: input.currency,
          period: input.period,
          amount: BigInt(line.amount_micros),
        })
        .execute();
    }
    return { statement: { doc: closedDoc, body, sha256 }, created: true };
  });
  try {
    return await close;
  } catch (error) {
    // A concurrent close of the same month won: this one hit the primary key, or (read committed)
    // saw the winner's statement as the last closed one and judged its own month out of order.
    // Either way the month is closed: answer with what the winner stored.
    const stored = await storedStatement(db, input);
    if (stored === undefined) throw error;
    return { statement: stored, created: false };
  }
}

export interface ChainProblem {
  period: string;
  problem: string;
}

/**
 * Recomputes the chain of a project's closed statements: each body must hash to its stored
 * SHA-256, name its predecessor's hash, and follow it in sequence. Empty = intact.
 */
export async function verifyStatementChain(
  db: StatementDb,
  key: Omit<StatementKey, 'period'>,
): Promise<ChainProblem[]> {
  const rows = await db
    .selectFrom(bookOf(key).statements)
    .select(['period', 'seq', 'body', 'sha256', 'previous_sha256'])
    .where('project_id', '=', key.projectId)
    .where('currency', '=', key.currency)
    .orderBy('seq')
    .execute();
  const problems: ChainProblem[] = [];
  let previous: Closed | undefined;
  for (const row of rows) {
    const problem = (text: string) => problems.push({ period: row.period, problem: text });
    if (sha256Hex(row.body) !== row.sha256) problem('its body does not hash to its stored sha256');
    if (row.seq !== (previous?.seq ?? 0) + 1)
      problem(`sequence ${row.seq} does not follow ${previous?.seq ?? 0}`);
    if (row.previous_sha256 !== (previous?.sha256 ?? null))
      problem('previous_sha256 does not name the statement before it');
    let doc: Partial<StatementDoc> = {};
    try {
      doc = JSON.parse(row.body) as StatementDoc;
    } catch {
      problem('its body is not JSON');
    }
    if (doc.previous_sha256 !== row.previous_sha256 || doc.period !== row.period) {
      problem('its body disagrees with its stored period or previous_sha256');
    }
    previous = row;
  }
  return problems;
}

function outOfOrder(period: string, why: string): BillingError {
  return new BillingError('STATEMENT_OUT_OF_ORDER', `cannot close ${period}: ${why}`, {
    hint: 'statements close month by month, oldest first',
    details: { period },
  });
}

/** Micros as a JSON integer (a statement's sums stay far inside ±2^53 micros). */
function jsonInt(micros: bigint): number {
  const value = Number(micros);
  if (!Number.isSafeInteger(value)) throw new Error(`${micros} micro-units do not fit a JSON integer`);
  return value;
}

/** The platform's database seen as the statements' (see asBillingDb for why a cast). */
export function asStatementDb<DB extends BillingTables & BillingStatementTables>(
  db: Kysely<DB>,
): StatementDb {
  return db as unknown as StatementDb;
}
