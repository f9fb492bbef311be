/**
 * App usage, rated as it is stored: each event is deduplicated by (launch, event id) in the same
 * transaction that charges it, at the prices the app declared when it was launched. The project
 * pays publisher share + platform fee, exactly; sub-micro remainders of the charge and of the fee
 * carry over to the next event of the same (launch, meter).
 */
import { ACCOUNTS, checkCurrency, openAccounts } from './accounts.js';
import { inTransaction, int64Text, nowIso } from './db.js';
import type { BillingTransaction, BillingDb } from './db.js';
import { BillingError } from './errors.js';
import { createTransfer, getTransfer, lockAccount } from './ledger.js';
import type { Transfer } from './ledger.js';
import { toMicros } from './money.js';
import { applyPromotions } from './promotions.js';
import { checkFee, denominatorOf, formatQuantity, parseQuantity, rateUsage } from './rating.js';
import type { MeterPrice, UsageCarry } from './rating.js';

/** The prices in force for one launch, fixed when it was launched. */
export interface LaunchPricing {
  /** The launch's id (the allocation the app runs in). */
  launchId: string;
  projectId: string;
  publisherId: string;
  currency: string;
  /** The platform's share of every charge, in basis points (1,500 = 15 %). */
  feeBasisPoints: number;
  /** Price per meter name; events for any other meter are refused with METER_UNKNOWN. */
  meters: Readonly<Record<string, MeterPrice>>;
}

export interface UsageEventInput {
  eventId: string;
  meter: string;
  /** Non-negative decimal text, at most nine decimals (as stored in usage_events.quantity). */
  quantity: string;
  /** When the usage happened; the charge's period (defaults to the rating time). */
  occurredAt?: string;
}

export interface RatedUsageEvent {
  eventId: string;
  charge: bigint;
  publisherShare: bigint;
  fee: bigint;
  /** True when the event had been rated before: nothing was charged this time. */
  duplicate: boolean;
  transfers: Transfer[];
}

const publisherTransferId = (launchId: string, eventId: string) => `usage:${launchId}:${eventId}:publisher`;
const feeTransferId = (launchId: string, eventId: string) => `usage:${launchId}:${eventId}:fee`;

/**
 * Rates a batch of events in one transaction (the caller's, when it has one, so storing the raw
 * events commits with their charges). Duplicates, within the batch or of earlier batches, are
 * reported and charge nothing; the same id with another meter or quantity is RATING_CONFLICT.
 */
export async function rateUsageEvents(
  db: BillingDb,
  launch: LaunchPricing,
  events: readonly UsageEventInput[],
  at = nowIso(),
): Promise<RatedUsageEvent[]> {
  checkCurrency(launch.currency);
  checkFee(launch.feeBasisPoints);
  // Refuse the whole batch before touching the database when any event cannot be rated.
  const parsed = events.map((event) => {
    const price = launch.meters[event.meter];
    if (price === undefined || !Object.hasOwn(launch.meters, event.meter)) {
      throw new BillingError(
        'METER_UNKNOWN',
        `launch ${launch.launchId} declared no price for meter "${event.meter}"`,
        {
          details: { launch_id: launch.launchId, meter: event.meter, event_id: event.eventId },
        },
      );
    }
    const quantity = parseQuantity(event.quantity);
    return { event, price, quantity, canonical: formatQuantity(quantity) };
  });
  return inTransaction(db, async (trx) => {
    const project = ACCOUNTS.projectPrepaid(launch.projectId, launch.currency);
    const publisher = ACCOUNTS.publisherPayable(launch.publisherId, launch.currency);
    const fees = ACCOUNTS.platformFees(launch.currency);
    await openAccounts(trx, [project, publisher, fees], at);
    // One rating per project at a time: promotional credit and carries read below stay current.
    await lockAccount(trx, project.id);
    const results: RatedUsageEvent[] = [];
    for (const { event, price, quantity, canonical } of parsed) {
      const carry = await lockCarry(trx, launch.launchId, event.meter, price);
      // Read after the carry's lock: a concurrent rating of this event has committed or not started.
      const seen = await trx
        .selectFrom('billing_rated_events')
        .select([
          'meter',
          'quantity',
          'transfer_ids',
          int64Text('charge_micros').as('charge'),
          int64Text('fee_micros').as('fee'),
        ])
        .where('launch_id', '=', launch.launchId)
        .where('event_id', '=', event.eventId)
        .executeTakeFirst();
      if (seen !== undefined) {
        if (seen.meter !== event.meter || seen.quantity !== canonical) {
          throw new BillingError(
            'RATING_CONFLICT',
            `usage event ${event.eventId} was rated with other content`,
            {
              details: { launch_id: launch.launchId, event_id: event.eventId },
            },
          );
        }
        results.push(await duplicateOf(trx, event.eventId, seen));
        continue;
      }

      const rating = rateUsage(quantity, price, launch.feeBasisPoints, carry);
      const transfers: Transfer[] = await applyPromotions(trx, {
        projectId: launch.projectId,
        currency: launch.currency,
        amount: rating.charge,
        idPrefix: `usage:${launch.launchId}:${event.eventId}`,
        allocationId: launch.launchId,
        at,
      });
      const when = event.occurredAt ?? at;
      const details = {
        category: 'app_usage',
        allocationId: launch.launchId,
        periodStart: when,
        periodEnd: when,
        at,
      };
      if (rating.publisherShare > 0n) {
        const share = await createTransfer(trx, {
          id: publisherTransferId(launch.launchId, event.eventId),
          debitAccountId: project.id,
          creditAccountId: publisher.id,
          amount: rating.publisherShare,
          // Usage already consumed is charged even past zero; holds and enforcement stop spend.
          allowOverdraft: true,
          ...details,
        });
        transfers.push(share.transfer);
      }
      if (rating.fee > 0n) {
        const fee = await createTransfer(trx, {
          id: feeTransferId(launch.launchId, event.eventId),
          debitAccountId: project.id,
          creditAccountId: fees.id,
          amount: rating.fee,
          allowOverdraft: true,
          ...details,
          category: 'app_fee',
        });
        transfers.push(fee.transfer);
      }
      await saveCarry(trx, launch.launchId, event.meter, rating.carry);
      await trx
        .insertInto('billing_rated_events')
        .values({
          launch_id: launch.launchId,
          event_id: event.eventId,
          meter: event.meter,
          quantity: canonical,
          charge_micros: rating.charge,
          fee_micros: rating.fee,
          transfer_ids: JSON.stringify(transfers.map((t) => t.id)),
          rated_at: at,
        })
        .execute();
      results.push({
        eventId: event.eventId,
        charge: rating.charge,
        publisherShare: rating.publisherShare,
        fee: rating.fee,
        duplicate: false,
        transfers,
      });
    }
    return results;
  });
}

