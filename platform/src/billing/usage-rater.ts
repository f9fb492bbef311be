/**
 * App usage, rated as it is stored: each event is deduplicated by (launch, event id) in the same
 * transaction that charges it, at the prices the app declared when it was launched. The project
 * pays publisher share + platform fee, exactly; sub-micro remainders of the charge and of the fee
 * carry over to the next event of the same (launch, meter).
 */
import { ACCOUNTS, checkCurrency, openAccountsRead, spendableGrantsAmong } from './accounts.js';
import { inTransaction, nowIso } from './db.js';
import type { BillingDb } from './db.js';
import { BillingError } from './errors.js';
import { postInBulk } from './ledger.js';
import type { BulkTransferInput, Transfer } from './ledger.js';
import { toMicros } from './money.js';
import { applyPromotions } from './promotions.js';
import { checkFee, formatQuantity, parseQuantity, rateUsage } from './rating.js';
import type { UsageRating } from './rating.js';
import { LOOKUP_CHUNK, lockCarries, readState, saveCarries, transfersOf } from './usage-state.js';
import type { LaunchPricing, ParsedEvent, SeenEvent, UsageEventInput } from './usage-state.js';

export type { LaunchPricing, UsageEventInput } from './usage-state.js';

export interface RatedUsageEvent {
  eventId: string;
  charge: bigint;
  publisherShare: bigint;
  fee: bigint;
  /** True when the event had been rated before: nothing was charged this time. */
  duplicate: boolean;
  /**
   * The transfers that carried this event's charge: shared with the events rated with it in the
   * same batch and month (the ledger holds one transfer per batch, publisher share and fee each).
   */
  transfers: Transfer[];
}

/** Named after the first new event of the batch (and month) whose charges they carry. */
const publisherTransferId = (launchId: string, eventId: string) => `usage:${launchId}:${eventId}:publisher`;
const feeTransferId = (launchId: string, eventId: string) => `usage:${launchId}:${eventId}:fee`;

interface MonthCharges {
  firstEventId: string;
  from: { when: string; time: number };
  to: { when: string; time: number };
  share: bigint;
  fee: bigint;
  events: string[];
}

const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** When an event happened, as a number, and its statement month ('YYYY-MM', UTC). */
function timeOf(when: string, eventId: string): { time: number; month: string } {
  const time = Date.parse(when);
  if (Number.isNaN(time)) {
    throw new BillingError(
      'RATING_INPUT_INVALID',
      `usage event ${eventId} happened at "${when}", not a time`,
    );
  }
  // The platform's own times are UTC already: their month is their first seven characters.
  return { time, month: UTC_TIME.test(when) ? when.slice(0, 7) : new Date(time).toISOString().slice(0, 7) };
}

