/**
 * GPU time, rated per interval of an allocation's running time. Interval k covers running
 * seconds [k·L, (k+1)·L); (allocation, k) is rated once (billing_rated_intervals), in order, and
 * the release rates the final, partial one. Settling an interval posts its charge against the
 * interval's hold and places the next hold, in one transaction; every transfer id is derived from
 * (allocation, k), so a retry after a crash finds what was done and does nothing twice.
 */
import { ACCOUNTS, getBalance } from './accounts.js';
import { inTransaction, int64Text, nowIso } from './db.js';
import type { BillingDb, BillingTransaction } from './db.js';
import { BillingError, isBillingError } from './errors.js';
import { holdTransferId } from './holds.js';
import {
  createPendingTransfer,
  createTransfer,
  findOpenPending,
  getTransfer,
  availableOf,
  openAndLockAccounts,
  postPendingTransfer,
} from './ledger.js';
import type { Transfer } from './ledger.js';
import { toMicros } from './money.js';
import { applyPromotions } from './promotions.js';
import { gpuIntervalCharge, intervalBounds } from './rating.js';

export interface GpuMeter {
  allocationId: string;
  projectId: string;
  currency: string;
  /** The SKU's price in force when the allocation started. */
  priceMicrosPerGpuHour: bigint;
  gpuCount: number;
  intervalSeconds: number;
  /** When the allocation became `running`: second 0 of its billed time. */
  runningSince: string;
}

export interface SettleInput {
  index: number;
  /** Whole seconds the allocation has run (since `runningSince`). */
  runningSeconds: number;
  /** True at release: the interval ends at `runningSeconds` and no hold follows. */
  final: boolean;
  at?: string;
}

export interface SettledInterval {
  index: number;
  startSecond: number;
  endSecond: number;
  charge: bigint;
  final: boolean;
  /**
   * What the settlement wrote, in order: promotional credit applied, the post against the hold
   * (or a direct charge), any excess over the hold, promotional credit applied for the next hold.
   */
  transfers: Transfer[];
  /** The next interval's hold; null after the final interval or when funds could not cover it. */
  nextHold: Transfer | null;
  /** Set when the next hold was refused: the project cannot pay for the next interval. */
  fundsExhausted: boolean;
  /** False when this interval had been settled before and nothing changed. */
  created: boolean;
}

const intervalKey = (allocationId: string, index: number) => `gpu:${allocationId}:${index}`;

/** The projected cost of one full interval: what each hold reserves. */
export function intervalHoldAmount(meter: GpuMeter, index: number): bigint {
  const start = index * meter.intervalSeconds;
  return gpuIntervalCharge(meter.priceMicrosPerGpuHour, meter.gpuCount, start, start + meter.intervalSeconds);
}

/**
 * Opens the meter: holds the first interval's cost (promotional credit covering what the prepaid
 * balance lacks); INSUFFICIENT_FUNDS when it is not covered. Null when the price is zero.
 */
export async function startGpuMeter(db: BillingDb, meter: GpuMeter, at = nowIso()): Promise<Transfer | null> {
  return inTransaction(db, async (trx) => {
    const accounts = [
      ACCOUNTS.projectPrepaid(meter.projectId, meter.currency),
      ACCOUNTS.platformRevenue(meter.currency),
    ];
    const locked = await openAndLockAccounts(trx, accounts, at);
    return placeIntervalHold(trx, meter, 0, at, [], availableOf(locked.get(accounts[0]?.id ?? '')));
  });
}

/**
 * Places interval `index`'s hold after the settlement before it could not (funds were added
 * since): the hold that settlement would have placed, under the same id, so a later settlement
 * finds it. Idempotent; INSUFFICIENT_FUNDS (and nothing written) when it is still not covered.
 */
export async function resumeGpuMeter(
  db: BillingDb,
  meter: GpuMeter,
  index: number,
  at = nowIso(),
): Promise<Transfer | null> {
  return inTransaction(db, async (trx) => {
    const project = ACCOUNTS.projectPrepaid(meter.projectId, meter.currency);
    const revenue = ACCOUNTS.platformRevenue(meter.currency);
    const locked = await openAndLockAccounts(trx, [project, revenue], at);
    return placeIntervalHold(trx, meter, index, at, [], availableOf(locked.get(project.id)));
  });
}

