/**
 * Usage events from runtimes (the HTTP side is api/usage.ts). Only the runtime of an allocation reports that allocation's usage:
 * the caller must be a launch's service account (bound to its allocation when the app was
 * launched, api/apps.ts), and every event must name that allocation. People, operators and other
 * service accounts are refused whatever scopes their tokens carry, so `usage:write` granted to an
 * ordinary service account is worthless here.
 *
 * Event ids are unique per allocation (the key is (allocation_id, id)), so a batch re-sent after a
 * timeout or a crash stores nothing twice: a repeated id with the same meter, quantity, unit and
 * origin comes back as a duplicate (which the runtime treats as confirmed). A repeated id that
 * says something else is an alarm, not a duplicate: the whole batch is refused with 409
 * USAGE_EVENT_CONFLICT, audited and logged, and the stored event is never overwritten. `time` and
 * `source` are not compared: the runtime stamps the time when the app reports, so an app that
 * reports the same event again after a runtime restart sends a later time for the same usage.
 *
 * New events are charged in the transaction that stores them, at the prices of the allocation's
 * current app launch (usage/app-rating.ts): the app's metered usage and its ready time at its
 * hourly price.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { Counter } from 'prom-client';
import type { AuditTargetSink } from '../audit/record.js';
import { principalKey } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import { allocationAccess } from '../allocations/access.js';
import { addDecimal } from './decimal.js';
import type { Tables, UsageEventsTable } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { FieldError } from '../errors.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import { rateAppUsage } from './app-rating.js';
import { checkQuantity, checkTime } from './input.js';

/** One event of `POST /v1/usage-events`, as the contract defines it. */
export type UsageEvent = components['schemas']['UsageEvent'];

/** Rolls back a batch that holds a conflicting event. */
class ConflictFound extends Error {}

/** What a duplicate must repeat exactly to be one. */
type Billed = Pick<UsageEventsTable, 'meter' | 'quantity' | 'unit' | 'origin'>;

const sameUsage = (a: Billed, b: Billed): boolean =>
  a.meter === b.meter && a.quantity === b.quantity && a.unit === b.unit && a.origin === b.origin;

const describe = (u: Billed): string => `${u.quantity} ${u.unit ?? u.meter} of ${u.meter} (${u.origin})`;

