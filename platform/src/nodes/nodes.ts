/**
 * The platform's side of the node-agent protocol: registration (inventory) and the protocol's
 * types; heartbeats (observed allocation states in, desired states out) are in heartbeat.ts.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isoTime, newId } from '../ids.js';
import { requireNode } from '../allocations/views.js';

// The protocol's shapes are the contract's (openapi.yaml), as the node agent's are.
type Schemas = components['schemas'];
export type InventoryGpu = Schemas['InventoryGpu'];
export type Registration = Schemas['NodeRegistration'];
export type ObservedAllocation = Schemas['ObservedAllocation'];
export type Assignment = Schemas['Assignment'];

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
          runtime_certificate_sha256: input.runtime_certificate_sha256 ?? null,
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
          // Each registration replaces the pin (rotation is registering again with the new one).
          runtime_certificate_sha256: input.runtime_certificate_sha256 ?? null,
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
