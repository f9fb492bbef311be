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
import { AsyncResource } from 'node:async_hooks';
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

/**
 * Reads of the fingerprint, shared by the callers that arrive together: a caller never gets a
 * read that started before it arrived (it could predate a registration the caller already saw
 * answered), but every caller arriving while one read runs shares the next one. The fingerprint
 * sums every node row; read once per create (twice, with the model check) it was a scan of 5,000
 * rows per create (bench:placement), now one per database round trip however many creates come.
 */
interface Reads {
  running: boolean;
  next:
    | { promise: Promise<string>; resolve: (key: string) => void; reject: (error: unknown) => void }
    | undefined;
}
const reads = new WeakMap<Kysely<Tables>, Reads>();

/**
 * Runs `read` outside the caller's request transaction (db/joined-transaction.ts joins queries
 * by async context): bound here, at module load, where there is none. What is cached and shared
 * between requests must be what is committed, not one request's uncommitted view.
 */
const detached = AsyncResource.bind(<T>(read: () => Promise<T>): Promise<T> => read());

function fingerprint(db: Kysely<Tables>): Promise<string> {
  let state = reads.get(db);
  if (state === undefined) reads.set(db, (state = { running: false, next: undefined }));
  if (state.next === undefined) {
    let resolve!: (key: string) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    state.next = { promise, resolve, reject };
  }
  const { promise } = state.next;
  if (!state.running) startRead(db, state);
  return promise;
}

function startRead(db: Kysely<Tables>, state: Reads): void {
  const waiting = state.next;
  if (waiting === undefined) return;
  state.next = undefined;
  state.running = true;
  detached(() => readFingerprint(db))
    .then(waiting.resolve, waiting.reject)
    .finally(() => {
      state.running = false;
      startRead(db, state);
    });
}

async function readFingerprint(db: Kysely<Tables>): Promise<string> {
  const print = await db
    .selectFrom('nodes')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string>('version').as('v'),
    ])
    .executeTakeFirstOrThrow();
  return `${String(print.n)}:${String(print.v ?? 0)}`;
}

/**
 * Loads in flight, by fingerprint: the creates that find the cache stale together share one load.
 * Each loading 40,000 rows for itself (64 creates at once on a cold cache, bench:placement) kept
 * the first creates waiting more than 12 s on this machine.
 */
const loading = new WeakMap<Kysely<Tables>, { key: string; promise: Promise<Inventory> }>();

/** The present GPUs of every registered node (cached until a node is registered or re-registered). */
export async function gpuInventory(db: Kysely<Tables>): Promise<Inventory> {
  const key = await fingerprint(db);
  const cached = cache.get(db);
  if (cached?.key === key) return cached;
  const inFlight = loading.get(db);
  if (inFlight?.key === key) return inFlight.promise;
  const promise = detached(() => loadInventory(db, key));
  loading.set(db, { key, promise });
  try {
    const inventory = await promise;
    // A load for a newer fingerprint may have finished first: keep the cache on the newest.
    if (cache.get(db)?.key !== key && loading.get(db)?.promise === promise) cache.set(db, inventory);
    return inventory;
  } finally {
    if (loading.get(db)?.promise === promise) loading.delete(db);
  }
}

async function loadInventory(db: Kysely<Tables>, key: string): Promise<Inventory> {
  const gpus = await db
    .selectFrom('gpus')
    .select(['id', 'node_id', 'idx', 'uuid', 'model', 'memory_mib', 'nvlink_domain'])
    .where('present', '=', 1)
    .orderBy('node_id')
    .orderBy('idx')
    .execute();
  return { key, gpus, models: [...new Set(gpus.map((g) => g.model))] };
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
