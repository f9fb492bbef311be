/**
 * The process test/billing-chaos.e2e.test.ts kills: it plays the platform's raters (and the
 * runtimes resending what was not acknowledged) over a fixed input, through the built billing
 * code, against a SQLite file or a PostgreSQL database. Every run starts from the beginning of
 * the input, as a restarted platform and runtime would: the runtimes resend their events (each run
 * in other batches and, after the first, in another order); GPU time is rated two ways: by the
 * library's settleGpuInterval interval by interval from 0, and by the platform's GPU-time rater
 * (GpuTimeRater.runOnce over allocation history, as `serve` runs it) at the run's clock, each
 * allocation released once the clock passes its end. Each finds what a killed run committed. It
 * prints `ready` once the database is open and `done` when everything due is rated.
 *
 *   CHAOS_PLAN=PLAN.json CHAOS_DATA_DIR=D [CHAOS_DATABASE_URL=postgres://…] CHAOS_RUN=N \
 *     CHAOS_CLOCK=SECONDS node test/support/billing-chaos-worker.ts
 */
import { readFileSync } from 'node:fs';
import {
  asBillingDb,
  finalIntervalIndex,
  grantPromotion,
  rateUsageEvents,
  settleGpuInterval,
  startGpuMeter,
  topUp,
} from '../../platform/dist/billing/index.js';
import type {
  BillingDb,
  GpuMeter,
  LaunchPricing,
  UsageEventInput,
} from '../../platform/dist/billing/index.js';
import { openGpuMeter } from '../../platform/dist/billing/gpu-meters.js';
import { GpuTimeRater } from '../../platform/dist/billing/rater-loop.js';
import { createDatabase } from '../../platform/dist/db/database.js';
import type { AllocationState, Tables } from '../../platform/dist/db/schema.js';
import { EventBus } from '../../platform/dist/events/bus.js';
import { createLogger } from '../../platform/dist/logger.js';
import type { Kysely } from 'kysely';

/** The input, as test/billing-chaos.e2e.test.ts writes it (bigints as decimal text). */
export interface ChaosPlan {
  currency: string;
  topUps: { projectId: string; micros: string }[];
  promotions: { id: string; projectId: string; micros: string }[];
  launches: {
    launchId: string;
    projectId: string;
    publisherId: string;
    feeBasisPoints: number;
    meters: Record<string, { micros: string; perUnits: string }>;
    events: UsageEventInput[];
  }[];
  /** Rated interval by interval through the library. */
  allocations: ChaosAllocation[];
  /** Rated by the platform's GPU-time rater from allocation history. */
  platformAllocations: ChaosAllocation[];
}

export interface ChaosAllocation {
  allocationId: string;
  projectId: string;
  priceMicrosPerGpuHour: string;
  gpuCount: number;
  intervalSeconds: number;
  runningSeconds: number;
}

const { CHAOS_PLAN: planFile, CHAOS_DATA_DIR: dataDir, CHAOS_DATABASE_URL: url } = process.env;
if (planFile === undefined || dataDir === undefined) throw new Error('set CHAOS_PLAN and CHAOS_DATA_DIR');
const run = Number(process.env.CHAOS_RUN ?? 0);
/** Seconds since `runningSince` on the platform's clock in this run. */
const clock = Number(process.env.CHAOS_CLOCK ?? 1e6);
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as ChaosPlan;
const runningSince = '2026-12-07T09:00:00.000Z';
const T0 = Date.parse(runningSince);

/** A small deterministic generator (mulberry32), seeded by the run number. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const next = random(run * 7919 + 1);

async function funds(db: BillingDb): Promise<void> {
  for (const t of plan.topUps) {
    await topUp(db, {
      id: `chaos-topup-${t.projectId}`,
      projectId: t.projectId,
      currency: plan.currency,
      amount: BigInt(t.micros),
      reason: 'chaos',
    });
  }
  for (const p of plan.promotions) {
    await grantPromotion(db, {
      id: p.id,
      projectId: p.projectId,
      currency: plan.currency,
      amount: BigInt(p.micros),
      expiresAt: '2099-01-01T00:00:00.000Z',
      reason: 'chaos',
    });
  }
}

/** One runtime resending its whole log: other batch sizes each run, another order after the first. */
async function shipUsage(db: BillingDb, launch: ChaosPlan['launches'][number]): Promise<void> {
  const pricing: LaunchPricing = {
    launchId: launch.launchId,
    projectId: launch.projectId,
    publisherId: launch.publisherId,
    currency: plan.currency,
    feeBasisPoints: launch.feeBasisPoints,
    meters: Object.fromEntries(
      Object.entries(launch.meters).map(([meter, p]) => [
        meter,
        { micros: BigInt(p.micros), perUnits: BigInt(p.perUnits) },
      ]),
    ),
  };
  const events = [...launch.events];
  if (run > 0) {
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const [a, b] = [events[i], events[j]];
      if (a !== undefined && b !== undefined) [events[i], events[j]] = [b, a];
    }
  }
  for (let i = 0; i < events.length;) {
    const size = 1 + Math.floor(next() * 40);
    await rateUsageEvents(db, pricing, events.slice(i, i + size));
    i += size;
  }
}

