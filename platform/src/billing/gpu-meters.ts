/**
 * The platform's side of an allocation's GPU meter (`billing_gpu_meters`): opened with the
 * allocation (its first interval held, or the creation refused), priced when it becomes running,
 * read back by the rater as the library's `GpuMeter`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../db/schema.js';
import { asBillingDb } from './db.js';
import { BillingError, isBillingError } from './errors.js';
import { startGpuMeter } from './gpu-meter.js';
import type { GpuMeter } from './gpu-meter.js';
import { toMicros } from './money.js';
import type { BillingGpuMetersTable } from './engine-schema.js';

type Db = Kysely<Tables> | Transaction<Tables>;

/** What `gpuaas allocations create` is told when the first interval cannot be held. */
export const FUNDS_HINT =
  'see the available balance with `gpuaas billing balance`; an operator can top the project up';

export interface OpenMeterInput {
  allocationId: string;
  projectId: string;
  currency: string;
  gpuCount: number;
  intervalSeconds: number;
  /** Price per GPU-hour of the first hold: the dearest SKU the request could be given. */
  holdPriceMicros: bigint;
  at: string;
}

/**
 * Records the meter and holds the first interval's cost, in the caller's transaction (the one
 * that creates the allocation, so a refusal leaves no allocation behind). INSUFFICIENT_FUNDS,
 * with a hint naming `gpuaas billing balance`, when the project's available funds fall short.
 */
export async function openGpuMeter(trx: Transaction<Tables>, input: OpenMeterInput): Promise<void> {
  await trx
    .insertInto('billing_gpu_meters')
    .values({
      allocation_id: input.allocationId,
      project_id: input.projectId,
      currency: input.currency,
      gpu_count: input.gpuCount,
      interval_seconds: input.intervalSeconds,
      hold_price_micros: input.holdPriceMicros,
      price_micros: null,
      running_since: null,
      closed_at: null,
      created_at: input.at,
    })
    .execute();
  try {
    await startGpuMeter(
      asBillingDb(trx),
      {
        allocationId: input.allocationId,
        projectId: input.projectId,
        currency: input.currency,
        priceMicrosPerGpuHour: input.holdPriceMicros,
        gpuCount: input.gpuCount,
        intervalSeconds: input.intervalSeconds,
        // Not read by the hold; the rated intervals use the time it became running.
        runningSince: input.at,
      },
      input.at,
    );
  } catch (error) {
    if (!isBillingError(error) || error.code !== 'INSUFFICIENT_FUNDS') throw error;
    throw new BillingError(
      'INSUFFICIENT_FUNDS',
      `project ${input.projectId} cannot pay for the first ${input.intervalSeconds} s of this allocation: ${error.message}`,
      { cause: error, hint: FUNDS_HINT, ...(error.details === undefined ? {} : { details: error.details }) },
    );
  }
}

/**
 * The dearest price per GPU-hour among the SKUs the request accepts (every SKU when it names
 * none) of which the fleet has GPUs: the first hold must cover whichever GPUs the scheduler gives
 * it. With no such GPU yet, the dearest accepted SKU. GPUs of a model without a SKU are free.
 */
export async function holdPrice(db: Db, models: readonly string[]): Promise<bigint> {
  let inFleet = db
    .selectFrom('gpu_skus')
    .select('gpu_skus.price_micros')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('gpus')
          .select('gpus.id')
          .whereRef('gpus.model', '=', 'gpu_skus.model')
          .where('gpus.present', '=', 1),
      ),
    );
  if (models.length > 0) inFleet = inFleet.where('gpu_skus.model', 'in', models);
  const fleet = await inFleet.execute();
  if (fleet.length > 0) return dearest(fleet);
  let all = db.selectFrom('gpu_skus').select('price_micros');
  if (models.length > 0) all = all.where('model', 'in', models);
  return dearest(await all.execute());
}

/**
 * holdPrice from what the caller has read: the catalog's SKUs and the models of the fleet's
 * present GPUs (the inventory).
 */
export function holdPriceAmong(
  skus: readonly { model: string; price_micros: number | string | bigint }[],
  fleetModels: readonly string[],
  models: readonly string[],
): bigint {
  const accepted = models.length === 0 ? skus : skus.filter((s) => models.includes(s.model));
  const fleet = accepted.filter((s) => fleetModels.includes(s.model));
  return dearest(fleet.length > 0 ? fleet : accepted);
}

/** The price in force for GPUs of these models: the dearest of their SKUs, 0 when none has one. */
async function priceOfModels(db: Db, models: readonly string[]): Promise<bigint> {
  if (models.length === 0) return 0n;
  return dearest(
    await db.selectFrom('gpu_skus').select('price_micros').where('model', 'in', models).execute(),
  );
}

function dearest(rows: readonly { price_micros: number | string | bigint }[]): bigint {
  return rows.reduce((max, r) => {
    const price = toMicros(r.price_micros);
    return price > max ? price : max;
  }, 0n);
}

/**
 * Records the price in force when the allocation first became running, and when: called in the
 * transaction of that transition. A later start (a re-created sandbox) keeps the first price.
 * The price is the dearest SKU among the GPUs given (one node, normally one model).
 */
export async function recordMeterStart(trx: Db, allocationId: string, at: string): Promise<void> {
  const allocation = await trx
    .selectFrom('allocations')
    .select('gpus')
    .where('id', '=', allocationId)
    .executeTakeFirst();
  if (allocation === undefined) return;
  const price = await priceOfModels(trx, givenModels(allocation.gpus));
  await trx
    .updateTable('billing_gpu_meters')
    .set({ price_micros: price, running_since: at })
    .where('allocation_id', '=', allocationId)
    .where('running_since', 'is', null)
    .execute();
}

function givenModels(gpus: string): string[] {
  try {
    const list = JSON.parse(gpus) as unknown;
    if (!Array.isArray(list)) return [];
    return [
      ...new Set(
        list.flatMap((g: unknown) =>
          typeof g === 'object' && g !== null && 'model' in g && typeof g.model === 'string' ? [g.model] : [],
        ),
      ),
    ];
  } catch {
    // A malformed list fails the allocation elsewhere (heartbeat.ts); it is not charged here.
    return [];
  }
}

export type GpuMeterRow = BillingGpuMetersTable;

/** The library's meter for a row that has started running. */
export function meterOf(row: GpuMeterRow): GpuMeter | undefined {
  if (row.running_since === null || row.price_micros === null) return undefined;
  return {
    allocationId: row.allocation_id,
    projectId: row.project_id,
    currency: row.currency,
    priceMicrosPerGpuHour: toMicros(row.price_micros),
    gpuCount: row.gpu_count,
    intervalSeconds: row.interval_seconds,
    runningSince: row.running_since,
  };
}
