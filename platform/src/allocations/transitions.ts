/**
 * The allocation state machine, in one place. Every change of state goes through `transition()`:
 * a conditional UPDATE (the allocation must still be in one of the expected states, so two
 * instances racing for one allocation cannot both win), a row in `allocation_transitions`, an
 * audit record and an event, all in the caller's transaction. Terminal states free the GPUs.
 */
import { detachVolumes } from '../storage/attachments.js';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { AllocationState, AllocationsTable, Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { recordAuditEvent } from '../audit/record.js';
import { recordMeterStart } from '../billing/gpu-meters.js';
import { isoTime, newId } from '../ids.js';

export const ALLOCATION_STATES: readonly AllocationState[] = [
  'queued',
  'scheduled',
  'provisioning',
  'running',
  'releasing',
  'released',
  'failed',
  'preempted',
];

/** How often a transition re-reads an allocation another instance changed under it. */
const MAX_ATTEMPTS = 5;

/** States in which an allocation holds GPUs on a node. */
export const HOLDING: readonly AllocationState[] = ['scheduled', 'provisioning', 'running', 'releasing'];
/** States an allocation never leaves. */
export const FINAL: readonly AllocationState[] = ['released', 'failed', 'preempted'];

/** Which states each state may move to; a test walks it. */
export const NEXT: Readonly<Record<AllocationState, readonly AllocationState[]>> = {
  queued: ['scheduled', 'released', 'failed'],
  scheduled: ['provisioning', 'running', 'releasing', 'failed', 'preempted'],
  provisioning: ['running', 'releasing', 'failed', 'preempted'],
  // Back to provisioning only when the node agent re-created the sandbox (`sandbox_recreated`).
  running: ['provisioning', 'releasing', 'failed', 'preempted'],
  releasing: ['released', 'failed'],
  released: [],
  failed: [],
  preempted: [],
};

export interface TransitionInput {
  id: string;
  to: AllocationState;
  /** Machine-readable reason, e.g. `placed`, `ttl_expired`, `released_by_user`. */
  reason: string;
  /** `user:<id>`, `sa:<id>`, `node:<id>` or `system`. */
  actor: string;
  /** Extra columns to set with the state. */
  patch?: Updateable<AllocationsTable>;
  /** Only from these states (default: any state that may lead to `to`). */
  from?: readonly AllocationState[];
}

export interface TransitionOutcome {
  from: AllocationState;
  projectId: string;
  event: PlatformEvent;
}

type Db = Kysely<Tables> | Transaction<Tables>;

/**
 * Moves the allocation to `to` when it is in a state that may lead there. Returns undefined (and
 * changes nothing) when the allocation is missing or its state does not allow the move.
 */
export async function transition(
  trx: Db,
  bus: EventBus,
  input: TransitionInput,
): Promise<TransitionOutcome | undefined> {
  const now = isoTime();
  const final = FINAL.includes(input.to);
  // Optimistic: the update applies only to the version read. When another instance moved the
  // allocation in between (a heartbeat, the reconciler), read it again and decide anew, so a
  // release racing a state change is not lost; only a state that forbids the move ends it.
  let current: { state: AllocationState; project_id: string; version: number } | undefined;
  for (let attempt = 0; ; attempt += 1) {
    current = await trx
      .selectFrom('allocations')
      .select(['state', 'project_id', 'version'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (current === undefined || !NEXT[current.state].includes(input.to)) return undefined;
    if (input.from !== undefined && !input.from.includes(current.state)) return undefined;
    const result = await trx
      .updateTable('allocations')
      .set({
        ...input.patch,
        state: input.to,
        state_reason: input.reason,
        updated_at: now,
        version: current.version + 1,
        ...(input.to !== 'queued' ? { pending_reason: null, pending_message: null } : {}),
        ...(final ? { released_at: now } : {}),
      })
      .where('id', '=', input.id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 1n) break;
    if (attempt >= MAX_ATTEMPTS) return undefined;
  }
  // Billing's clock runs while the allocation is `running`; its price is the one in force now.
  if (input.to === 'running') await recordMeterStart(trx, input.id, now);
  if (final) {
    await trx.deleteFrom('allocation_gpus').where('allocation_id', '=', input.id).execute();
    // Its volumes are free for other allocations (read-write ones were exclusive).
    await detachVolumes(trx, input.id);
    // A launch's service account lives exactly as long as its allocation.
    await trx
      .updateTable('service_accounts')
      .set({ revoked_at: now })
      .where('allocation_id', '=', input.id)
      .where('revoked_at', 'is', null)
      .execute();
  }
  await trx
    .insertInto('allocation_transitions')
    .values({
      id: newId(),
      allocation_id: input.id,
      from_state: current.state,
      to_state: input.to,
      reason: input.reason,
      actor: input.actor,
      at: now,
    })
    .execute();
  const [actorType, actorId] = splitActor(input.actor);
  await recordAuditEvent(trx, {
    actor_type: actorType,
    actor_id: actorId,
    action: 'allocation.state_changed',
    target_type: 'allocation',
    target_id: input.id,
    project_id: current.project_id,
    result: 'success',
    status: 200,
    correlation_id: newId(),
    ip: null,
    details: JSON.stringify({ from: current.state, to: input.to, reason: input.reason }),
  });
  const event = await bus.publish(trx, {
    type: 'allocation.state_changed',
    subject: `allocation/${input.id}`,
    project_id: current.project_id,
    data: {
      allocation_id: input.id,
      from: current.state,
      to: input.to,
      reason: input.reason,
      actor: input.actor,
    },
  });
  return { from: current.state, projectId: current.project_id, event };
}

/** Records the creation of an allocation (`null → queued`) like any other transition. */
export async function recordCreation(
  trx: Db,
  bus: EventBus,
  allocation: { id: string; project_id: string },
  actor: string,
): Promise<PlatformEvent> {
  const now = isoTime();
  await trx
    .insertInto('allocation_transitions')
    .values({
      id: newId(),
      allocation_id: allocation.id,
      from_state: null,
      to_state: 'queued',
      reason: 'created',
      actor,
      at: now,
    })
    .execute();
  return bus.publish(trx, {
    type: 'allocation.state_changed',
    subject: `allocation/${allocation.id}`,
    project_id: allocation.project_id,
    data: { allocation_id: allocation.id, from: null, to: 'queued', reason: 'created', actor },
  });
}

function splitActor(actor: string): ['user' | 'service_account' | 'system', string | null] {
  if (actor.startsWith('user:')) return ['user', actor.slice(5)];
  if (actor.startsWith('sa:')) return ['service_account', actor.slice(3)];
  return ['system', actor === 'system' ? null : actor];
}
