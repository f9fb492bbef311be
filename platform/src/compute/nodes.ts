/**
 * The platform's side of the node-agent protocol: registration (inventory), heartbeats (observed
 * allocation states in, desired states out) and the operators' cordon / uncordon / drain.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isoTime, newId } from '../ids.js';
import { transition } from './transitions.js';
import type { AllocationGpuView } from './views.js';
import { requireNode } from './views.js';

export interface InventoryGpu {
  index: number;
  uuid?: string | null | undefined;
  model: string;
  memory_mib: number;
  nvlink_domain?: string | null | undefined;
}

export interface Registration {
  name: string;
  region?: string | undefined;
  agent_version: string;
  labels?: Record<string, string> | undefined;
  inventory: { gpus: InventoryGpu[] };
}

export interface ObservedAllocation {
  id: string;
  state: 'provisioning' | 'running' | 'released' | 'failed';
  reason?: string | undefined;
  endpoint?: string | undefined;
  runtime_secret?: string | undefined;
  last_activity_at?: string | undefined;
}

export interface Assignment {
  allocation_id: string;
  project_id: string;
  desired_state: 'running' | 'released';
  gpus: { index: number; uuid: string | null; model: string }[];
}

/** Creates the node or updates its inventory (same name → same id). */
export async function registerNode(db: Kysely<Tables>, bus: EventBus, input: Registration) {
  const now = isoTime();
  const events: PlatformEvent[] = [];
  const node = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('nodes')
      .selectAll()
      .where('name', '=', input.name)
      .executeTakeFirst();
    const id = existing?.id ?? newId();
    if (existing === undefined) {
      await trx
        .insertInto('nodes')
        .values({
          id,
          name: input.name,
          region: input.region ?? 'local',
          status: 'ready',
          schedulable: 1,
          labels: JSON.stringify(input.labels ?? {}),
          agent_version: input.agent_version,
          last_heartbeat_at: now,
          registered_at: now,
          updated_at: now,
          version: 1,
        })
        .execute();
    } else {
      await trx
        .updateTable('nodes')
        .set({
          region: input.region ?? existing.region,
          status: 'ready',
          labels: JSON.stringify(input.labels ?? JSON.parse(existing.labels)),
          agent_version: input.agent_version,
          last_heartbeat_at: now,
          updated_at: now,
          version: existing.version + 1,
        })
        .where('id', '=', id)
        .execute();
    }
    await trx.updateTable('gpus').set({ present: 0 }).where('node_id', '=', id).execute();
    for (const gpu of input.inventory.gpus) {
      const row = {
        uuid: gpu.uuid ?? null,
        model: gpu.model,
        memory_mib: gpu.memory_mib,
        nvlink_domain: gpu.nvlink_domain ?? `${input.name}-gpu${gpu.index}`,
        present: 1,
      };
      await trx
        .insertInto('gpus')
        .values({ id: `${id}:${gpu.index}`, node_id: id, idx: gpu.index, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    }
    if (existing?.status === 'unreachable') {
      events.push(await nodeStatusEvent(trx, bus, id, 'unreachable', 'ready'));
    }
    return requireNode(trx, id);
  });
  for (const event of events) bus.deliver(event);
  return node;
}

export function nodeStatusEvent(
  db: Kysely<Tables>,
  bus: EventBus,
  nodeId: string,
  from: string,
  to: string,
): Promise<PlatformEvent> {
  return bus.publish(db, {
    type: 'node.status_changed',
    subject: `node/${nodeId}`,
    project_id: null,
    data: { node_id: nodeId, from, to },
  });
}

/**
 * Applies what the agent observed and returns what the platform wants on the node. Each report
 * moves an allocation only along the state machine, so a stale or repeated heartbeat is harmless.
 */
