/**
 * Automatic close of statements (the rater loop calls it each pass): a project's month closes,
 * as `system`, once the month is over plus the late window, because usage may still arrive for it
 * until then (issue 14) and a closed month can only take it as a dated adjustment. Months close in
 * order from the project's first one with lines (or the month after its last closed statement),
 * empty months included, so the hash chain has no gaps. closeStatement answers a month closed
 * meanwhile by another pass or an operator with the stored statement, so racing passes are safe.
 */
import { sql } from 'kysely';
import { ACCOUNTS } from './accounts.js';
import type { StatementKey } from './statements.js';
import { closeStatement } from './statements.js';
import type { StatementDb } from './statements.js';
import { nextPeriod, parsePeriod, periodOf } from './statement-period.js';

const DAY_MS = 86_400_000;

/** The month after the last closed one, or the month of the prepaid account's first line; undefined: none yet. */
async function firstUnclosed(
  db: StatementDb,
  projectId: string,
  currency: string,
): Promise<string | undefined> {
  const last = await db
    .selectFrom('billing_statements')
    .select('period')
    .where('project_id', '=', projectId)
    .where('currency', '=', currency)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last !== undefined) return nextPeriod(last.period);
  const accountId = ACCOUNTS.projectPrepaid(projectId, currency).id;
  // A line's month is its usage's month (period_start), else when it was posted (statements.ts).
  const first = await db
    .selectFrom('billing_transfers')
    .select(sql<string | null>`min(coalesce(period_start, created_at))`.as('at'))
    .where((eb) => eb.or([eb('debit_account_id', '=', accountId), eb('credit_account_id', '=', accountId)]))
    .where('kind', 'in', ['single', 'post'])
    .where(sql<boolean>`amount > 0`)
    .executeTakeFirst();
  return first?.at == null ? undefined : periodOf(first.at);
}

export interface AutoCloseOutcome {
  /** Statements this call created (one closed meanwhile by someone else is not counted). */
  closed: StatementKey[];
  /** Projects whose close failed; the others still close (the next pass tries again). */
  failures: { projectId: string; currency: string; error: unknown }[];
}

/** Closes every project's months whose end plus `lateWindowDays` is at or before `now`, oldest first. */
export async function closeDueStatements(
  db: StatementDb,
  now: number,
  lateWindowDays: number,
): Promise<AutoCloseOutcome> {
  const closedAt = new Date(now).toISOString();
  const projects = await db
    .selectFrom('billing_accounts')
    .select(['owner_id', 'currency'])
    .where('kind', '=', 'project_prepaid')
    .orderBy('owner_id')
    .execute();
  const outcome: AutoCloseOutcome = { closed: [], failures: [] };
  for (const { owner_id: projectId, currency } of projects) {
    if (projectId === null) continue;
    try {
      let period = await firstUnclosed(db, projectId, currency);
      while (period !== undefined && Date.parse(parsePeriod(period).end) + lateWindowDays * DAY_MS <= now) {
        const key = { projectId, currency, period };
        const { created } = await closeStatement(db, { ...key, closedBy: 'system', now: closedAt });
        if (created) outcome.closed.push(key);
        period = nextPeriod(period);
      }
    } catch (error) {
      outcome.failures.push({ projectId, currency, error });
    }
  }
  return outcome;
}
