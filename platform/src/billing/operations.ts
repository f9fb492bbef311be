/**
 * Operator money movements: top-ups, refunds (corrections of a charge), promotional credit with an
 * expiry, and a project's balance as tenants see it.
 */
import { ACCOUNTS, getBalance, openAccounts } from './accounts.js';
import { inTransaction, nowIso } from './db.js';
import type { BillingDb } from './db.js';
import { BillingError, isBillingError } from './errors.js';
import { createTransfer, getTransfer } from './ledger.js';
import type { TransferOutcome } from './ledger.js';
import { toMicros } from './money.js';
import type { AccountBalance } from './accounts.js';
import { sql } from 'kysely';

export interface TopUpInput {
  /** The caller's idempotency key for this top-up: the transfer id. */
  id: string;
  projectId: string;
  currency: string;
  amount: bigint;
  reason: string;
  at?: string;
}

/** Credits a project's prepaid balance with money received from outside (platform funding). */
export async function topUp(db: BillingDb, input: TopUpInput): Promise<TransferOutcome> {
  requireReason(input.reason);
  const project = ACCOUNTS.projectPrepaid(input.projectId, input.currency);
  const funding = ACCOUNTS.platformFunding(input.currency);
  return inTransaction(db, async (trx) => {
    await openAccounts(trx, [project, funding], input.at);
    return createTransfer(trx, {
      id: input.id,
      debitAccountId: funding.id,
      creditAccountId: project.id,
      amount: input.amount,
      category: 'topup',
      reason: input.reason,
      ...(input.at === undefined ? {} : { at: input.at }),
    });
  });
}

export interface RefundInput {
  id: string;
  /** The transfer being refunded (a charge). */
  chargeId: string;
  /** Defaults to what is left of the charge after earlier refunds. */
  amount?: bigint;
  reason: string;
  at?: string;
}

/**
 * Refunds a charge with a correction that moves money back along its path; the corrections of a
 * charge never add up to more than it (CORRECTION_EXCEEDS_ORIGINAL).
 */
export async function refund(db: BillingDb, input: RefundInput): Promise<TransferOutcome> {
  requireReason(input.reason);
  return inTransaction(db, async (trx) => {
    const retried = await getTransfer(trx, input.id);
    const charge = await getTransfer(trx, input.chargeId);
    if (charge === undefined || (charge.kind !== 'single' && charge.kind !== 'post')) {
      throw new BillingError('CORRECTION_TARGET_NOT_FOUND', `no charge ${input.chargeId}`, {
        details: { charge_id: input.chargeId },
      });
    }
    let amount = input.amount;
    if (amount === undefined) {
      // A retry of a full refund finds nothing left: it must repeat the amount it refunded.
      amount =
        retried?.correctsId === charge.id
          ? retried.amount
          : charge.amount - (await correctedSoFar(trx, charge.id));
    }
    return createTransfer(trx, {
      id: input.id,
      debitAccountId: charge.creditAccountId,
      creditAccountId: charge.debitAccountId,
      amount,
      correctsId: charge.id,
      category: 'refund',
      allocationId: charge.allocationId,
      periodStart: charge.periodStart,
      periodEnd: charge.periodEnd,
      reason: input.reason,
      // Returning money may take a publisher's payable below zero (paid out already): recovered later.
      allowOverdraft: true,
      ...(input.at === undefined ? {} : { at: input.at }),
    });
  });
}

async function correctedSoFar(db: BillingDb, chargeId: string): Promise<bigint> {
  const row = await db
    .selectFrom('billing_transfers')
    .select(sql<string>`cast(coalesce(sum(amount), 0) as text)`.as('total'))
    .where('corrects_id', '=', chargeId)
    .executeTakeFirstOrThrow();
  return toMicros(row.total);
}

export interface PromotionInput {
  /** The grant's id: names its account and its transfer. */
  id: string;
  projectId: string;
  currency: string;
  amount: bigint;
  expiresAt: string;
  reason: string;
  at?: string;
}

