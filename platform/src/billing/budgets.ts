/**
 * Monthly budgets: a spending limit per project with alert thresholds in percent of it. Spend in a
 * month (UTC) is what the project was charged in it (GPU time, app usage, app fees) less what was
 * refunded in it, by when each was posted. Each threshold fires once per month, every month:
 * a `billing_budget_alerts` row keyed by (project, month, threshold) is written with the audit
 * record and the `billing.budget_alert` event in one transaction, so a second check (another pass,
 * another instance) finds it and stays quiet. The rater loop checks every budget on each pass.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { recordAuditEvent } from '../audit/record.js';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { newId } from '../ids.js';
import { ACCOUNTS } from './accounts.js';
import { CHARGE_CATEGORIES } from './charges.js';
import { BillingError } from './errors.js';
import { toMicros } from './money.js';
import { parsePeriod, periodOf } from './statement-period.js';

export const BUDGET_ALERT_EVENT = 'billing.budget_alert';

/** Percent of the limit; more than 100 warns of an overrun (e.g. 150). */
const MAX_THRESHOLD = 1000;
const MAX_THRESHOLDS = 10;

export interface Budget {
  projectId: string;
  currency: string;
  limit: bigint;
  /** Ascending integer percentages of the limit. */
  thresholds: number[];
  updatedBy: string;
  updatedAt: string;
}

export interface BudgetStatus {
  budget: Budget | undefined;
  period: string;
  /** Charges less refunds posted in the period. */
  spent: bigint;
  fired: { threshold: number; firedAt: string }[];
}

export interface BudgetAlert {
  projectId: string;
  period: string;
  threshold: number;
  limit: bigint;
  spent: bigint;
}

/** Sorted, unique, whole percentages from 1 to 1000; BUDGET_INVALID otherwise. */
export function normaliseThresholds(thresholds: readonly number[]): number[] {
  const bad = thresholds.find((t) => !Number.isInteger(t) || t < 1 || t > MAX_THRESHOLD);
  if (bad !== undefined || thresholds.length > MAX_THRESHOLDS) {
    throw new BillingError(
      'BUDGET_INVALID',
      `alert thresholds must be up to ${MAX_THRESHOLDS} whole percentages from 1 to ${MAX_THRESHOLD}`,
      {
        hint: 'e.g. --alerts 50,80,100',
      },
    );
  }
  return [...new Set(thresholds)].sort((a, b) => a - b);
}

