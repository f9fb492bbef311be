/**
 * Holds on a project's prepaid balance: a pending transfer from the project to the platform's
 * revenue that reserves an interval's projected cost, so that available = balance − holds shows
 * in time whether the next interval is covered.
 */
import { ACCOUNTS, openAccounts } from './accounts.js';
import type { BillingDb } from './db.js';
import { createPendingTransfer } from './ledger.js';
import type { TransferOutcome } from './ledger.js';

export interface HoldInput {
  projectId: string;
  currency: string;
  amount: bigint;
  /** Makes the transfer id (`hold:<key>`): the same key places the hold once. */
  key: string;
  allocationId?: string | null;
  at?: string;
}

export function holdTransferId(key: string): string {
  return `hold:${key}`;
}

/** Places a hold; INSUFFICIENT_FUNDS when the project's available balance cannot cover it. */
export async function placeHold(db: BillingDb, input: HoldInput): Promise<TransferOutcome> {
  const project = ACCOUNTS.projectPrepaid(input.projectId, input.currency);
  const revenue = ACCOUNTS.platformRevenue(input.currency);
  await openAccounts(db, [project, revenue], input.at);
  return createPendingTransfer(db, {
    id: holdTransferId(input.key),
    debitAccountId: project.id,
    creditAccountId: revenue.id,
    amount: input.amount,
    category: 'hold',
    allocationId: input.allocationId ?? null,
    ...(input.at === undefined ? {} : { at: input.at }),
  });
}
