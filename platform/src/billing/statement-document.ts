/**
 * The statement document: the JSON a statement is served as, and, once closed, stored as. Its
 * bytes are canonical (keys sorted, no spaces) so that the SHA-256 of a closed statement is a
 * property of its content alone and the stored text can be served byte-for-byte.
 */
import { createHash } from 'node:crypto';

/** What a line did to the project's balance. */
export type StatementLineKind = 'charge' | 'refund' | 'topup' | 'credit';

export interface StatementLineDoc {
  /** The ledger transfer this line is. */
  transfer_id: string;
  /** This transfer, then the hold it settled or the charge it corrects: the line's traces. */
  transfer_ids: string[];
  kind: StatementLineKind;
  /** The ledger category (`gpu_time`, `app_usage`, `app_fee`, `topup`, `refund`, `promo_applied`, …). */
  category: string;
  /** Signed micros: + credits the balance, − debits it. */
  amount_micros: number;
  allocation_id: string | null;
  period_start: string | null;
  period_end: string | null;
  /** When the transfer was posted. */
  posted_at: string;
  /** For a dated adjustment: the closed period the line belongs to by its usage. */
  adjusts_period: string | null;
  reason: string | null;
}

export interface StatementTotalsDoc {
  /** Every debit of the balance, as a positive amount. */
  charges_micros: number;
  refunds_micros: number;
  topups_micros: number;
  /** Promotional credit applied to the balance. */
  credits_micros: number;
  /** The sum of every line: closing − opening. */
  net_micros: number;
}

export interface StatementDoc {
  project_id: string;
  currency: string;
  period: string;
  period_start: string;
  period_end: string;
  status: 'open' | 'closed';
  /** 1, 2, … in the project's chain of closed statements; null while open. */
  seq: number | null;
  closed_at: string | null;
  /** The SHA-256 (hex) of the project's closed statement before this one; null for the first. */
  previous_sha256: string | null;
  opening_balance_micros: number;
  closing_balance_micros: number;
  totals: StatementTotalsDoc;
  /** The balances and totals in cents, each rounded once from its exact micros (ROUNDING_RULE). */
  display: {
    opening_balance: string;
    closing_balance: string;
    charges: string;
    refunds: string;
    topups: string;
    credits: string;
    net: string;
  };
  rounding: string;
  lines: StatementLineDoc[];
}

export const ROUNDING_RULE =
  'amounts are exact integer micros; display values round each total and balance once to cents, half to even; lines are never rounded';

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Micros to cents, round half to even (banker's rounding: no upward drift over many statements),
 * as a decimal string with two places: 12_345_000n (12.345, a tie) → '12.34', 12_355_000n → '12.36'.
 */
export function centsHalfEven(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  let cents = abs / 10_000n;
  const rest = abs % 10_000n;
  if (rest > 5_000n || (rest === 5_000n && cents % 2n === 1n)) cents += 1n;
  const text = `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${text}` : text;
}
