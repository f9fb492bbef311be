/**
 * The starter credit: promotional credit every new project gets (billing.starterCredit, expiring
 * after billing.starterCreditDays), so a new tenant can try the platform — and the README's quick
 * starts run — before anyone tops the project up. Granted in the transaction that creates the
 * project, under an id derived from the project, so it is granted once.
 */
import type { BillingDb } from './db.js';
import { grantPromotion } from './operations.js';

export interface StarterCreditPolicy {
  currency: string;
  /** Micros; 0n grants nothing. */
  starterCredit: bigint;
  starterCreditDays: number;
}

/** The grant's id (its account is `project:<id>:promo:starter-<id>:<CUR>`). */
export function starterCreditId(projectId: string): string {
  return `starter-${projectId}`;
}

export async function grantStarterCredit(
  db: BillingDb,
  projectId: string,
  policy: StarterCreditPolicy,
  now = new Date(),
): Promise<void> {
  if (policy.starterCredit === 0n) return;
  await grantPromotion(db, {
    id: starterCreditId(projectId),
    projectId,
    currency: policy.currency,
    amount: policy.starterCredit,
    expiresAt: new Date(now.getTime() + policy.starterCreditDays * 86_400_000).toISOString(),
    reason: 'starter credit',
    at: now.toISOString(),
  });
}
