/**
 * Refusing at creation what could never run: a request is checked against every registered node
 * as if all were schedulable and all their GPUs free. Cordoned and unreachable nodes count (they
 * may come back, and a request that waits for them is legitimate); only a request that no
 * registered node could ever hold is refused, with ALLOCATION_UNSATISFIABLE naming the largest
 * request possible and the models on offer. With no node registered yet nothing is refused: the
 * cluster's size is not known, and nodes may still be joining.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { ClusterState } from '../scheduler/index.js';
import type { ClusterNode } from '../scheduler/index.js';
import { gpuInventory } from './inventory.js';
import type { Inventory } from './inventory.js';

export interface WantedGpus {
  count: number;
  /** Resolved models (empty: any). */
  models: readonly string[];
  minMemoryMib: number;
  topology: 'node' | 'nvlink';
}

interface Offer {
  label: string;
  perNode: number;
  perDomain: number;
  total: number;
}

/** Each model (by SKU id when the catalog has it) with its largest node, NVLink domain and total. */
function offers(cluster: readonly ClusterNode[], skuOf: (gpuId: string) => string | null): Offer[] {
  const byLabel = new Map<string, Offer>();
  for (const node of cluster) {
    const perNode = new Map<string, number>();
    const perDomain = new Map<string, number>();
    for (const gpu of node.gpus) {
      const label = skuOf(gpu.id) ?? gpu.model;
      perNode.set(label, (perNode.get(label) ?? 0) + 1);
      // A GPU without NVLink peers is a domain of its own.
      const domain = `${label}\u0000${gpu.nvlinkDomain ?? `solo-${gpu.id}`}`;
      perDomain.set(domain, (perDomain.get(domain) ?? 0) + 1);
    }
    for (const [label, n] of perNode) {
      const offer = byLabel.get(label) ?? { label, perNode: 0, perDomain: 0, total: 0 };
      offer.perNode = Math.max(offer.perNode, n);
      offer.total += n;
      byLabel.set(label, offer);
    }
    for (const [key, n] of perDomain) {
      const offer = byLabel.get(key.slice(0, key.indexOf('\u0000')));
      if (offer !== undefined) offer.perDomain = Math.max(offer.perDomain, n);
    }
  }
  return [...byLabel.values()].sort((a, b) => b.perNode - a.perNode || a.label.localeCompare(b.label));
}

function describe(offer: Offer): string {
  return `${offer.label} (up to ${offer.perNode} per node, ${offer.perDomain} per NVLink domain, ${offer.total} in all)`;
}

/** Throws ALLOCATION_UNSATISFIABLE when no registered node could ever hold `wanted`. */
/** Every registered node, every GPU free: what the cluster could hold at best (cached per inventory). */
const best = new WeakMap<Inventory, { skuKey: string; state: ClusterState; nodes: ClusterNode[] }>();

/** The catalog's SKUs as the check reads them, ordered by id. */
export interface CatalogSku {
  id: string;
  model: string;
  memory_gib: number | null;
}

async function everything(db: Kysely<Tables>, inventory: Inventory, read?: readonly CatalogSku[]) {
  const skus =
    read ?? (await db.selectFrom('gpu_skus').select(['id', 'model', 'memory_gib']).orderBy('id').execute());
  const skuKey = JSON.stringify(skus);
  const cached = best.get(inventory);
  if (cached?.skuKey === skuKey) return { ...cached, skus };
  const skuOf = new Map(skus.map((s) => [s.model, s]));
  const byNode = new Map<string, ClusterNode>();
  for (const g of inventory.gpus) {
    let node = byNode.get(g.node_id);
    if (node === undefined) {
      node = { id: g.node_id, schedulable: true, gpus: [] };
      byNode.set(g.node_id, node);
    }
    const memoryGib = skuOf.get(g.model)?.memory_gib;
    node.gpus.push({
      id: g.id,
      index: g.idx,
      model: g.model,
      memoryMib: memoryGib !== null && memoryGib !== undefined ? Number(memoryGib) * 1024 : g.memory_mib,
      nvlinkDomain: g.nvlink_domain,
      free: true,
    });
  }
  const nodes = [...byNode.values()];
  const entry = { skuKey, state: new ClusterState(nodes), nodes };
  best.set(inventory, entry);
  return { ...entry, skus };
}

/**
 * `read`: the inventory and the catalog (ordered by id) when the caller has just read them for
 * the same request, so they are not read again.
 */
export async function assertSatisfiable(
  db: Kysely<Tables>,
  wanted: WantedGpus,
  read?: { inventory: Inventory; skus: readonly CatalogSku[] },
): Promise<void> {
  const inventory = read?.inventory ?? (await gpuInventory(db));
  if (inventory.gpus.length === 0) return;
  const { state, nodes, skus } = await everything(db, inventory, read?.skus);
  const feasibility = state.feasibility({
    id: 'satisfiable',
    projectId: 'satisfiable',
    count: wanted.count,
    models: wanted.models,
    minMemoryMib: wanted.minMemoryMib,
    topology: wanted.topology,
    priority: 0,
    seq: '',
  });
  if (feasibility.ok) return;
  const skuOfModel = new Map(skus.map((s) => [s.model, s.id]));
  const modelOf = new Map(inventory.gpus.map((g) => [g.id, g.model]));
  const onOffer = offers(nodes, (id) => skuOfModel.get(modelOf.get(id) ?? '') ?? null);
  const models = wanted.models.length === 0 ? 'any model' : wanted.models.join(' or ');
  const memory = wanted.minMemoryMib > 0 ? ` with at least ${wanted.minMemoryMib / 1024} GiB` : '';
  const group = wanted.topology === 'nvlink' && wanted.count > 1 ? 'NVLink domain' : 'node';
  const offered = `on offer: ${onOffer.map(describe).join('; ')}`;
  if (feasibility.reason === 'request_too_large') {
    throw new PlatformError(
      'ALLOCATION_UNSATISFIABLE',
      `${wanted.count} GPUs of ${models}${memory} can never be placed: the largest registered ${group} has ${feasibility.largest}, so ask for at most ${feasibility.largest} (all GPUs of an allocation are on one ${group}); ${offered}`,
      {
        errors: [
          {
            in: 'body',
            pointer: '/gpus/count',
            detail: `at most ${feasibility.largest} for ${models}${memory}`,
          },
        ],
      },
    );
  }
  throw new PlatformError(
    'ALLOCATION_UNSATISFIABLE',
    `no registered node has a GPU of ${models}${memory}; ${offered}`,
    {
      errors: [
        {
          in: 'body',
          pointer: wanted.models.length > 0 ? '/gpus/models' : '/gpus/min_memory_gib',
          detail: 'no registered node has such a GPU',
        },
      ],
    },
  );
}
