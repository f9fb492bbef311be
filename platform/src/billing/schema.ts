/**
 * Row types of the billing tables, as Kysely sees them (created by migration.ts). Amounts are
 * 64-bit integer micro-units: written as `bigint`, read back as whatever the driver returns
 * (string from pg, number from better-sqlite3) and converted with `toMicros`.
 */
import type { ColumnType } from 'kysely';

/** A 64-bit integer column. */
export type Int64Column = ColumnType<string | number | bigint, bigint, bigint>;

/**
 * What an account is for. Credit-normal accounts (what the platform owes someone: prepaid and
 * promotional balances, publisher earnings, revenue, fees) grow with credits; the two funding
 * accounts are debit-normal: money that entered from outside (top-ups) or was given away
 * (promotions), so that the whole ledger always sums to zero.
 */
export type AccountKind =
  | 'project_prepaid'
  | 'project_promo'
  | 'publisher_payable'
  | 'platform_revenue'
  | 'platform_fees'
  | 'platform_funding'
  | 'platform_promotions';

export interface BillingAccountsTable {
  /** Deterministic, e.g. `project:<id>:prepaid:USD` (accounts.ts builds them). */
  id: string;
  kind: AccountKind;
  /** Project, publisher or promotion grant id; null for platform accounts. */
  owner_id: string | null;
  /** ISO 4217 code; every transfer on the account is in it. */
  currency: string;
  /** 1: debits beyond the posted credits (less pending debits) are refused unless a caller allows it. */
  no_overdraft: number;
  /** Promotional credit: not spendable from this time on, and returned by `expirePromotions`. */
  expires_at: string | null;
  created_at: string;
}

/**
 * `single`: posted at once. `pending`: a hold (reserved, not moved). `post`: settles a pending
 * transfer for its amount or less. `void`: releases a pending transfer. Rows are never updated.
 */
export type TransferKind = 'single' | 'pending' | 'post' | 'void';

export interface BillingTransfersTable {
  /** Client-supplied, unique forever: a retry with the same id and content is a no-op. */
  id: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  /** > 0 except for `void`, which records the released amount. */
  amount: Int64Column;
  currency: string;
  /** For `post` and `void`: the pending transfer they resolve (unique: resolved once). */
  pending_id: string | null;
  /** A correction (refund, reversal): the transfer it corrects, moving money the other way. */
  corrects_id: string | null;
  /** What the money is for: `topup`, `gpu_time`, `app_usage`, `app_fee`, `hold`, `refund`, … */
  category: string;
  allocation_id: string | null;
  period_start: string | null;
  period_end: string | null;
  reason: string | null;
  created_at: string;
}

/** The cached balance of each account, updated in the same transaction as every transfer. */
export interface BillingBalancesTable {
  account_id: string;
  debits_posted: Int64Column;
  credits_posted: Int64Column;
  debits_pending: Int64Column;
  credits_pending: Int64Column;
}

/**
 * A movement of a pooled account's balance (pooled.ts, migration 0019): the account's balance is
 * its `billing_balances` row plus the sum of these, until a fold moves them into the row.
 */
export interface BillingBalanceMovesTable {
  id: string;
  account_id: string;
  debits_posted: Int64Column;
  credits_posted: Int64Column;
  debits_pending: Int64Column;
  credits_pending: Int64Column;
}

/** One row per rated usage event: the deduplication of app usage, written with its transfers. */
export interface BillingRatedEventsTable {
  launch_id: string;
  event_id: string;
  meter: string;
  /** Exact decimal text as reported. */
  quantity: string;
  charge_micros: Int64Column;
  fee_micros: Int64Column;
  /** JSON array of the ids of the transfers this rating wrote, in order. */
  transfer_ids: string;
  rated_at: string;
}

/**
 * Sub-micro remainders carried from one rated event to the next, per (launch, meter): the exact
 * charge so far is `charged + charge_remainder / denominator`.
 */
export interface BillingCarriesTable {
  launch_id: string;
  meter: string;
  denominator: Int64Column;
  charge_remainder: Int64Column;
  /** Remainder of the platform fee, in 1/10,000ths of a micro (basis points). */
  fee_remainder: Int64Column;
}

/** One row per rated GPU-time interval of an allocation: (allocation, index) is rated once. */
export interface BillingRatedIntervalsTable {
  allocation_id: string;
  idx: number;
  /** Running seconds covered: [start_second, end_second). */
  start_second: number;
  end_second: number;
  /** 1 for the interval rated at release: nothing is rated after it. */
  is_final: number;
  charge_micros: Int64Column;
  /** JSON array of the ids of the transfers this settlement wrote, in order (next hold excluded). */
  transfer_ids: string;
  rated_at: string;
}

/** The billing tables, to be merged into the platform's `Tables`. */
export interface BillingTables {
  billing_accounts: BillingAccountsTable;
  billing_transfers: BillingTransfersTable;
  billing_balances: BillingBalancesTable;
  billing_balance_moves: BillingBalanceMovesTable;
  billing_rated_events: BillingRatedEventsTable;
  billing_carries: BillingCarriesTable;
  billing_rated_intervals: BillingRatedIntervalsTable;
}