/** Rates interval `input.index`, settles its hold and places the next one. Idempotent. */
export async function settleGpuInterval(
  db: BillingDb,
  meter: GpuMeter,
  input: SettleInput,
): Promise<SettledInterval> {
  const bounds = intervalBounds(input.index, meter.intervalSeconds, input.runningSeconds, input.final);
  const charge = gpuIntervalCharge(
    meter.priceMicrosPerGpuHour,
    meter.gpuCount,
    bounds.startSecond,
    bounds.endSecond,
  );
  const at = input.at ?? nowIso();
  return inTransaction(db, async (trx) => {
    const project = ACCOUNTS.projectPrepaid(meter.projectId, meter.currency);
    const revenue = ACCOUNTS.platformRevenue(meter.currency);
    // One settlement per project at a time: what is read below is current until the commit.
    await openAndLockAccounts(trx, [project, revenue], at);
    const previous = await ratedInterval(trx, meter.allocationId, input.index - 1);
    const existing = await ratedInterval(trx, meter.allocationId, input.index);
    if (existing !== undefined) {
      if (existing.end_second !== bounds.endSecond || existing.is_final !== (input.final ? 1 : 0)) {
        throw new BillingError(
          'RATING_CONFLICT',
          `interval ${input.index} of ${meter.allocationId} was rated up to second ${existing.end_second}`,
          { details: { allocation_id: meter.allocationId, index: String(input.index) } },
        );
      }
      return replay(trx, meter, { ...bounds, final: input.final }, existing);
    }
    if (input.index > 0 && previous === undefined) {
      throw new BillingError(
        'RATING_OUT_OF_ORDER',
        `interval ${input.index - 1} of ${meter.allocationId} is not rated yet`,
        {
          hint: 'rate intervals in order, starting at 0',
        },
      );
    }
    if (previous?.is_final === 1) {
      throw new BillingError('RATING_OUT_OF_ORDER', `${meter.allocationId} was rated to its release already`);
    }

    const key = intervalKey(meter.allocationId, input.index);
    const period = {
      category: 'gpu_time',
      allocationId: meter.allocationId,
      periodStart: secondsAfter(meter.runningSince, bounds.startSecond),
      periodEnd: secondsAfter(meter.runningSince, bounds.endSecond),
      at,
    };
    const transfers: Transfer[] = await applyPromotions(trx, {
      projectId: meter.projectId,
      currency: meter.currency,
      amount: charge,
      idPrefix: key,
      allocationId: meter.allocationId,
      at,
    });
    const hold = await findOpenPending(trx, holdTransferId(key));
    const covered = hold === undefined ? 0n : charge < hold.amount ? charge : hold.amount;
    if (hold !== undefined) {
      const posted = await postPendingTransfer(trx, {
        id: key,
        pendingId: hold.id,
        amount: covered,
        ...period,
      });
      transfers.push(posted.transfer);
    }
    if (charge > covered) {
      // Time already used is charged even past zero: the hold was smaller, or missing (grace).
      const direct = await createTransfer(trx, {
        id: hold === undefined ? key : `${key}:excess`,
        debitAccountId: project.id,
        creditAccountId: revenue.id,
        amount: charge - covered,
        allowOverdraft: true,
        ...period,
      });
      transfers.push(direct.transfer);
    }

    let nextHold: Transfer | null = null;
    let fundsExhausted = false;
    if (!input.final) {
      try {
        nextHold = await placeIntervalHold(trx, meter, input.index + 1, at, transfers);
      } catch (error) {
        // The settlement above stands (with any promotional credit moved for the hold, recorded
        // with it); the caller is told that the next interval is not covered.
        if (!isBillingError(error) || error.code !== 'INSUFFICIENT_FUNDS') throw error;
        fundsExhausted = true;
      }
    }

    await trx
      .insertInto('billing_rated_intervals')
      .values({
        allocation_id: meter.allocationId,
        idx: input.index,
        start_second: bounds.startSecond,
        end_second: bounds.endSecond,
        is_final: input.final ? 1 : 0,
        charge_micros: charge,
        transfer_ids: JSON.stringify(transfers.map((t) => t.id)),
        rated_at: at,
      })
      .execute();
    return { ...bounds, charge, final: input.final, transfers, nextHold, fundsExhausted, created: true };
  });
}

