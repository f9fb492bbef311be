/**
 * Spending promotional credit. Each grant is an account of its own with an expiry; when a project
 * is charged, or must hold funds it lacks, its unexpired grants pay first (earliest expiry first)
 * by moving the needed amount into the prepaid account just in time (`promo_applied`), and the
 * charge or hold then proceeds from the prepaid account as usual. A held amount moved this way
 * no longer expires: at most one interval's projected cost per allocation.
 */
import { ACCOUNTS, getBalance } from './accounts.js';
import type { BillingTransaction } from './db.js';
import { isBillingError } from './errors.js';
import { createTransfer } from './ledger.js';
import type { Transfer } from './ledger.js';

export interface ApplyPromotionsInput {
  projectId: string;
  currency: string;
  /** How much to cover; less is moved when less credit is left. */
  amount: bigint;
  /** Transfer ids are `<idPrefix>:promo:<grant account>`: the same prefix applies once. */
  idPrefix: string;
  allocationId?: string | null;
  at: string;
  /** The project's unexpired grants, earliest expiry first, when the caller has read them already. */
  grants?: readonly string[];
}

/** Moves up to `amount` of unexpired promotional credit into the prepaid account. */
export async function applyPromotions(
  trx: BillingTransaction,
  input: ApplyPromotionsInput,
): Promise<Transfer[]> {
  if (input.amount <= 0n) return [];
  const grants = input.grants?.map((id) => ({ id })) ?? (await spendableGrants(trx, input));
  const prepaid = ACCOUNTS.projectPrepaid(input.projectId, input.currency).id;
  const applied: Transfer[] = [];
  let remaining = input.amount;
  for (const grant of grants) {
    if (remaining === 0n) break;
    const moved = await moveFromGrant(trx, grant.id, prepaid, remaining, input);
    if (moved !== null) {
      applied.push(moved);
      remaining -= moved.amount;
    }
  }
  return applied;
}

function spendableGrants(trx: BillingTransaction, input: ApplyPromotionsInput): Promise<{ id: string }[]> {
  return trx
    .selectFrom('billing_accounts')
    .select('id')
    .where('kind', '=', 'project_promo')
    .where('owner_id', '=', input.projectId)
    .where('currency', '=', input.currency)
    .where('expires_at', '>', input.at)
    .orderBy('expires_at')
    .orderBy('id')
    .execute();
}

async function moveFromGrant(
  trx: BillingTransaction,
  grant: string,
  prepaid: string,
  wanted: bigint,
  input: ApplyPromotionsInput,
): Promise<Transfer | null> {
  // Read, try, and on a lost race re-read: the failed attempt left the grant's row locked, so the
  // second read is exact. INSUFFICIENT_FUNDS is raised before anything is written.
  for (let attempt = 0; attempt < 2; attempt++) {
    const { available } = await getBalance(trx, grant);
    const amount = available < wanted ? available : wanted;
    if (amount <= 0n) return null;
    try {
      const outcome = await createTransfer(trx, {
        id: `${input.idPrefix}:promo:${grant}`,
        debitAccountId: grant,
        creditAccountId: prepaid,
        amount,
        category: 'promo_applied',
        allocationId: input.allocationId ?? null,
        at: input.at,
      });
      return outcome.transfer;
    } catch (error) {
      if (!isBillingError(error) || error.code !== 'INSUFFICIENT_FUNDS' || attempt > 0) throw error;
    }
  }
  return null;
}
