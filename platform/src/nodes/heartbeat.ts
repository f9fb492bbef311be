/**
 * Node heartbeats: observed allocation states in, desired states out. Each report moves an
 * allocation only along the state machine, so a repeated heartbeat is harmless, and each
 * allocation is handled on its own: a malformed record fails that allocation (with its reason),
 * any other error skips it until the next heartbeat, and the node still gets its answer.
 */
import { allocationVolumes } from '../storage/attachments.js';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import { RecordInvalid, isoAfter, storedArray } from '../allocations/bounds.js';
import { nodeStatusEvent } from './nodes.js';
import type { Assignment, ObservedAllocation } from './nodes.js';
import { HOLDING, transition } from '../allocations/transitions.js';
import type { AllocationGpuView } from '../allocations/views.js';
import { requireNode } from '../allocations/views.js';

/**
 * The reason recorded when the agent reports a running allocation as starting again (or running
 * with another runtime): it re-created the sandbox, typically after it or the platform restarted.
 */
export const SANDBOX_RECREATED =
  'sandbox_recreated: the node agent re-created the sandbox (after a restart); processes that ran in it were lost';

export interface HeartbeatOptions {
  logger: Logger;
  /** How long a re-created sandbox may take to run again (compute.provisioningTimeoutSeconds). */
  provisioningTimeoutSeconds: number;
}

interface Context extends HeartbeatOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  nodeId: string;
  actor: string;
}

/** Applies what the agent observed and returns what the platform wants on the node. */
export async function heartbeat(
  db: Kysely<Tables>,
  bus: EventBus,
  nodeId: string,
  observed: ObservedAllocation[],
  options: HeartbeatOptions,
): Promise<{ assignments: Assignment[]; changed: boolean }> {
  const node = await requireNode(db, nodeId);
  const now = isoTime();
  const events: PlatformEvent[] = [];
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

  const context: Context = { ...options, db, bus, nodeId, actor: `node:${nodeId}` };
  for (const report of observed) {
    try {
      events.push(...(await applyReport(context, report)));
    } catch (error) {
      const failed = await isolate(context, report.id, error);
      if (failed !== undefined) events.push(failed);
    }
  }
  for (const event of events) bus.deliver(event);
  const assignments = await assignmentsFor(db, nodeId, context);
  return { assignments: assignments.list, changed: events.length > 0 || assignments.changed };
}

/** The events of what one report changed (none in the steady state). */
async function applyReport(c: Context, report: ObservedAllocation): Promise<PlatformEvent[]> {
  const { db, bus, actor } = c;
  const row = await db
    .selectFrom('allocations')
    .select(['state', 'node_id', 'torn_down', 'ttl_seconds', 'expires_at', 'runtime_secret', 'endpoint'])
    .where('id', '=', report.id)
    .executeTakeFirst();
  if (row === undefined || row.node_id !== c.nodeId) return [];
  const recreated =
    row.state === 'running' &&
    (report.state === 'provisioning' ||
      (report.state === 'running' &&
        report.runtime_secret !== undefined &&
        row.runtime_secret !== null &&
        report.runtime_secret !== row.runtime_secret));
  // The steady state of every heartbeat: nothing moves, so no transaction is opened.
  if (report.state === 'running' && row.state === 'running' && !recreated) {
    // The same runtime at a new address (its agent serves it on another port after a restart of
    // the forwarder): every instance must dial the new one.
    const moved = report.endpoint !== undefined && report.endpoint !== row.endpoint;
    if (report.last_activity_at !== undefined || moved) {
      await db
        .updateTable('allocations')
        .set({
          ...(report.last_activity_at === undefined ? {} : { last_activity_at: report.last_activity_at }),
          ...(moved ? { endpoint: report.endpoint } : {}),
        })
        .where('id', '=', report.id)
        .execute();
    }
    return [];
  }
  if (report.state === 'provisioning' && row.state === 'provisioning') return [];
  const running = () => ({
    endpoint: report.endpoint ?? null,
    runtime_secret: report.runtime_secret ?? null,
    last_activity_at: isoTime(),
    provisioning_deadline: null,
    // Counted from the first start: a re-created sandbox does not extend the TTL.
    expires_at:
      row.expires_at ?? (row.ttl_seconds === null ? null : isoAfter(row.ttl_seconds, 'ttl_seconds')),
  });
  const outcomes = await db.transaction().execute(async (trx) => {
    if (recreated) {
      // The tenant's processes are gone: record it, then what the agent reports now.
      const restarted = await transition(trx, bus, {
        id: report.id,
        to: 'provisioning',
        from: ['running'],
        reason: SANDBOX_RECREATED,
        actor,
        patch: {
          endpoint: null,
          runtime_secret: null,
          provisioning_deadline: isoAfter(c.provisioningTimeoutSeconds, 'provisioning_deadline'),
        },
      });
      if (restarted === undefined || report.state === 'provisioning') return [restarted];
      return [
        restarted,
        await transition(trx, bus, {
          id: report.id,
          to: 'running',
          reason: 'runtime_ready',
          actor,
          patch: running(),
        }),
      ];
    }
    switch (report.state) {
      case 'provisioning':
        return [
          await transition(trx, bus, {
            id: report.id,
            to: 'provisioning',
            reason: 'sandbox_starting',
            actor,
          }),
        ];
      case 'running':
        return [
          await transition(trx, bus, {
            id: report.id,
            to: 'running',
            reason: 'runtime_ready',
            actor,
            patch: running(),
          }),
        ];
      case 'failed':
        return [
          await transition(trx, bus, {
            id: report.id,
            to: 'failed',
            reason: `sandbox_failed: ${report.reason ?? 'no reason given'}`.slice(0, 500),
            actor,
          }),
        ];
      case 'released': {
        if (row.torn_down === 0) {
          await trx.updateTable('allocations').set({ torn_down: 1 }).where('id', '=', report.id).execute();
        }
        if (row.state === 'releasing') {
          return [
            await transition(trx, bus, { id: report.id, to: 'released', reason: 'sandbox_stopped', actor }),
          ];
        }
        if (row.state === 'scheduled' || row.state === 'provisioning' || row.state === 'running') {
          // The node lost a sandbox the platform still wants: that is a failure, not a release.
          return [await transition(trx, bus, { id: report.id, to: 'failed', reason: 'sandbox_lost', actor })];
        }
        return [];
      }
    }
  });
  return outcomes.flatMap((o) => (o === undefined ? [] : [o.event]));
}

