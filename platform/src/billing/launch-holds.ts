/**
 * The hold of a paid app's launch: one billing interval of its hourly price, reserved on the
 * tenant's prepaid balance for as long as the launch is in force, so the project's
 * `available_micros` shows that the app's next interval of ready time is spoken for.
 *
 * The app's ready time itself is charged as usage (`usage-rater.ts`, overdraft allowed: it was
 * consumed), never against this hold; the hold is the app's *next* interval, kept at one interval
 * while the launch runs and voided when it ends (stopped, relaunched, its allocation ended — the
 * GPU rater voids every open hold of an ended allocation, this one with them). The hold carries
 * the allocation id but not the GPU meter's id scheme (`hold:gpu:<allocation>:<k>`), which is all
 * enforcement looks for, so it never stands in for a missing GPU-interval hold; it only lowers
 * the available balance those holds are placed from.
 */
import { ACCOUNTS, getBalance, openAccounts } from './accounts.js';
import type { BillingDb } from './db.js';
import { inTransaction } from './db.js';
import { BillingError } from './errors.js';
import { createPendingTransfer, findOpenPending, voidPendingTransfer } from './ledger.js';
import type { Transfer } from './ledger.js';
import { projectBalance } from './operations.js';
import { applyPromotions } from './promotions.js';

const SECONDS_PER_HOUR = 3600n;

/** What a refused launch is told. */
export const LAUNCH_FUNDS_HINT =
  'see the available balance with `gpuaas billing balance`; an operator can top the project up';

/** The hold's transfer id: one per launch, so a retried record places it once. */
export function launchHoldId(launchId: string): string {
  return `hold:app:${launchId}`;
}

/** One interval of the hourly price, rounded up so the hold never covers less than it reserves. */
export function launchHoldAmount(hourlyMicros: bigint | null, intervalSeconds: number): bigint {
  if (hourlyMicros === null || hourlyMicros <= 0n) return 0n;
  const exact = hourlyMicros * BigInt(intervalSeconds);
  return (exact + SECONDS_PER_HOUR - 1n) / SECONDS_PER_HOUR;
}

export interface LaunchHoldInput {
  launchId: string;
  allocationId: string;
  projectId: string;
  currency: string;
  amount: bigint;
  at: string;
}

/**
 * Refuses (INSUFFICIENT_FUNDS) when the project's available funds, promotional credit included,
 * cannot cover the hold. Read-only: the launcher asks before it creates anything.
 */
export async function requireLaunchFunds(
  db: BillingDb,
  input: Pick<LaunchHoldInput, 'projectId' | 'currency' | 'amount'>,
): Promise<void> {
  if (input.amount <= 0n) return;
  const money = await projectBalance(db, input.projectId, input.currency);
  const available = money.available + money.promotional;
  if (available < input.amount) {
    throw new BillingError(
      'INSUFFICIENT_FUNDS',
      `project ${input.projectId} cannot hold the first interval of this app (${input.amount} micros; ${available > 0n ? available : 0n} available)`,
      {
        hint: LAUNCH_FUNDS_HINT,
        details: { needed_micros: input.amount.toString(), available_micros: available.toString() },
      },
    );
  }
}

/**
 * Places the launch's hold in the caller's transaction (the one that records the launch),
 * moving promotional credit first for what the prepaid balance lacks. The launcher has checked
 * the funds before the runtime started the app; a spend that raced in between cannot un-launch
 * it, so the hold is placed even then (overdraft) and the GPU rater's enforcement sees a project
 * whose next interval cannot be held.
 */
export async function placeLaunchHold(db: BillingDb, input: LaunchHoldInput): Promise<Transfer | null> {
  if (input.amount <= 0n) return null;
  return inTransaction(db, async (trx) => {
    const id = launchHoldId(input.launchId);
    const project = ACCOUNTS.projectPrepaid(input.projectId, input.currency);
    const revenue = ACCOUNTS.platformRevenue(input.currency);
    await openAccounts(trx, [project, revenue], input.at);
    const { available } = await getBalance(trx, project.id);
    if (available < input.amount) {
      await applyPromotions(trx, {
        projectId: input.projectId,
        currency: input.currency,
        amount: input.amount - (available > 0n ? available : 0n),
        idPrefix: id,
        allocationId: input.allocationId,
        at: input.at,
      });
    }
    const placed = await createPendingTransfer(trx, {
      id,
      debitAccountId: project.id,
      creditAccountId: revenue.id,
      amount: input.amount,
      category: 'hold',
      allocationId: input.allocationId,
      allowOverdraft: true,
      at: input.at,
    });
    return placed.transfer;
  });
}

/** Voids the holds of launches that ended; a launch without one (or already voided) is skipped. */
export async function releaseLaunchHolds(
  db: BillingDb,
  launchIds: readonly string[],
  reason: string,
): Promise<void> {
  if (launchIds.length === 0) return;
  await inTransaction(db, async (trx) => {
    for (const launchId of launchIds) {
      const id = launchHoldId(launchId);
      if ((await findOpenPending(trx, id)) === undefined) continue;
      // The same void id as the GPU rater's release of an ended allocation's holds.
      await voidPendingTransfer(trx, { id: `void:${id}`, pendingId: id, reason });
    }
  });
}