/** The allocation whose runtime the caller is, or a 403 that says why it is none. */
async function reportingAllocation(
  db: Kysely<Tables>,
  principal: Principal,
): Promise<{ allocationId: string; projectId: string }> {
  const refuse = (why: string) =>
    new PlatformError(
      'USAGE_REPORTER_FORBIDDEN',
      `${why}: usage is reported only by the runtime of an allocation, with its launch's service account`,
    );
  if (principal.type !== 'service_account') {
    throw refuse(principal.operator ? 'operators do not report usage' : 'people do not report usage');
  }
  const account = await db
    .selectFrom('service_accounts')
    .select(['allocation_id', 'project_id'])
    .where('id', '=', principal.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (account?.allocation_id === null || account?.allocation_id === undefined) {
    throw refuse(`service account ${principal.id} belongs to no launch, whatever its scopes`);
  }
  return { allocationId: account.allocation_id, projectId: account.project_id };
}

/** Field errors of a batch: subjects, allocations, quantities and times. */
function checkEvents(
  events: readonly UsageEvent[],
  allocationId: string,
): {
  errors: FieldError[];
  foreign: string[];
  rows: { quantity: string; occurredAt: string }[];
} {
  const errors: FieldError[] = [];
  const foreign = new Set<string>();
  const rows: { quantity: string; occurredAt: string }[] = [];
  for (const [i, event] of events.entries()) {
    if (event.subject !== event.data.allocation_id) {
      errors.push({ in: 'body', pointer: `/events/${i}/subject`, detail: 'must equal data.allocation_id' });
    } else if (event.subject !== allocationId) {
      foreign.add(event.subject);
    }
    const quantity = checkQuantity(event.data.quantity);
    if (!quantity.ok)
      errors.push({ in: 'body', pointer: `/events/${i}/data/quantity`, detail: quantity.detail });
    const time = checkTime(event.time);
    if (!time.ok) errors.push({ in: 'body', pointer: `/events/${i}/time`, detail: time.detail });
    rows.push({ quantity: quantity.ok ? quantity.value : '', occurredAt: time.ok ? time.value : '' });
  }
  return { errors, foreign: [...foreign], rows };
}

const DAY_MS = 86_400_000;

export interface UsageServiceDeps {
  db: Kysely<Tables>;
  logger: Logger;
  /** Events that happened longer ago are refused (billing.lateWindowDays). */
  lateWindowDays: number;
  /** Counts refused events by reason (metrics.ts). */
  refused: Pick<Counter<'reason'>, 'inc'>;
}

export class UsageService {
  readonly #db: Kysely<Tables>;
  readonly #logger: Logger;
  readonly #lateWindowMs: number;
  readonly #refused: UsageServiceDeps['refused'];

  constructor(deps: UsageServiceDeps) {
    this.#db = deps.db;
    this.#logger = deps.logger;
    this.#lateWindowMs = deps.lateWindowDays * DAY_MS;
    this.#refused = deps.refused;
  }

  /**
   * Refuses a batch holding events older than the late window: their month's statement closes
   * once the window is over (billing/statement-autoclose.ts), so usage that late could no longer
   * land on the month it belongs to. Whole batch, as for a conflict, with `errors[]` pointing at
   * each late event so a runtime can set those aside.
   */
  #refuseLate(events: readonly UsageEvent[], occurredAt: readonly string[], allocationId: string): void {
    const oldest = new Date(Date.now() - this.#lateWindowMs).toISOString();
    const late: FieldError[] = [];
    for (const [i, event] of events.entries()) {
      const at = occurredAt[i] ?? '';
      if (at < oldest) {
        late.push({
          in: 'body',
          pointer: `/events/${i}`,
          detail: `event ${event.id} happened at ${at}, before the late window began (${oldest})`,
        });
      }
    }
    if (late.length === 0) return;
    this.#refused.inc({ reason: 'too_late' }, late.length);
    this.#logger.warn(
      { allocation_id: allocationId, late: late.length, oldest_accepted: oldest },
      'usage: events older than the late window refused; nothing of the batch was stored',
    );
    throw new PlatformError(
      'USAGE_EVENT_TOO_LATE',
      `${late.length} event(s) of allocation ${allocationId} happened before ${oldest}, longer ago than the late window; nothing of this batch was stored`,
      { errors: late },
    );
  }

  /**
   * Stores a batch reported by the caller's runtime: every event new or an exact duplicate, or
   * nothing (USAGE_EVENT_CONFLICT). `audit` learns the allocation as soon as it is known, so
   * refused batches are recorded against it too.
   */
  async ingest(
    principal: Principal,
    events: readonly UsageEvent[],
    audit: AuditTargetSink,
  ): Promise<components['schemas']['UsageIngestResult']> {
    const { allocationId, projectId } = await reportingAllocation(this.#db, principal);
    audit({ id: allocationId, projectId, details: { events: events.length } });
    const checked = checkEvents(events, allocationId);
    if (checked.errors.length > 0) {
      const first = checked.errors[0];
      throw new PlatformError(
        'VALIDATION_FAILED',
        `${first?.pointer ?? ''}: ${first?.detail ?? ''}${checked.errors.length > 1 ? ` (and ${checked.errors.length - 1} more)` : ''}`,
        { errors: checked.errors },
      );
    }
    if (checked.foreign.length > 0) {
      throw new PlatformError(
        'USAGE_REPORTER_FORBIDDEN',
        `this runtime reports for allocation ${allocationId} only, not for ${checked.foreign.join(', ')}`,
      );
    }
    this.#refuseLate(
      events,
      checked.rows.map((r) => r.occurredAt),
      allocationId,
    );
    const now = isoTime();
    const reporter = principalKey(principal);
    const accepted: string[] = [];
    const duplicates: string[] = [];
    const conflicts: (FieldError & { id: string; stored: Billed; sent: Billed })[] = [];
    // One transaction: a batch with a conflict stores none of its events, so the runtime can
    // set the conflicting ones aside and send the rest again under a new key.
    await this.#db
      .transaction()
      .execute(async (trx) => {
        const stored = new Map<string, Billed>();
        const ids = [...new Set(events.map((e) => e.id))];
        const known = await trx
          .selectFrom('usage_events')
          .select(['id', 'meter', 'quantity', 'unit', 'origin'])
          .where('allocation_id', '=', allocationId)
          .where('id', 'in', ids)
          .execute();
        for (const row of known) stored.set(row.id, row);
        for (const [i, event] of events.entries()) {
          const sent: Billed = {
            meter: event.data.meter,
            quantity: checked.rows[i]?.quantity ?? '',
            unit: event.data.unit ?? null,
            origin: event.data.origin,
          };
          let before = stored.get(event.id);
          if (before === undefined) {
            // ON CONFLICT DO NOTHING: a concurrent request that stored the id first wins, and is compared below.
            const inserted = await trx
              .insertInto('usage_events')
              .values({
                id: event.id,
                allocation_id: allocationId,
                project_id: projectId,
                ...sent,
                source: event.source,
                occurred_at: checked.rows[i]?.occurredAt ?? now,
                received_at: now,
                reported_by: reporter,
              })
              .onConflict((oc) => oc.columns(['allocation_id', 'id']).doNothing())
              .executeTakeFirst();
            if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) {
              stored.set(event.id, sent);
              accepted.push(event.id);
              continue;
            }
            before = await trx
              .selectFrom('usage_events')
              .select(['meter', 'quantity', 'unit', 'origin'])
              .where('allocation_id', '=', allocationId)
              .where('id', '=', event.id)
              .executeTakeFirstOrThrow();
            stored.set(event.id, before);
          }
          if (sameUsage(before, sent)) duplicates.push(event.id);
          else {
            conflicts.push({
              in: 'body',
              pointer: `/events/${i}`,
              detail: `event ${event.id} was stored as ${describe(before)}; this one says ${describe(sent)}`,
              id: event.id,
              stored: before,
              sent,
            });
          }
        }
        if (conflicts.length > 0) throw new ConflictFound();
        // Charged in the transaction that stores them: stored once, charged once.
        const fresh = new Set(accepted);
        await rateAppUsage(
          trx,
          { allocationId, projectId },
          events.flatMap((event, i) =>
            fresh.delete(event.id)
              ? [
                  {
                    id: event.id,
                    meter: event.data.meter,
                    origin: event.data.origin,
                    quantity: checked.rows[i]?.quantity ?? '',
                    occurredAt: checked.rows[i]?.occurredAt ?? now,
                  },
                ]
              : [],
          ),
          now,
        );
      })
      .catch((error: unknown) => {
        if (!(error instanceof ConflictFound)) throw error;
      });
    if (conflicts.length > 0) {
      const shown = conflicts.slice(0, 20).map(({ id, stored, sent }) => ({ id, stored, sent }));
      audit({
        id: allocationId,
        projectId,
        details: { events: events.length, conflicts: conflicts.length, first_conflicts: shown },
      });
      this.#logger.warn(
        { allocation_id: allocationId, reporter, conflicts: conflicts.length, first_conflicts: shown },
        'usage: an event id came again with different usage; the batch is refused and the stored events kept',
      );
      throw new PlatformError(
        'USAGE_EVENT_CONFLICT',
        `${conflicts.length} event id(s) of allocation ${allocationId} were reported before with other usage (${conflicts[0]?.detail ?? ''}); nothing of this batch was stored`,
        { errors: conflicts.map(({ in: where, pointer, detail }) => ({ in: where, pointer, detail })) },
      );
    }
    return { accepted, duplicates };
  }

  /** An allocation's usage so far, per meter and origin, as exact decimal totals (viewers may read). */
  async totals(principal: Principal, id: string): Promise<components['schemas']['AllocationUsage']> {
    await allocationAccess(this.#db, principal, id, 'viewer');
    const rows = await this.#db
      .selectFrom('usage_events')
      .select(['meter', 'origin', 'quantity'])
      .where('allocation_id', '=', id)
      .orderBy('meter')
      .orderBy('origin')
      .execute();
    const totals = new Map<
      string,
      { meter: string; origin: 'app' | 'runtime'; quantity: string; events: number }
    >();
    for (const row of rows) {
      const key = `${row.meter}\u0000${row.origin}`;
      const total = totals.get(key) ?? { meter: row.meter, origin: row.origin, quantity: '0', events: 0 };
      total.quantity = addDecimal(total.quantity, row.quantity);
      total.events += 1;
      totals.set(key, total);
    }
    return { allocation_id: id, meters: [...totals.values()] };
  }
}
