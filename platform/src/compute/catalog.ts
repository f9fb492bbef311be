/**
 * The catalog in the database mirrors the configured SKUs: upserted at start, so every instance
 * started with the same configuration agrees, and prices change without a migration.
 */
import type { Kysely } from 'kysely';
import type { GpuSkuSpec } from '../config-compute.js';
import type { Tables } from '../db/schema.js';
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
