/**
 * Enforcement: a project whose next interval of GPU time cannot be held is out of funds. It is
 * told once per episode (`billing.funds_exhausted` on the event stream and an audit record, in
 * the transaction that opens the episode), and once the grace period (billing.graceSeconds) has
 * passed since the first unheld interval began, its running allocations are released. Funds added
 * meanwhile end the episode: the missing holds are placed and the allocations go on.
 *
 * Several instances may enforce at once: the episode row's primary key lets one announce it,
 * holds are placed under the library's deterministic ids, and a release is idempotent.
 */
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../audit/record.js';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { newId } from '../ids.js';
import { asBillingDb } from './db.js';
import { isBillingError } from './errors.js';
import { intervalHoldAmount, resumeGpuMeter } from './gpu-meter.js';
import type { GpuMeter } from './gpu-meter.js';
import { projectBalance } from './operations.js';

export const FUNDS_EXHAUSTED_EVENT = 'billing.funds_exhausted';
/** The `state_reason` of an allocation released for want of funds. */
export const FUNDS_EXHAUSTED_REASON = 'funds_exhausted';

/** A running allocation whose next interval has no hold. */
export interface UnheldInterval {
  meter: GpuMeter;
  index: number;
  /** When the interval began (ms): the moment the hold was due. */
  dueAt: number;
}

export interface EnforcementContext {
  db: Kysely<Tables>;
  bus: EventBus;
  graceSeconds: number;
  release: (allocationId: string, reason: string) => Promise<unknown>;
}

export interface EnforcementOutcome {
  /** Unheld intervals whose hold could now be placed (funds were added). */
  resumed: number;
  /** When the episode began, if the project is still out of funds. */
  exhaustedSince: string | undefined;
  /** Allocations released in this call. */
  released: string[];
}

/** Enforces one project's funds, given its running allocations whose next interval is unheld. */
export async function enforceProjectFunds(
  ctx: EnforcementContext,
  projectId: string,
  unheld: readonly UnheldInterval[],
  now: number,
): Promise<EnforcementOutcome> {
  const still: UnheldInterval[] = [];
  for (const u of unheld) {
    if (!(await tryHold(ctx.db, u))) still.push(u);
  }
  const resumed = unheld.length - still.length;
  const first = still[0];
  if (first === undefined) {
    await endEpisode(ctx.db, projectId);
    return { resumed, exhaustedSince: undefined, released: [] };
  }
  const since = Math.min(...still.map((u) => u.dueAt));
  const episode = await openEpisode(ctx, projectId, first.meter.currency, since, still);
  if (now < Date.parse(episode.release_after)) {
    return { resumed, exhaustedSince: episode.since, released: [] };
  }
  const running = await ctx.db
    .selectFrom('allocations')
    .select('id')
    .where('project_id', '=', projectId)
    .where('state', '=', 'running')
    .execute();
  const ids = [...new Set([...still.map((u) => u.meter.allocationId), ...running.map((r) => r.id)])];
  for (const id of ids) await ctx.release(id, FUNDS_EXHAUSTED_REASON);
  return { resumed, exhaustedSince: episode.since, released: ids };
}

/** Ends the episode of a project that is no longer short of funds (or no longer runs anything). */
export async function endEpisode(db: Kysely<Tables>, projectId: string): Promise<void> {
  await db.deleteFrom('billing_funds_exhausted').where('project_id', '=', projectId).execute();
}

/** Projects currently out of funds, and since when (for `gpuaas billing balance` warnings). */
export async function exhaustedProjects(
  db: Kysely<Tables>,
): Promise<{ projectId: string; since: string; releaseAfter: string }[]> {
  const rows = await db.selectFrom('billing_funds_exhausted').selectAll().execute();
  return rows.map((r) => ({ projectId: r.project_id, since: r.since, releaseAfter: r.release_after }));
}

/** Places a missing hold if the project can pay for it now; false when it still cannot. */
async function tryHold(db: Kysely<Tables>, u: UnheldInterval): Promise<boolean> {
  if (intervalHoldAmount(u.meter, u.index) === 0n) return true;
  try {
    await resumeGpuMeter(asBillingDb(db), u.meter, u.index);
    return true;
  } catch (error) {
    // TRANSFER_ID_CONFLICT: a promotional move under this hold's id was made (and kept) by the
    // settlement that could not hold; the credit it moved is in the prepaid balance already.
    if (
      isBillingError(error) &&
      (error.code === 'INSUFFICIENT_FUNDS' || error.code === 'TRANSFER_ID_CONFLICT')
    )
      return false;
    throw error;
  }
}

/**
 * The project's episode: opened (announced on the event stream and in the audit trail, in one
 * transaction) when there is none, else the one already open.
 */
async function openEpisode(
  ctx: EnforcementContext,
  projectId: string,
  currency: string,
  since: number,
  unheld: readonly UnheldInterval[],
) {
  const sinceIso = new Date(since).toISOString();
  const releaseAfter = new Date(since + ctx.graceSeconds * 1000).toISOString();
  const announced = await ctx.db.transaction().execute(async (trx): Promise<PlatformEvent | undefined> => {
    const inserted = await trx
      .insertInto('billing_funds_exhausted')
      .values({ project_id: projectId, currency, since: sinceIso, release_after: releaseAfter })
      .onConflict((oc) => oc.column('project_id').doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows !== 1n) return undefined;
    const balance = await projectBalance(asBillingDb(trx), projectId, currency);
    const needed = unheld.reduce((sum, u) => sum + intervalHoldAmount(u.meter, u.index), 0n);
    const data = {
      project_id: projectId,
      currency,
      since: sinceIso,
      release_after: releaseAfter,
      available_micros: Number(balance.available + balance.promotional),
      needed_micros: Number(needed),
      allocation_ids: unheld.map((u) => u.meter.allocationId),
    };
    await recordAuditEvent(trx, {
      actor_type: 'system',
      actor_id: null,
      action: FUNDS_EXHAUSTED_EVENT,
      target_type: 'project',
      target_id: projectId,
      project_id: projectId,
      result: 'success',
      status: 200,
      correlation_id: newId(),
      ip: null,
      details: JSON.stringify(data),
    });
    return ctx.bus.publish(trx, {
      type: FUNDS_EXHAUSTED_EVENT,
      subject: `project/${projectId}`,
      project_id: projectId,
      data,
    });
  });
  if (announced !== undefined) ctx.bus.deliver(announced);
  return ctx.db
    .selectFrom('billing_funds_exhausted')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
}
