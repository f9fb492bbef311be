/**
 * The catalog in the database mirrors the configured SKUs: upserted at start, so every instance
 * started with the same configuration agrees, and prices change without a migration.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { GpuSkuSpec } from '../config-compute.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isoTime } from '../ids.js';

export async function syncCatalog(db: Kysely<Tables>, skus: readonly GpuSkuSpec[]): Promise<void> {
  const now = isoTime();
  await db.transaction().execute(async (trx) => {
    const ids = skus.map((s) => s.id);
    let stale = trx.deleteFrom('gpu_skus');
    if (ids.length > 0) stale = stale.where('id', 'not in', ids);
    await stale.execute();
    for (const sku of skus) {
      const row = {
        model: sku.model,
        memory_gib: sku.memoryGib,
        interconnect: sku.interconnect,
        price_micros: BigInt(sku.pricePerGpuHourMicros).toString(),
        currency: sku.currency ?? 'USD',
        regions: JSON.stringify(sku.regions),
        updated_at: now,
      };
      await trx
        .insertInto('gpu_skus')
        .values({ id: sku.id, ...row, created_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    }
  });
}

/**
 * The catalog with live availability: GPUs of each SKU on ready nodes, how many are free, and the
 * most one allocation can get (the free GPUs of the best node: an allocation never spans nodes).
 */
export async function listSkus(
  db: Kysely<Tables>,
  region?: string,
): Promise<components['schemas']['GpuSku'][]> {
  const skus = await db.selectFrom('gpu_skus').selectAll().orderBy('id').execute();
  const gpus = await db
    .selectFrom('gpus')
    .innerJoin('nodes', 'nodes.id', 'gpus.node_id')
    .leftJoin('allocation_gpus', 'allocation_gpus.gpu_id', 'gpus.id')
    .select(['gpus.model', 'gpus.node_id', 'nodes.schedulable', 'allocation_gpus.allocation_id'])
    .where('gpus.present', '=', 1)
    .where('nodes.status', '=', 'ready')
    .execute();
  return skus
    .map((sku) => {
      const regions = JSON.parse(sku.regions) as string[];
      const mine = gpus.filter((g) => g.model === sku.model);
      const freePerNode = new Map<string, number>();
      for (const g of mine) {
        if (g.allocation_id === null && g.schedulable === 1) {
          freePerNode.set(g.node_id, (freePerNode.get(g.node_id) ?? 0) + 1);
        }
      }
      const free = [...freePerNode.values()];
      return {
        id: sku.id,
        model: sku.model,
        memory_gib: sku.memory_gib,
        interconnect: sku.interconnect,
        price_per_gpu_hour_micros: BigInt(sku.price_micros).toString(),
        currency: sku.currency,
        regions,
        total: mine.length,
        available: free.reduce((a, b) => a + b, 0),
        max_per_allocation: free.length === 0 ? 0 : Math.max(...free),
      };
    })
    .filter((v) => region === undefined || v.regions.includes(region));
}

/** One SKU with its availability; NOT_FOUND when the catalog has none with this id. */
export async function requireSku(db: Kysely<Tables>, id: string): Promise<components['schemas']['GpuSku']> {
  const sku = (await listSkus(db)).find((v) => v.id === id);
  if (sku === undefined) throw new PlatformError('NOT_FOUND', `GPU SKU ${id} not found`);
  return sku;
}
