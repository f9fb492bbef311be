/** Tables of closed statements (migrations 0009 and 0014, statements.ts) and budgets (0010, budgets.ts). */
import type { Int64Column } from './schema.js';

export interface BillingStatementsTable {
  project_id: string;
  currency: string;
  /** `YYYY-MM`. */
  period: string;
  /** 1, 2, …: the statement's place in the project's chain. */
  seq: number;
  /** The canonical JSON served for the statement, byte-for-byte. */
  body: string;
  /** SHA-256 (hex) of `body`. */
  sha256: string;
  /** The project's previous closed statement's `sha256`; null for the first. */
  previous_sha256: string | null;
  closed_by: string;
  closed_at: string;
}

/** Each transfer a closed statement carries, once, with its signed amount. */
export interface BillingStatementLinesTable {
  transfer_id: string;
  project_id: string;
  currency: string;
  period: string;
  amount: Int64Column;
}

export interface BillingStatementTables {
  billing_statements: BillingStatementsTable;
  billing_statement_lines: BillingStatementLinesTable;
  /** A publisher project's closed statements of its earnings account (migration 0014): same shape. */
  billing_publisher_statements: BillingStatementsTable;
  billing_publisher_statement_lines: BillingStatementLinesTable;
}

/** A project's monthly budget (migration 0010). */
export interface BillingBudgetsTable {
  project_id: string;
  currency: string;
  limit_micros: Int64Column;
  /** JSON array of integer percentages of the limit, ascending. */
  thresholds: string;
  updated_by: string;
  updated_at: string;
}

/** One row per alert fired: (project, period, threshold) fires once per month. */
export interface BillingBudgetAlertsTable {
  project_id: string;
  period: string;
  threshold: number;
  currency: string;
  limit_micros: Int64Column;
  spent_micros: Int64Column;
  fired_at: string;
}

export interface BillingBudgetTables {
  billing_budgets: BillingBudgetsTable;
  billing_budget_alerts: BillingBudgetAlertsTable;
}