export async function heartbeat(
  db: Kysely<Tables>,
  bus: EventBus,
  nodeId: string,
  observed: ObservedAllocation[],
): Promise<{ assignments: Assignment[]; changed: boolean }> {
  const node = await requireNode(db, nodeId);
  const now = isoTime();
  const events: PlatformEvent[] = [];
  const actor = `node:${nodeId}`;
  await db
    .updateTable('nodes')
    .set({
      last_heartbeat_at: now,
      status: 'ready',
      ...(node.status === 'unreachable' ? { updated_at: now } : {}),
    })
    .where('id', '=', nodeId)
    .execute();
  if (node.status === 'unreachable')
    events.push(await nodeStatusEvent(db, bus, nodeId, 'unreachable', 'ready'));

  for (const report of observed) {
    const row = await db
      .selectFrom('allocations')
      .select(['state', 'node_id', 'torn_down', 'ttl_seconds'])
      .where('id', '=', report.id)
      .executeTakeFirst();
    if (row === undefined || row.node_id !== nodeId) continue;
    // The steady state of every heartbeat: nothing moves, so no transaction is opened.
    if (report.state === 'running' && row.state === 'running') {
      if (report.last_activity_at !== undefined) {
        await db
          .updateTable('allocations')
          .set({ last_activity_at: report.last_activity_at })
          .where('id', '=', report.id)
          .execute();
      }
      continue;
    }
    if (report.state === 'provisioning' && row.state === 'provisioning') continue;
    const outcome = await db.transaction().execute(async (trx) => {
      switch (report.state) {
        case 'provisioning':
          return transition(trx, bus, {
            id: report.id,
            to: 'provisioning',
            reason: 'sandbox_starting',
            actor,
          });
        case 'running':
          return transition(trx, bus, {
            id: report.id,
            to: 'running',
            reason: 'runtime_ready',
            actor,
            patch: {
              endpoint: report.endpoint ?? null,
              runtime_secret: report.runtime_secret ?? null,
              last_activity_at: now,
              provisioning_deadline: null,
              expires_at: row.ttl_seconds === null ? null : isoTime(Date.now() + row.ttl_seconds * 1000),
            },
          });
        case 'failed':
          return transition(trx, bus, {
            id: report.id,
            to: 'failed',
            reason: truncate(`sandbox_failed: ${report.reason ?? 'no reason given'}`),
            actor,
          });
        case 'released': {
          if (row.torn_down === 0) {
            await trx.updateTable('allocations').set({ torn_down: 1 }).where('id', '=', report.id).execute();
          }
          if (row.state === 'releasing') {
            return transition(trx, bus, { id: report.id, to: 'released', reason: 'sandbox_stopped', actor });
          }
          if (row.state === 'scheduled' || row.state === 'provisioning' || row.state === 'running') {
            // The node lost a sandbox the platform still wants: that is a failure, not a release.
            return transition(trx, bus, { id: report.id, to: 'failed', reason: 'sandbox_lost', actor });
          }
          return undefined;
        }
      }
    });
    if (outcome !== undefined) events.push(outcome.event);
  }
  for (const event of events) bus.deliver(event);
  return { assignments: await assignmentsFor(db, nodeId), changed: events.length > 0 };
}

/** Every allocation the node should run, and every one it should tear down. */
export async function assignmentsFor(db: Kysely<Tables>, nodeId: string): Promise<Assignment[]> {
  const rows = await db
    .selectFrom('allocations')
    .select(['id', 'project_id', 'state', 'gpus'])
    .where('node_id', '=', nodeId)
    .where((eb) =>
      eb.or([
        eb('state', 'in', ['scheduled', 'provisioning', 'running', 'releasing']),
        eb.and([eb('state', 'in', ['failed', 'preempted', 'released']), eb('torn_down', '=', 0)]),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    allocation_id: r.id,
    project_id: r.project_id,
    desired_state: ['scheduled', 'provisioning', 'running'].includes(r.state) ? 'running' : 'released',
    gpus: (JSON.parse(r.gpus) as AllocationGpuView[]).map((g) => ({
      index: g.index,
      uuid: g.uuid,
      model: g.model,
    })),
  }));
}

function truncate(reason: string): string {
  return reason.length > 500 ? `${reason.slice(0, 497)}...` : reason;
}