export async function getBudget(db: Kysely<Tables>, projectId: string): Promise<Budget | undefined> {
  const row = await db
    .selectFrom('billing_budgets')
    .select([
      'project_id',
      'currency',
      sql<string>`cast(limit_micros as text)`.as('limit_micros'),
      'thresholds',
      'updated_by',
      'updated_at',
    ])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    projectId: row.project_id,
    currency: row.currency,
    limit: toMicros(row.limit_micros),
    thresholds: JSON.parse(row.thresholds) as number[],
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

/** Sets (or replaces) the project's budget; alerts already fired this month stay fired. */
export async function setBudget(db: Kysely<Tables>, budget: Budget): Promise<Budget> {
  if (budget.limit <= 0n) {
    throw new BillingError('BUDGET_INVALID', 'a budget limit must be more than zero', {
      hint: 'e.g. --limit 500',
    });
  }
  const thresholds = normaliseThresholds(budget.thresholds);
  const values = {
    currency: budget.currency,
    limit_micros: budget.limit,
    thresholds: JSON.stringify(thresholds),
    updated_by: budget.updatedBy,
    updated_at: budget.updatedAt,
  };
  await db
    .insertInto('billing_budgets')
    .values({ project_id: budget.projectId, ...values })
    .onConflict((oc) => oc.column('project_id').doUpdateSet(values))
    .execute();
  return { ...budget, thresholds };
}

/** Charges less refunds of the project's balance posted in `period`. */
export async function periodSpend(
  db: Kysely<Tables>,
  projectId: string,
  currency: string,
  period: string,
): Promise<bigint> {
  const { start, end } = parsePeriod(period);
  const account = ACCOUNTS.projectPrepaid(projectId, currency).id;
  const row = await db
    .selectFrom('billing_transfers')
    .select([
      sql<string>`cast(coalesce(sum(case when debit_account_id = ${account} then amount else 0 end), 0) as text)`.as(
        'charged',
      ),
      sql<string>`cast(coalesce(sum(case when credit_account_id = ${account} then amount else 0 end), 0) as text)`.as(
        'refunded',
      ),
    ])
    .where('kind', 'in', ['single', 'post'])
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .where((eb) =>
      eb.or([
        eb.and([eb('debit_account_id', '=', account), eb('category', 'in', [...CHARGE_CATEGORIES])]),
        eb.and([eb('credit_account_id', '=', account), eb('category', '=', 'refund')]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return toMicros(row.charged) - toMicros(row.refunded);
}

export async function budgetStatus(
  db: Kysely<Tables>,
  projectId: string,
  currency: string,
  now = Date.now(),
): Promise<BudgetStatus> {
  const period = periodOf(new Date(now).toISOString());
  const budget = await getBudget(db, projectId);
  const fired = await db
    .selectFrom('billing_budget_alerts')
    .select(['threshold', 'fired_at'])
    .where('project_id', '=', projectId)
    .where('period', '=', period)
    .orderBy('threshold')
    .execute();
  return {
    budget,
    period,
    spent: await periodSpend(db, projectId, currency, period),
    fired: fired.map((f) => ({ threshold: f.threshold, firedAt: f.fired_at })),
  };
}

/**
 * Fires every threshold each budget has reached this month and not yet fired: the alert row, its
 * audit record and its event in one transaction; events reach streams after the commit.
 */
export async function checkBudgets(
  db: Kysely<Tables>,
  bus: EventBus,
  now = Date.now(),
): Promise<BudgetAlert[]> {
  const fired: BudgetAlert[] = [];
  const projects = await db.selectFrom('billing_budgets').select('project_id').execute();
  for (const { project_id: projectId } of projects) {
    const budget = await getBudget(db, projectId);
    if (budget === undefined) continue;
    const period = periodOf(new Date(now).toISOString());
    const spent = await periodSpend(db, projectId, budget.currency, period);
    const reached = budget.thresholds.filter((t) => spent * 100n >= budget.limit * BigInt(t));
    for (const threshold of reached) {
      const alert = { projectId, period, threshold, limit: budget.limit, spent };
      const event = await fireOnce(db, bus, budget.currency, alert, new Date(now).toISOString());
      if (event === undefined) continue;
      bus.deliver(event);
      fired.push(alert);
    }
  }
  return fired;
}

async function fireOnce(
  db: Kysely<Tables>,
  bus: EventBus,
  currency: string,
  alert: BudgetAlert,
  firedAt: string,
): Promise<PlatformEvent | undefined> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('billing_budget_alerts')
      .values({
        project_id: alert.projectId,
        period: alert.period,
        threshold: alert.threshold,
        currency,
        limit_micros: alert.limit,
        spent_micros: alert.spent,
        fired_at: firedAt,
      })
      .onConflict((oc) => oc.columns(['project_id', 'period', 'threshold']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined;
    const data = {
      project_id: alert.projectId,
      currency,
      period: alert.period,
      threshold_percent: alert.threshold,
      limit_micros: Number(alert.limit),
      spent_micros: Number(alert.spent),
    };
    await recordAuditEvent(trx, {
      actor_type: 'system',
      actor_id: null,
      action: BUDGET_ALERT_EVENT,
      target_type: 'project',
      target_id: alert.projectId,
      project_id: alert.projectId,
      result: 'success',
      status: 200,
      correlation_id: newId(),
      ip: null,
      details: JSON.stringify(data),
    });
    return bus.publish(trx, {
      type: BUDGET_ALERT_EVENT,
      subject: `project/${alert.projectId}`,
      project_id: alert.projectId,
      data,
    });
  });
}

export interface BudgetOverview {
  budget: Budget;
  period: string;
  spent: bigint;
  fired: { threshold: number; firedAt: string }[];
}

/**
 * Every project with a budget, with this month's spend and the alerts fired this month (the
 * operators' view), ordered by project id.
 */
export async function listBudgets(db: Kysely<Tables>, now = Date.now()): Promise<BudgetOverview[]> {
  const period = periodOf(new Date(now).toISOString());
  const projects = await db
    .selectFrom('billing_budgets')
    .select('project_id')
    .orderBy('project_id')
    .execute();
  const fired = await db
    .selectFrom('billing_budget_alerts')
    .select(['project_id', 'threshold', 'fired_at'])
    .where('period', '=', period)
    .orderBy('project_id')
    .orderBy('threshold')
    .execute();
  const overview: BudgetOverview[] = [];
  for (const { project_id: projectId } of projects) {
    const budget = await getBudget(db, projectId);
    if (budget === undefined) continue;
    overview.push({
      budget,
      period,
      spent: await periodSpend(db, projectId, budget.currency, period),
      fired: fired
        .filter((f) => f.project_id === projectId)
        .map((f) => ({ threshold: f.threshold, firedAt: f.fired_at })),
    });
  }
  return overview;
}

/** Spend as a percentage of the limit, rounded down to hundredths, as decimal text ('42.50'). */
export function spentPercent(spent: bigint, limit: bigint): string {
  if (limit <= 0n) return '0.00';
  const hundredths = (spent * 10_000n) / limit;
  const sign = hundredths < 0n ? '-' : '';
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