/**
 * One allocation broke its part of a loop: a malformed record fails it (torn down on the node),
 * anything else is logged and retried next time. Never throws.
 */
async function isolate(c: Context, id: string, error: unknown): Promise<PlatformEvent | undefined> {
  if (!(error instanceof RecordInvalid)) {
    c.logger.error(
      { err: error, allocation_id: id, node_id: c.nodeId },
      'applying a heartbeat report failed',
    );
    return undefined;
  }
  c.logger.error({ allocation_id: id, field: error.field }, `allocation record invalid: ${error.message}`);
  try {
    const outcome = await c.db.transaction().execute((trx) =>
      transition(trx, c.bus, {
        id,
        to: 'failed',
        reason: error.reason,
        actor: 'system',
        patch: { torn_down: 0 },
      }),
    );
    return outcome?.event;
  } catch (failure) {
    c.logger.error({ err: failure, allocation_id: id }, 'failing an invalid allocation failed');
    return undefined;
  }
}

/** Every allocation the node should run, and every one it should tear down. */
export async function assignmentsFor(
  db: Kysely<Tables>,
  nodeId: string,
  c: Omit<Context, 'nodeId' | 'db'>,
): Promise<{ list: Assignment[]; changed: boolean }> {
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
  const list: Assignment[] = [];
  let changed = false;
  const volumes = await allocationVolumes(
    db,
    rows.map((r) => r.id),
  );
  for (const r of rows) {
    let gpus: AllocationGpuView[];
    let state = r.state;
    try {
      gpus = storedGpus(r.gpus);
    } catch (error) {
      // Without its GPU list the sandbox cannot be built: the node is told to tear it down.
      gpus = [];
      if (HOLDING.includes(r.state)) {
        const failed = await isolate({ ...c, db, nodeId }, r.id, error);
        if (failed !== undefined) {
          c.bus.deliver(failed);
          changed = true;
        }
        state = 'failed';
      }
    }
    list.push({
      allocation_id: r.id,
      project_id: r.project_id,
      desired_state: ['scheduled', 'provisioning', 'running'].includes(state) ? 'running' : 'released',
      gpus: gpus.map((g) => ({ index: g.index, uuid: g.uuid, model: g.model })),
      // Exactly the attached volumes: the sandbox binds these and nothing else.
      ...(volumes.has(r.id)
        ? {
            volumes: (volumes.get(r.id) ?? []).map((v) => ({
              volume_id: v.volume_id,
              source: v.source,
              mount_path: v.mount_path,
              read_only: v.read_only,
            })),
          }
        : {}),
    });
  }
  return { list, changed };
}

function storedGpus(text: string): AllocationGpuView[] {
  const gpus = storedArray<Partial<AllocationGpuView> | null>(text, 'gpus');
  for (const g of gpus) {
    if (typeof g !== 'object' || g === null || !Number.isInteger(g.index) || typeof g.model !== 'string')
      throw new RecordInvalid('gpus', 'holds an entry that is not a GPU');
  }
  return gpus as AllocationGpuView[];
}