/**
 * Holds interval `index`'s projected cost, first moving promotional credit for what the prepaid
 * balance lacks (appended to `applied`). INSUFFICIENT_FUNDS when even that is not enough; the
 * promotional moves stay, as prepaid balance, with the settlement that made them.
 */
async function placeIntervalHold(
  trx: BillingTransaction,
  meter: GpuMeter,
  index: number,
  at: string,
  applied: Transfer[],
  /** The project's available balance, when the caller read it under its lock just before. */
  lockedAvailable?: bigint,
): Promise<Transfer | null> {
  const amount = intervalHoldAmount(meter, index);
  if (amount === 0n) return null;
  const project = ACCOUNTS.projectPrepaid(meter.projectId, meter.currency).id;
  const key = holdTransferId(intervalKey(meter.allocationId, index));
  const existing = await getTransfer(trx, key);
  if (existing === undefined) {
    const available = lockedAvailable ?? (await getBalance(trx, project)).available;
    if (available < amount) {
      const moved = await applyPromotions(trx, {
        projectId: meter.projectId,
        currency: meter.currency,
        amount: amount - (available > 0n ? available : 0n),
        idPrefix: key,
        allocationId: meter.allocationId,
        at,
      });
      applied.push(...moved);
    }
  }
  const placed = await createPendingTransfer(trx, {
    id: key,
    debitAccountId: project,
    creditAccountId: ACCOUNTS.platformRevenue(meter.currency).id,
    amount,
    category: 'hold',
    allocationId: meter.allocationId,
    at,
  });
  return placed.transfer;
}

/** Highest rated interval of an allocation, or undefined before the first. */
export async function lastRatedInterval(
  db: BillingDb,
  allocationId: string,
): Promise<{ index: number; final: boolean } | undefined> {
  const row = await db
    .selectFrom('billing_rated_intervals')
    .select(['idx', 'is_final'])
    .where('allocation_id', '=', allocationId)
    .orderBy('idx', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { index: row.idx, final: row.is_final === 1 };
}

async function ratedInterval(trx: BillingTransaction, allocationId: string, index: number) {
  if (index < 0) return undefined;
  return trx
    .selectFrom('billing_rated_intervals')
    .select(['end_second', 'is_final', 'transfer_ids', int64Text('charge_micros').as('charge_micros')])
    .where('allocation_id', '=', allocationId)
    .where('idx', '=', index)
    .executeTakeFirst();
}

async function replay(
  trx: BillingTransaction,
  meter: GpuMeter,
  bounds: { index: number; startSecond: number; endSecond: number; final: boolean },
  row: { transfer_ids: string; charge_micros: string },
): Promise<SettledInterval> {
  const transfers: Transfer[] = [];
  for (const id of JSON.parse(row.transfer_ids) as string[]) {
    const transfer = await getTransfer(trx, id);
    if (transfer === undefined) throw new Error(`rated interval names a missing transfer ${id}`);
    transfers.push(transfer);
  }
  const nextHold =
    (await getTransfer(trx, holdTransferId(intervalKey(meter.allocationId, bounds.index + 1)))) ?? null;
  return {
    ...bounds,
    charge: toMicros(row.charge_micros),
    transfers,
    nextHold,
    fundsExhausted: !bounds.final && nextHold === null && intervalHoldAmount(meter, bounds.index + 1) > 0n,
    created: false,
  };
}

function secondsAfter(iso: string, seconds: number): string {
  const start = Date.parse(iso);
  if (Number.isNaN(start)) throw new BillingError('RATING_INPUT_INVALID', `"${iso}" is not a time`);
  return new Date(start + seconds * 1000).toISOString();
}