/** The GPU rater over one allocation's running time: every interval in order, then the release. */
async function rateGpuTime(db: BillingDb, allocation: ChaosAllocation): Promise<void> {
  const meter: GpuMeter = {
    allocationId: allocation.allocationId,
    projectId: allocation.projectId,
    currency: plan.currency,
    priceMicrosPerGpuHour: BigInt(allocation.priceMicrosPerGpuHour),
    gpuCount: allocation.gpuCount,
    intervalSeconds: allocation.intervalSeconds,
    runningSince,
  };
  await startGpuMeter(db, meter);
  const L = allocation.intervalSeconds;
  const last = finalIntervalIndex(allocation.runningSeconds, L);
  for (let k = 0; k < last; k++) {
    await settleGpuInterval(db, meter, { index: k, runningSeconds: (k + 1) * L, final: false });
  }
  await settleGpuInterval(db, meter, { index: last, runningSeconds: allocation.runningSeconds, final: true });
}

const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/**
 * What the compute service writes for an allocation (idempotent): created with its meter and
 * first hold in one transaction, running from second 0, released once the clock passes its end.
 */
async function allocationHistory(db: Kysely<Tables>, a: ChaosAllocation): Promise<void> {
  const at = iso(-30);
  const transition = (n: number, from: AllocationState | null, to: AllocationState, second: number) => ({
    id: `${a.allocationId}-t${n}`,
    allocation_id: a.allocationId,
    from_state: from,
    to_state: to,
    reason: 'chaos',
    actor: 'chaos',
    at: iso(second),
  });
  await db.transaction().execute(async (trx) => {
    const exists = await trx
      .selectFrom('allocations')
      .select('id')
      .where('id', '=', a.allocationId)
      .executeTakeFirst();
    if (exists !== undefined) return;
    await trx
      .insertInto('organizations')
      .values({
        id: 'chaos-org',
        name: 'chaos',
        created_by: null,
        created_at: at,
        updated_at: at,
        version: 1,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('projects')
      .values({
        id: a.projectId,
        organization_id: 'chaos-org',
        name: a.projectId,
        description: null,
        created_at: at,
        updated_at: at,
        version: 1,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('allocations')
      .values({
        id: a.allocationId,
        project_id: a.projectId,
        name: null,
        created_by: null,
        state: 'running',
        state_reason: 'chaos',
        pending_reason: null,
        pending_message: null,
        priority: 0,
        gpu_count: a.gpuCount,
        models: '[]',
        min_memory_mib: null,
        topology: 'node',
        node_id: null,
        gpus: '[]',
        ttl_seconds: null,
        expires_at: null,
        idle_timeout_seconds: null,
        last_activity_at: null,
        provisioning_deadline: null,
        endpoint: null,
        runtime_secret: null,
        torn_down: 0,
        released_at: null,
        created_at: at,
        updated_at: at,
        version: 1,
      })
      .execute();
    await trx
      .insertInto('allocation_transitions')
      .values([transition(0, null, 'queued', -30), transition(1, 'queued', 'running', 0)])
      .execute();
    await openGpuMeter(trx, {
      allocationId: a.allocationId,
      projectId: a.projectId,
      currency: plan.currency,
      gpuCount: a.gpuCount,
      intervalSeconds: a.intervalSeconds,
      holdPriceMicros: BigInt(a.priceMicrosPerGpuHour),
      at,
    });
    // What recordMeterStart writes when the allocation becomes running (here without a catalog).
    await trx
      .updateTable('billing_gpu_meters')
      .set({ price_micros: BigInt(a.priceMicrosPerGpuHour), running_since: runningSince })
      .where('allocation_id', '=', a.allocationId)
      .execute();
  });
  if (clock < a.runningSeconds) return;
  await db.transaction().execute(async (trx) => {
    const released = await trx
      .updateTable('allocations')
      .set({ state: 'released', released_at: iso(a.runningSeconds) })
      .where('id', '=', a.allocationId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    if (released.numUpdatedRows === 0n) return;
    await trx
      .insertInto('allocation_transitions')
      .values(transition(2, 'running', 'released', a.runningSeconds))
      .execute();
  });
}

/** The platform's GPU-time rater: one pass at this run's clock, as a restarted `serve` runs it. */
async function platformRater(db: Kysely<Tables>): Promise<void> {
  for (const a of plan.platformAllocations) await allocationHistory(db, a);
  const logger = createLogger({ level: 'silent', destination: undefined });
  const rater = new GpuTimeRater({
    db,
    bus: new EventBus(db, logger, () => 'chaos'),
    logger,
    config: { graceSeconds: 3600, raterIntervalMs: 3_600_000, lateWindowDays: 35 },
    release: () => Promise.resolve(undefined),
  });
  await rater.runOnce(T0 + clock * 1000);
}

const database = await createDatabase({ dataDir, url, poolSize: 4 });
process.stdout.write('ready\n');
const db = asBillingDb(database.db);
await funds(db);
// Runtimes and the GPU raters work at the same time, as on the platform.
await Promise.all([
  ...plan.launches.map((l) => shipUsage(db, l)),
  ...plan.allocations.map((a) => rateGpuTime(db, a)),
  platformRater(database.db),
]);
await database.close();
process.stdout.write('done\n');
