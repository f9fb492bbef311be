/**
 * Rows → API representations (openapi.yaml `Allocation`, `Node`, `GpuSku`), and the queries that
 * load them with what they show from other tables.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AllocationState, AllocationsTable, NodesTable, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { checkDateTime } from '../date-time.js';
import { arrayOrEmpty } from './bounds.js';

type Db = Kysely<Tables> | Transaction<Tables>;
export type AllocationRow = Selectable<AllocationsTable> & {
  node_status: string | null;
  /** The certificate its node's runtimes are pinned to (allocations/runtime-tls.ts). */
  node_certificate_sha256: string | null;
};
export type NodeRow = Selectable<NodesTable>;

export interface AllocationGpuView {
  index: number;
  uuid: string | null;
  model: string;
  sku_id: string | null;
  /** Internal: the `gpus` row id; not part of the API view. */
  gpu_id?: string;
}

export function allocationQuery(db: Db) {
  return db
    .selectFrom('allocations')
    .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
    .selectAll('allocations')
    .select(['nodes.status as node_status', 'nodes.runtime_certificate_sha256 as node_certificate_sha256']);
}

export async function loadAllocation(db: Db, id: string): Promise<AllocationRow | undefined> {
  return allocationQuery(db).where('allocations.id', '=', id).executeTakeFirst();
}

export async function requireAllocation(db: Db, id: string): Promise<AllocationRow> {
  const row = await loadAllocation(db, id);
  if (row === undefined) throw new PlatformError('NOT_FOUND', `allocation ${id} not found`);
  return row;
}

export function allocationView(
  row: AllocationRow,
  transitions?: {
    from_state: AllocationState | null;
    to_state: AllocationState;
    reason: string;
    at: string;
    actor: string;
  }[],
) {
  // A malformed row (failed by the loops that meet it) still lists: one record never breaks a page.
  const gpus = arrayOrEmpty<AllocationGpuView | null>(row.gpus)
    .filter((g): g is AllocationGpuView => typeof g === 'object' && g !== null)
    .map((g) => ({
      index: g.index,
      uuid: g.uuid,
      model: g.model,
      sku_id: g.sku_id,
    }));
  const holding = ['scheduled', 'provisioning', 'running', 'releasing'].includes(row.state);
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    state: row.state,
    state_reason: row.state_reason,
    pending_reason: row.pending_reason as
      | 'quota_exceeded'
      | 'no_capacity'
      | 'model_unavailable'
      | 'request_too_large'
      | 'waiting_for_priority'
      | null,
    pending_message: row.pending_message,
    request: {
      count: row.gpu_count,
      models: arrayOrEmpty<unknown>(row.models).filter((m): m is string => typeof m === 'string'),
      min_memory_gib: row.min_memory_mib === null ? null : Math.round(row.min_memory_mib / 1024),
      topology: row.topology,
    },
    priority: row.priority,
    node_id: row.node_id,
    node_status: holding ? ((row.node_status ?? null) as 'ready' | 'unreachable' | null) : null,
    gpus,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
    expires_at: timeOrNull(row.expires_at),
    idle_timeout_seconds: row.idle_timeout_seconds,
    last_activity_at: timeOrNull(row.last_activity_at),
    released_at: row.released_at,
    ...(transitions === undefined
      ? {}
      : {
          transitions: transitions.map((t) => ({
            from: t.from_state,
            to: t.to_state,
            reason: t.reason,
            at: t.at,
            actor: t.actor,
          })),
        }),
  };
}

/** A stored time as it is, or null when it is none (a malformed row still renders). */
function timeOrNull(text: string | null): string | null {
  return text !== null && checkDateTime(text).ok ? text : null;
}

export async function loadTransitions(db: Db, allocationId: string) {
  return db
    .selectFrom('allocation_transitions')
    .select(['from_state', 'to_state', 'reason', 'at', 'actor'])
    .where('allocation_id', '=', allocationId)
    .orderBy('id')
    .execute();
}

export async function nodeView(db: Db, node: NodeRow) {
  const gpus = await db
    .selectFrom('gpus')
    .leftJoin('allocation_gpus', 'allocation_gpus.gpu_id', 'gpus.id')
    .leftJoin('gpu_skus', 'gpu_skus.model', 'gpus.model')
    .select([
      'gpus.idx',
      'gpus.uuid',
      'gpus.model',
      'gpus.memory_mib',
      'gpus.nvlink_domain',
      'gpu_skus.id as sku_id',
      'allocation_gpus.allocation_id',
    ])
    .where('gpus.node_id', '=', node.id)
    .where('gpus.present', '=', 1)
    .orderBy('gpus.idx')
    .execute();
  const allocations = await db
    .selectFrom('allocations')
    .select('id')
    .where('node_id', '=', node.id)
    .where('state', 'in', ['scheduled', 'provisioning', 'running', 'releasing'])
    .orderBy('id')
    .execute();
  return {
    id: node.id,
    name: node.name,
    region: node.region,
    status: node.status,
    schedulable: node.schedulable === 1,
    labels: JSON.parse(node.labels) as Record<string, string>,
    agent_version: node.agent_version,
    runtime_certificate_sha256: node.runtime_certificate_sha256,
    gpus: gpus.map((g) => ({
      index: g.idx,
      uuid: g.uuid,
      model: g.model,
      memory_mib: g.memory_mib,
      nvlink_domain: g.nvlink_domain,
      sku_id: g.sku_id ?? null,
      allocation_id: g.allocation_id ?? null,
    })),
    allocations: allocations.map((a) => a.id),
    last_heartbeat_at: node.last_heartbeat_at,
    registered_at: node.registered_at,
    updated_at: node.updated_at,
  };
}

export async function requireNode(db: Db, id: string): Promise<NodeRow> {
  const node = await db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
  if (node === undefined) throw new PlatformError('NOT_FOUND', `node ${id} not found`);
  return node;
}