/** Grants promotional credit in an account of its own that expires at `expiresAt`. */
export async function grantPromotion(db: BillingDb, input: PromotionInput): Promise<TransferOutcome> {
  requireReason(input.reason);
  const promo = ACCOUNTS.projectPromo(input.projectId, input.id, input.currency, input.expiresAt);
  const source = ACCOUNTS.platformPromotions(input.currency);
  return inTransaction(db, async (trx) => {
    await openAccounts(trx, [promo, source], input.at);
    return createTransfer(trx, {
      id: `promo:${input.id}`,
      debitAccountId: source.id,
      creditAccountId: promo.id,
      amount: input.amount,
      category: 'promo_grant',
      reason: input.reason,
      ...(input.at === undefined ? {} : { at: input.at }),
    });
  });
}

/** Returns the unspent rest of every promotion expired at `now` to the platform. Idempotent. */
export async function expirePromotions(db: BillingDb, now = nowIso()): Promise<TransferOutcome[]> {
  const expired = await db
    .selectFrom('billing_accounts')
    .innerJoin('billing_balances', 'billing_balances.account_id', 'billing_accounts.id')
    .select(['billing_accounts.id', 'billing_accounts.currency'])
    .where('billing_accounts.kind', '=', 'project_promo')
    .where('billing_accounts.expires_at', '<=', now)
    .where(
      sql<boolean>`billing_balances.credits_posted - billing_balances.debits_posted - billing_balances.debits_pending > 0`,
    )
    .orderBy('billing_accounts.id')
    .execute();
  const outcomes: TransferOutcome[] = [];
  for (const account of expired) {
    const outcome = await inTransaction(db, async (trx) => {
      const balance = await getBalance(trx, account.id);
      if (balance.available <= 0n) return null;
      return createTransfer(trx, {
        id: `promo-expiry:${account.id}`,
        debitAccountId: account.id,
        creditAccountId: ACCOUNTS.platformPromotions(account.currency).id,
        amount: balance.available,
        category: 'promo_expiry',
        at: now,
      });
    });
    if (outcome !== null) outcomes.push(outcome);
  }
  return outcomes;
}

/** A project's money as the tenant sees it (`gpuaas billing balance`). */
export interface ProjectBalance {
  currency: string;
  /** Prepaid balance: top-ups − charges + refunds. */
  balance: bigint;
  /** Reserved by holds on running allocations. */
  holds: bigint;
  /** balance − holds: what new spending may use. */
  available: bigint;
  /** Unexpired promotional credit left. */
  promotional: bigint;
}

export async function projectBalance(
  db: BillingDb,
  projectId: string,
  currency: string,
  now = nowIso(),
): Promise<ProjectBalance> {
  const balance = await balanceOrZero(db, ACCOUNTS.projectPrepaid(projectId, currency).id);
  const promo = await db
    .selectFrom('billing_accounts')
    .innerJoin('billing_balances', 'billing_balances.account_id', 'billing_accounts.id')
    .select(
      sql<string>`cast(coalesce(sum(billing_balances.credits_posted - billing_balances.debits_posted), 0) as text)`.as(
        'total',
      ),
    )
    .where('billing_accounts.kind', '=', 'project_promo')
    .where('billing_accounts.owner_id', '=', projectId)
    .where('billing_accounts.currency', '=', currency)
    .where('billing_accounts.expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return {
    currency,
    balance: balance.balance,
    holds: balance.holds,
    available: balance.available,
    promotional: toMicros(promo.total),
  };
}

/** A project that never had money has a zero balance, without opening its account on a read. */
async function balanceOrZero(
  db: BillingDb,
  accountId: string,
): Promise<Pick<AccountBalance, 'balance' | 'holds' | 'available'>> {
  try {
    return await getBalance(db, accountId);
  } catch (error) {
    if (isBillingError(error) && error.code === 'ACCOUNT_NOT_FOUND')
      return { balance: 0n, holds: 0n, available: 0n };
    throw error;
  }
}

function requireReason(reason: string): void {
  if (reason.trim() === '') {
    throw new BillingError('TRANSFER_INVALID', 'a reason is required', {
      hint: 'say why, e.g. --reason "invoice 42 paid"',
    });
  }
}
