/**
 * The cluster as the scheduler and the create path read it, without re-reading every GPU row each
 * time. A cluster of 5,000 nodes × 8 GPUs is 40,000 rows; reading (and joining) them for every
 * create and every scheduling cycle made placement cost grow with the cluster (bench:placement).
 *
 * What changes rarely — which GPUs exist, their model, memory and NVLink domain — is cached per
 * database handle and read again only when the nodes' fingerprint changes: their count and the sum
 * of their versions. GPU rows are written only by node registration, which inserts a node or bumps
 * its version in the same transaction, so the fingerprint changes with every inventory change and
 * the cache is never older than the fingerprint it was read after. What changes all the time — a
 * node's status and schedulability, which GPUs are held, the catalog — is read on every call.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { ClusterNode } from '../scheduler/index.js';

export interface InventoryGpu {
  id: string;
  node_id: string;
  idx: number;
  uuid: string | null;
  model: string;
  memory_mib: number;
  nvlink_domain: string | null;
}

/** The GPUs present on registered nodes, by node then index, and the fingerprint they match. */
export interface Inventory {
  key: string;
  gpus: readonly InventoryGpu[];
  /** Distinct models among them. */
  models: readonly string[];
}

const cache = new WeakMap<Kysely<Tables>, Inventory>();

/** The present GPUs of every registered node (cached until a node is registered or re-registered). */
export async function gpuInventory(db: Kysely<Tables>): Promise<Inventory> {
  const print = await db
    .selectFrom('nodes')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string>('version').as('v'),
    ])
    .executeTakeFirstOrThrow();
  const key = `${String(print.n)}:${String(print.v ?? 0)}`;
  const cached = cache.get(db);
  if (cached?.key === key) return cached;
  const gpus = await db
    .selectFrom('gpus')
    .select(['id', 'node_id', 'idx', 'uuid', 'model', 'memory_mib', 'nvlink_domain'])
    .where('present', '=', 1)
    .orderBy('node_id')
    .orderBy('idx')
    .execute();
  const inventory: Inventory = { key, gpus, models: [...new Set(gpus.map((g) => g.model))] };
  cache.set(db, inventory);
  return inventory;
}

/**
 * What a placement records about a GPU it claims (device index, UUID, model, SKU): the database
 * row's side, apart from the scheduler's own view of a GPU (`ClusterGpu` in scheduler/types.ts).
 */
export interface GpuRecord {
  idx: number;
  uuid: string | null;
  model: string;
  sku_id: string | null;
}

/** The schedulable cluster as the scheduler sees it, the GPU rows by id, and GPUs held per project. */
export async function loadCluster(db: Kysely<Tables>) {
  const inventory = await gpuInventory(db);
  const [skus, nodes, held] = await Promise.all([
    db.selectFrom('gpu_skus').select(['id', 'model', 'memory_gib']).execute(),
    db.selectFrom('nodes').select(['id', 'status', 'schedulable']).execute(),
    db.selectFrom('allocation_gpus').select(['gpu_id', 'project_id']).execute(),
  ]);
  const skuOf = new Map(skus.map((s) => [s.model, s]));
  const schedulable = new Map(nodes.map((n) => [n.id, n.status === 'ready' && n.schedulable === 1]));
  const busy = new Set<string>();
  const usage: Record<string, number> = {};
  for (const h of held) {
    busy.add(h.gpu_id);
    usage[h.project_id] = (usage[h.project_id] ?? 0) + 1;
  }
  const byNode = new Map<string, ClusterNode>();
  const gpus = new Map<string, GpuRecord>();
  for (const g of inventory.gpus) {
    let node = byNode.get(g.node_id);
    if (node === undefined) {
      node = { id: g.node_id, schedulable: schedulable.get(g.node_id) ?? false, gpus: [] };
      byNode.set(g.node_id, node);
    }
    const sku = skuOf.get(g.model);
    node.gpus.push({
      id: g.id,
      index: g.idx,
      model: g.model,
      // A SKU's nominal size ("80 GB"), not the few MiB less the driver reports, is what users ask for.
      memoryMib:
        sku?.memory_gib !== null && sku?.memory_gib !== undefined
          ? Number(sku.memory_gib) * 1024
          : g.memory_mib,
      nvlinkDomain: g.nvlink_domain,
      free: !busy.has(g.id),
    });
    gpus.set(g.id, { idx: g.idx, uuid: g.uuid, model: g.model, sku_id: sku?.id ?? null });
  }
  return { cluster: [...byNode.values()], gpus, usage, inventoryKey: inventory.key };
}
