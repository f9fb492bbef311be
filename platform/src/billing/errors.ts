/**
 * The billing library's one error base. Codes are stable: callers and tests branch on `code`,
 * never on the message.
 */

/**
 * Every billing code with the HTTP status the API should answer with and its meaning (the rows
 * docs/errors.md needs once billing has an API).
 */
export const BILLING_ERRORS = {
  AMOUNT_INVALID: {
    status: 400,
    meaning:
      'A decimal amount or quantity is malformed, negative, too precise (over 6 decimals for money, 9 for quantities) or too large.',
  },
  CURRENCY_INVALID: { status: 400, meaning: 'A currency is not a three-letter ISO 4217 code.' },
  CURRENCY_MISMATCH: {
    status: 409,
    meaning:
      'A transfer joins accounts of different currencies, or an account is reopened in another currency.',
  },
  ACCOUNT_NOT_FOUND: { status: 404, meaning: 'A transfer names a ledger account that was never opened.' },
  ACCOUNT_CONFLICT: {
    status: 409,
    meaning: 'A ledger account id is already open with another kind, owner or expiry.',
  },
  INSUFFICIENT_FUNDS: {
    status: 402,
    meaning: "The debit or hold would take the project's available balance (balance − holds) below zero.",
  },
  TRANSFER_ID_CONFLICT: {
    status: 409,
    meaning: 'The transfer id was used before for a different transfer; transfer ids are unique forever.',
  },
  TRANSFER_INVALID: {
    status: 400,
    meaning: 'A transfer is malformed: same debit and credit account, no category, or a missing reason.',
  },
  PENDING_NOT_FOUND: {
    status: 404,
    meaning: 'A post or void names a pending transfer (hold) that does not exist.',
  },
  PENDING_ALREADY_RESOLVED: { status: 409, meaning: 'The hold was already posted or voided.' },
  POST_EXCEEDS_PENDING: { status: 422, meaning: 'A post asks for more than its hold reserved.' },
  CORRECTION_TARGET_NOT_FOUND: {
    status: 404,
    meaning: 'A refund or correction names a charge that does not exist.',
  },
  CORRECTION_EXCEEDS_ORIGINAL: {
    status: 422,
    meaning:
      'Refunds of a charge would exceed it, or a correction does not move money back the way the charge came.',
  },
  RATING_CONFLICT: {
    status: 409,
    meaning:
      'A usage event id or GPU interval was rated before from different input (meter, quantity or end).',
  },
  RATING_OUT_OF_ORDER: {
    status: 409,
    meaning: "A GPU interval is rated before its predecessor, or after the allocation's final interval.",
  },
  METER_UNKNOWN: { status: 422, meaning: 'A usage event names a meter the launch declared no price for.' },
  RATING_INPUT_INVALID: {
    status: 400,
    meaning:
      'Rating input is out of range: negative price or duration, zero interval, fee over 100 %, an unfinished interval.',
  },
  STATEMENT_PERIOD_INVALID: {
    status: 400,
    meaning: 'A statement period is not a calendar month written YYYY-MM.',
  },
  STATEMENT_PERIOD_OPEN: {
    status: 409,
    meaning: 'A statement cannot be closed before its period is over.',
  },
  STATEMENT_OUT_OF_ORDER: {
    status: 409,
    meaning:
      'Statements close in order: the period before this one (or an earlier one with lines) is still open, or a later one is closed.',
  },
  BUDGET_INVALID: {
    status: 400,
    meaning:
      'A budget limit is not more than zero, or its alert thresholds are not up to 10 whole percentages from 1 to 1000.',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type BillingErrorCode = keyof typeof BILLING_ERRORS;

export interface BillingErrorOptions {
  cause?: unknown;
  /** What the caller can do about it. */
  hint?: string;
  /** Machine-readable facts (ids, amounts as decimal strings). */
  details?: Record<string, string>;
}

export class BillingError extends Error {
  override readonly name = 'BillingError';
  readonly code: BillingErrorCode;
  /** The HTTP status the API answers with. */
  readonly status: number;
  readonly hint: string | undefined;
  readonly details: Record<string, string> | undefined;

  constructor(code: BillingErrorCode, message: string, options: BillingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = BILLING_ERRORS[code].status;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export function isBillingError(error: unknown): error is BillingError {
  return error instanceof BillingError;
}