/** Creates the (launch, meter) carry when missing, takes its row lock, and reads it. */
async function lockCarry(
  trx: BillingTransaction,
  launchId: string,
  meter: string,
  price: MeterPrice,
): Promise<UsageCarry> {
  const denominator = denominatorOf(price);
  await trx
    .insertInto('billing_carries')
    .values({ launch_id: launchId, meter, denominator, charge_remainder: 0n, fee_remainder: 0n })
    .onConflict((oc) => oc.columns(['launch_id', 'meter']).doNothing())
    .execute();
  await trx
    .updateTable('billing_carries')
    .set({ meter })
    .where('launch_id', '=', launchId)
    .where('meter', '=', meter)
    .execute();
  const row = await trx
    .selectFrom('billing_carries')
    .select([
      int64Text('denominator').as('denominator'),
      int64Text('charge_remainder').as('charge_remainder'),
      int64Text('fee_remainder').as('fee_remainder'),
    ])
    .where('launch_id', '=', launchId)
    .where('meter', '=', meter)
    .executeTakeFirstOrThrow();
  const carry = {
    denominator: toMicros(row.denominator),
    chargeRemainder: toMicros(row.charge_remainder),
    feeRemainder: toMicros(row.fee_remainder),
  };
  if (carry.denominator !== denominator) {
    throw new BillingError(
      'RATING_INPUT_INVALID',
      `meter "${meter}" of launch ${launchId} was rated at another price`,
      {
        hint: 'a launch keeps the prices it was launched with',
      },
    );
  }
  return carry;
}

async function saveCarry(
  trx: BillingTransaction,
  launchId: string,
  meter: string,
  carry: UsageCarry,
): Promise<void> {
  await trx
    .updateTable('billing_carries')
    .set({ charge_remainder: carry.chargeRemainder, fee_remainder: carry.feeRemainder })
    .where('launch_id', '=', launchId)
    .where('meter', '=', meter)
    .execute();
}

async function duplicateOf(
  trx: BillingTransaction,
  eventId: string,
  row: { transfer_ids: string; charge: string; fee: string },
): Promise<RatedUsageEvent> {
  const transfers: Transfer[] = [];
  for (const id of JSON.parse(row.transfer_ids) as string[]) {
    const transfer = await getTransfer(trx, id);
    if (transfer === undefined) throw new Error(`rated event names a missing transfer ${id}`);
    transfers.push(transfer);
  }
  const charge = toMicros(row.charge);
  const fee = toMicros(row.fee);
  return { eventId, charge, publisherShare: charge - fee, fee, duplicate: true, transfers };
}
