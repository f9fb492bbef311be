/**
 * Claiming the GPUs of a cycle's placements. The claim is an INSERT into `allocation_gpus`
 * (primary key: the GPU) and the allocation's move to `scheduled`, in one transaction fenced by
 * the `scheduler` lease, so no GPU is ever given twice and a former lease holder places nothing.
 *
 * A cycle's placements are claimed together, up to BATCH per transaction: one connection, one
 * fence and one GPU insert for all of them instead of a transaction each (per-placement
 * transactions queued behind the creates for a pool connection each and bounded a cycle to a few
 * dozen placements a second, bench:placement). When anything in a batch loses a race — a request
 * released or placed meanwhile, a GPU taken by another placer — the batch rolls back and its
 * placements are claimed one by one, so only the ones that lost stay queued for the next cycle.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isoTime, newId } from '../ids.js';
import { isLeaseLost } from '../leases/errors.js';
import type { JobLease } from '../leases/runner.js';
import type { Logger } from '../logger.js';
import type { AllocationGpuView } from './views.js';

/** One placement to claim: the request, its node and GPUs (and what the allocation records of them). */
export interface Claim {
  requestId: string;
  projectId: string;
  nodeId: string;
  gpuIds: readonly string[];
  gpus: AllocationGpuView[];
}

export interface ClaimDeps {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  provisioningTimeoutSeconds: number;
  lease?: JobLease | undefined;
}

export interface ClaimOutcome {
  /** Events of the allocations now `scheduled`, committed, not yet delivered. */
  events: PlatformEvent[];
  placedNodes: Set<string>;
  /** Some placement lost a race: its request is still queued and wants another cycle. */
  retry: boolean;
  /** The lease was lost: nothing after it was claimed. */
  lost: boolean;
}

const BATCH = 256;

class LostRace extends Error {}

export async function claimPlacements(deps: ClaimDeps, claims: readonly Claim[]): Promise<ClaimOutcome> {
  const out: ClaimOutcome = { events: [], placedNodes: new Set(), retry: false, lost: false };
  for (let i = 0; i < claims.length && !out.lost; i += BATCH) {
    const batch = claims.slice(i, i + BATCH);
    try {
      out.events.push(...(await claimTogether(deps, batch)));
      for (const c of batch) out.placedNodes.add(c.nodeId);
    } catch (error) {
      if (isLeaseLost(error)) {
        out.lost = true;
        break;
      }
      if (!(error instanceof LostRace || isUniqueViolation(error))) {
        deps.logger.warn({ err: error }, 'claiming a batch of placements failed; claiming them one by one');
      }
      for (const c of batch) {
        if (!(await claimOne(deps, c, out))) break;
      }
    }
  }
  return out;
}

/** Claims one placement in its own transaction; false when the lease was lost (stop claiming). */
async function claimOne(deps: ClaimDeps, claim: Claim, out: ClaimOutcome): Promise<boolean> {
  try {
    const [event] = await claimTogether(deps, [claim]);
    if (event !== undefined) out.events.push(event);
    out.placedNodes.add(claim.nodeId);
  } catch (error) {
    if (error instanceof LostRace || isUniqueViolation(error)) {
      out.retry = true;
    } else if (isLeaseLost(error)) {
      // Another instance schedules now; what this one placed before stays placed.
      out.lost = true;
      return false;
    } else {
      deps.logger.error({ err: error, allocation_id: claim.requestId }, 'claiming GPUs failed');
    }
  }
  return true;
}

/**
 * All or nothing: every claim of `batch` commits, or the transaction rolls back and throws. The
 * batch's writes are one statement each, whatever its size — the GPU rows, the allocations' move
 * from `queued` (one conditional UPDATE), their transitions, audit records and events — the same
 * rows `transition()` writes for each (transitions.ts), without its per-allocation round trips:
 * at 256 placements a batch, ~1,300 statements became 6 (bench:placement).
 */
async function claimTogether(deps: ClaimDeps, batch: readonly Claim[]): Promise<PlatformEvent[]> {
  const { db, bus, lease, provisioningTimeoutSeconds } = deps;
  const deadline = isoTime(Date.now() + provisioningTimeoutSeconds * 1000);
  return db.transaction().execute(async (trx) => {
    await lease?.fence(trx);
    await trx
      .insertInto('allocation_gpus')
      .values(
        batch.flatMap((c) =>
          c.gpuIds.map((gpuId) => ({
            gpu_id: gpuId,
            allocation_id: c.requestId,
            project_id: c.projectId,
            node_id: c.nodeId,
          })),
        ),
      )
      .execute();
    const now = isoTime();
    const byId = (pick: (c: Claim) => string) =>
      sql<string>`case id ${sql.join(
        batch.map((c) => sql`when ${c.requestId} then cast(${pick(c)} as text)`),
        sql` `,
      )} end`;
    // Only from `queued`, the one state that may lead to `scheduled` (NEXT in transitions.ts).
    const moved = await trx
      .updateTable('allocations')
      .set({
        state: 'scheduled',
        state_reason: 'placed',
        pending_reason: null,
        pending_message: null,
        node_id: byId((c) => c.nodeId),
        gpus: byId((c) => JSON.stringify(c.gpus)),
        provisioning_deadline: deadline,
        updated_at: now,
        version: sql<number>`version + 1`,
      })
      .where(
        'id',
        'in',
        batch.map((c) => c.requestId),
      )
      .where('state', '=', 'queued')
      .returning(['id', 'project_id'])
      .execute();
    // Released or placed by another instance meanwhile: give the GPUs back.
    if (moved.length !== batch.length) throw new LostRace();
    const projectOf = new Map(moved.map((m) => [m.id, m.project_id]));
    const change = { from: 'queued', to: 'scheduled', reason: 'placed' } as const;
    await trx
      .insertInto('allocation_transitions')
      .values(
        batch.map((c) => ({
          id: newId(),
          allocation_id: c.requestId,
          from_state: change.from,
          to_state: change.to,
          reason: change.reason,
          actor: 'system',
          at: now,
        })),
      )
      .execute();
    await trx
      .insertInto('audit_events')
      .values(
        batch.map((c) => ({
          id: newId(),
          occurred_at: now,
          actor_type: 'system' as const,
          actor_id: null,
          action: 'allocation.state_changed',
          target_type: 'allocation',
          target_id: c.requestId,
          project_id: projectOf.get(c.requestId) ?? null,
          result: 'success' as const,
          status: 200,
          correlation_id: newId(),
          ip: null,
          details: JSON.stringify(change),
        })),
      )
      .execute();
    return bus.publishMany(
      trx,
      batch.map((c) => ({
        type: 'allocation.state_changed',
        subject: `allocation/${c.requestId}`,
        project_id: projectOf.get(c.requestId) ?? null,
        data: { allocation_id: c.requestId, ...change, actor: 'system' },
      })),
    );
  });
}