/**
 * Rates a batch of events in one transaction (the caller's, when it has one, so storing the raw
 * events commits with their charges). Duplicates, within the batch or of earlier batches, are
 * reported and charge nothing; the same id with another meter or quantity is RATING_CONFLICT.
 *
 * The cost per batch is a fixed number of statements, whatever its size (the hot path of every
 * runtime's usage; `npm run bench:billing`): an upsert that locks and reads the carries, one read
 * of the accounts, promotional grants and events rated before, bulk inserts of the dedupe records
 * and of one publisher and one fee transfer per statement month, and each account's balance moved
 * once. Promotional credit for the whole batch is applied once, before the charges.
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
  const parsed: ParsedEvent[] = events.map((event) => {
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
    const when = event.occurredAt ?? at;
    return {
      event,
      price,
      quantity,
      canonical: formatQuantity(quantity),
      when,
      ...timeOf(when, event.eventId),
    };
  });
  if (parsed.length === 0) return [];
  return inTransaction(db, async (trx) => {
    const project = ACCOUNTS.projectPrepaid(launch.projectId, launch.currency);
    const publisher = ACCOUNTS.publisherPayable(launch.publisherId, launch.currency);
    const fees = ACCOUNTS.platformFees(launch.currency);
    // The carries' row locks serialise the ratings of a (launch, meter): the dedupe records read
    // after them are current until the commit. (An id sent under two meters at once meets the
    // dedupe table's primary key instead, and that batch fails.) The project's balance row is
    // locked only at the end, when its balance moves, so one project's runtimes rate in parallel.
    const carries = await lockCarries(trx, launch, parsed);
    const state = await readState(trx, launch, [project, publisher, fees], parsed, at);
    await openAccountsRead(trx, [project, publisher, fees], state.accounts, at);
    const grants = spendableGrantsAmong(
      state.accounts,
      { projectId: launch.projectId, currency: launch.currency },
      at,
    );
    const seen = state.seen;

    // Rate in batch order, in memory: the first occurrence of an id counts, later ones repeat it.
    interface NewRating {
      eventId: string;
      meter: string;
      canonical: string;
      when: string;
      time: number;
      month: string;
      rating: UsageRating;
    }
    const fresh = new Map<string, NewRating>();
    const outcome: ({ kind: 'new'; rated: NewRating } | { kind: 'seen'; eventId: string; row: SeenEvent })[] =
      [];
    for (const { event, price, quantity, canonical, when, time, month } of parsed) {
      const before = seen.get(event.eventId);
      const earlier = fresh.get(event.eventId);
      const stored =
        before ?? (earlier === undefined ? undefined : { meter: earlier.meter, quantity: earlier.canonical });
      if (stored !== undefined) {
        if (stored.meter !== event.meter || stored.quantity !== canonical) {
          throw new BillingError(
            'RATING_CONFLICT',
            `usage event ${event.eventId} was rated with other content`,
            {
              details: { launch_id: launch.launchId, event_id: event.eventId },
            },
          );
        }
        if (before !== undefined) outcome.push({ kind: 'seen', eventId: event.eventId, row: before });
        else if (earlier !== undefined) outcome.push({ kind: 'new', rated: earlier });
        continue;
      }
      const carry = carries.get(event.meter);
      if (carry === undefined) throw new Error(`no carry for meter ${event.meter}`);
      const rating = rateUsage(quantity, price, launch.feeBasisPoints, carry.value);
      carry.value = rating.carry;
      carry.changed = true;
      const rated = {
        eventId: event.eventId,
        meter: event.meter,
        canonical,
        when,
        time,
        month,
        rating,
      };
      fresh.set(event.eventId, rated);
      outcome.push({ kind: 'new', rated });
    }

    const newRatings = [...fresh.values()];
    const total = newRatings.reduce((sum, r) => sum + r.rating.charge, 0n);
    const [first] = newRatings;
    const promo: Transfer[] =
      first === undefined
        ? []
        : await applyPromotions(trx, {
            projectId: launch.projectId,
            currency: launch.currency,
            amount: total,
            idPrefix: `usage:${launch.launchId}:${first.eventId}`,
            allocationId: launch.allocationId ?? launch.launchId,
            at,
            grants,
          });

    // One publisher transfer and one fee transfer per calendar month (UTC) of the batch's new
    // events, not per event: the ledger moves money, billing_rated_events keeps each event's
    // exact charge and names the transfers that carried it. Ids come from the month's first new
    // event, which is rated once, so they too are used once.
    const months = new Map<string, MonthCharges>();
    for (const rated of newRatings) {
      const month = rated.month;
      let group = months.get(month);
      if (group === undefined) {
        group = {
          firstEventId: rated.eventId,
          from: rated,
          to: rated,
          share: 0n,
          fee: 0n,
          events: [],
        };
        months.set(month, group);
      }
      if (rated.time < group.from.time) group.from = rated;
      if (rated.time > group.to.time) group.to = rated;
      group.share += rated.rating.publisherShare;
      group.fee += rated.rating.fee;
      group.events.push(rated.eventId);
    }
    const charges: BulkTransferInput[] = [];
    for (const group of months.values()) {
      const details = {
        allocationId: launch.allocationId ?? launch.launchId,
        periodStart: group.from.when,
        periodEnd: group.to.when,
      };
      if (group.share > 0n) {
        charges.push({
          id: publisherTransferId(launch.launchId, group.firstEventId),
          debitAccountId: project.id,
          creditAccountId: publisher.id,
          amount: group.share,
          category: 'app_usage',
          ...details,
        });
      }
      if (group.fee > 0n) {
        charges.push({
          id: feeTransferId(launch.launchId, group.firstEventId),
          debitAccountId: project.id,
          creditAccountId: fees.id,
          amount: group.fee,
          category: 'app_fee',
          ...details,
        });
      }
    }
    const idsByEvent = new Map<string, string[]>();
    for (const group of months.values()) {
      const prefix = `usage:${launch.launchId}:${group.firstEventId}:`;
      const carried = [
        ...promo.map((t) => t.id),
        ...charges.filter((c) => c.id.startsWith(prefix)).map((c) => c.id),
      ];
      for (const eventId of group.events) idsByEvent.set(eventId, carried);
    }
    const earlierTransfers = await transfersOf(
      trx,
      outcome.flatMap((o) => (o.kind === 'seen' ? (JSON.parse(o.row.transfer_ids) as string[]) : [])),
    );
    await saveCarries(trx, launch.launchId, carries);
    for (let i = 0; i < newRatings.length; i += LOOKUP_CHUNK) {
      await trx
        .insertInto('billing_rated_events')
        .values(
          newRatings.slice(i, i + LOOKUP_CHUNK).map((r) => ({
            launch_id: launch.launchId,
            event_id: r.eventId,
            meter: r.meter,
            quantity: r.canonical,
            charge_micros: r.rating.charge,
            fee_micros: r.rating.fee,
            transfer_ids: JSON.stringify(idsByEvent.get(r.eventId) ?? []),
            rated_at: at,
          })),
        )
        .execute();
    }
    // Last, so the shared accounts' balance rows (the platform's fees, a publisher's earnings)
    // stay locked only until the commit. Usage already consumed is charged even past zero;
    // holds and enforcement stop spend.
    const posted = new Map(
      [...promo, ...(await postInBulk(trx, launch.currency, charges, at))].map((t) => [t.id, t]),
    );
    const byEvent = new Map<string, Transfer[]>();
    for (const [eventId, ids] of idsByEvent) {
      byEvent.set(
        eventId,
        ids.flatMap((id) => posted.get(id) ?? []),
      );
    }

    const repeated = new Set<string>();
    return outcome.map((o): RatedUsageEvent => {
      if (o.kind === 'seen') {
        const charge = toMicros(o.row.charge);
        const fee = toMicros(o.row.fee);
        const transfers = (JSON.parse(o.row.transfer_ids) as string[]).map((id) => {
          const transfer = earlierTransfers.get(id);
          if (transfer === undefined) throw new Error(`rated event names a missing transfer ${id}`);
          return transfer;
        });
        return { eventId: o.eventId, charge, publisherShare: charge - fee, fee, duplicate: true, transfers };
      }
      const { eventId, rating } = o.rated;
      // A repeat within the batch is reported as a duplicate of its first occurrence.
      const firstTime = !repeated.has(eventId);
      repeated.add(eventId);
      return {
        eventId,
        charge: rating.charge,
        publisherShare: rating.publisherShare,
        fee: rating.fee,
        duplicate: !firstTime,
        transfers: byEvent.get(eventId) ?? [],
      };
    });
  });
}
