/**
 * Chaos: the process that rates app usage and GPU time is killed with SIGKILL at random points,
 * over and over, on a SQLite file and on PostgreSQL; then it is rerun to completion, and the
 * ledger is recomputed from the raw input alone. Wanted: 0 events lost (every distinct input event
 * rated exactly once), 0 charged twice (every account equals the charges computed from the input
 * to the micro), checkLedger ok, no hold left open, and the same balances as an uninterrupted run
 * over the same input.
 *
 * Each epoch is a fresh input (its own projects, launches and allocations; the publishers and the
 * platform's accounts are shared): a few runs killed at a random delay after they opened the
 * database, then one run left to finish. Reruns resend every event in other batches and another
 * order, as a restarted runtime's log would, so dedupe, carried remainders and batch transfers meet
 * every kind of partial state. GPU time is rated two ways at once: through the library's
 * startGpuMeter and settleGpuInterval, interval by interval, and by the platform's GPU-time rater
 * (GpuTimeRater.runOnce, billing/rater-loop.ts) over allocation history written as the compute
 * service writes it, the platform's clock advancing with each killed run and the allocations
 * released on the way, so its kills land between intervals, before and after a release.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestDialect, TestStore } from '@gpuaas/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, asBillingDb, checkLedger, getBalance } from '../platform/src/billing/index.js';
import type { BillingDb } from '../platform/src/billing/index.js';
import { cumulativeGpuCharge, parseQuantity } from '../platform/src/billing/rating.js';
import { createDatabase } from '../platform/src/db/database.js';
import type { ChaosAllocation, ChaosPlan } from './support/billing-chaos-worker.js';
import { repoRoot } from './support/processes.js';

const dialects = await testDialects('billing chaos');
const worker = join(repoRoot, 'test/support/billing-chaos-worker.ts');
/** Runs killed per epoch, and epochs per dialect: 56 kills on SQLite, 49 on PostgreSQL. */
const KILLS_PER_EPOCH = 7;
const EPOCHS: Record<TestDialect, number> = { sqlite: 8, postgres: 7 };
/** The platform's clock moves this many seconds per killed run; DONE is past every release. */
const CLOCK_STEP = 75;
const DONE = 100_000;
const METERS = {
  tokens: { micros: 300_000n, perUnits: 1_000n },
  images: { micros: 50_000n, perUnits: 1n },
};

/** `[priceMicrosPerGpuHour, gpuCount, intervalSeconds, runningSeconds]` of one allocation. */
type AllocationSpec = [string, number, number, number];

/** The epoch's allocations `e<epoch>-<prefix><n>`, the n-th in project n (mod 2), as `specs` says. */
function allocationsOf(
  epoch: number,
  prefix: string,
  projects: string[],
  specs: AllocationSpec[],
): ChaosAllocation[] {
  return specs.map(([priceMicrosPerGpuHour, gpuCount, intervalSeconds, runningSeconds], i) => ({
    allocationId: `e${epoch}-${prefix}${i + 1}`,
    projectId: projects[i % projects.length] ?? '',
    priceMicrosPerGpuHour,
    gpuCount,
    intervalSeconds,
    runningSeconds,
  }));
}

/** Deterministic input for one epoch: 3 launches × ~90 events (some sent twice), 2 allocations. */
function planOf(epoch: number): ChaosPlan {
  let seed = epoch * 104_729 + 17;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const projects = [`e${epoch}-pa`, `e${epoch}-pb`];
  const launches = [0, 1, 2].map((l) => {
    const events: ChaosPlan['launches'][number]['events'] = [];
    for (let i = 0; i < 80; i++) {
      const meter = rand() < 0.3 ? 'images' : 'tokens';
      const quantity = meter === 'images' ? String(1 + Math.floor(rand() * 3)) : (rand() * 5000).toFixed(3);
      // Across a month boundary: the batch charges split by statement month.
      const occurredAt = new Date(Date.UTC(2026, 10, 30, 23, 55) + i * 7_000).toISOString();
      const event = { eventId: `ev-${i}`, meter, quantity, occurredAt };
      events.push(event);
      if (rand() < 0.1) events.push({ ...event });
    }
    return {
      launchId: `e${epoch}-launch-${l}`,
      projectId: projects[l % 2] ?? '',
      publisherId: `pub-${l % 2}`,
      feeBasisPoints: [1_500, 2_000, 0][l] ?? 0,
      meters: Object.fromEntries(
        Object.entries(METERS).map(([m, p]) => [
          m,
          { micros: p.micros.toString(), perUnits: p.perUnits.toString() },
        ]),
      ),
      events,
    };
  });
  return {
    currency: 'USD',
    topUps: [
      { projectId: projects[0] ?? '', micros: '500000000' },
      { projectId: projects[1] ?? '', micros: '200000000' },
    ],
    promotions: [{ id: `e${epoch}-promo`, projectId: projects[1] ?? '', micros: '3000000' }],
    launches,
    allocations: allocationsOf(epoch, 'a', projects, [
      ['2500000', 2, 60, 605],
      ['1250000', 1, 30, 367],
    ]),
    // Rated by the platform's rater as the clock advances run by run (CLOCK_STEP each).
    platformAllocations: allocationsOf(epoch, 'pa', projects, [
      ['2490000', 4, 60, 425],
      ['990000', 1, 30, 251],
    ]),
  };
}

interface Run {
  code: number | null;
  killed: boolean;
  stderr: string;
  /** From `ready` to exit, ms. */
  workMs: number;
}

/**
 * Runs the worker with the platform's clock `clock` seconds after the allocations started; kills
 * it `killAfterMs` after it opened the database (never, when undefined).
 */
async function runWorker(
  plan: string,
  store: TestStore,
  run: number,
  clock: number,
  killAfterMs?: number,
): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHAOS_PLAN: plan,
    CHAOS_DATA_DIR: store.dataDir,
    CHAOS_RUN: String(run),
    CHAOS_CLOCK: String(clock),
  };
  if (store.databaseUrl === undefined) delete env.CHAOS_DATABASE_URL;
  else env.CHAOS_DATABASE_URL = store.databaseUrl;
  const child = spawn(process.execPath, [worker], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let readyAt = 0;
  let timer: NodeJS.Timeout | undefined;
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    if (readyAt !== 0 || !c.toString().includes('ready')) return;
    readyAt = performance.now();
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return {
    code,
    killed: signal === 'SIGKILL',
    stderr,
    workMs: readyAt === 0 ? 0 : performance.now() - readyAt,
  };
}

type Sums = [bigint, bigint, bigint, bigint];

/** Every account's cached balance (checkLedger proves it equals the transfers). */
async function balances(db: BillingDb): Promise<Map<string, Sums>> {
  const rows = await db.selectFrom('billing_accounts').select('id').orderBy('id').execute();
  const out = new Map<string, Sums>();
  for (const { id } of rows) {
    const b = await getBalance(db, id);
    out.set(id, [b.debitsPosted, b.creditsPosted, b.debitsPending, b.creditsPending]);
  }
  return out;
}

/** What the accounts must hold, computed from the input alone. */
function expected(plans: ChaosPlan[]) {
  const credit = new Map<string, bigint>();
  const add = (account: string, amount: bigint) => credit.set(account, (credit.get(account) ?? 0n) + amount);
  const chargesByLaunch = new Map<string, { events: Set<string>; charge: bigint }>();
  for (const plan of plans) {
    for (const t of plan.topUps) {
      add(`funds:${t.projectId}`, BigInt(t.micros));
      add(ACCOUNTS.platformFunding('USD').id, -BigInt(t.micros));
    }
    for (const p of plan.promotions) {
      add(`funds:${p.projectId}`, BigInt(p.micros));
      add(ACCOUNTS.platformPromotions('USD').id, -BigInt(p.micros));
    }
    for (const launch of plan.launches) {
      const distinct = new Map(launch.events.map((e) => [e.eventId, e]));
      let total = 0n;
      for (const [meter, price] of Object.entries(METERS)) {
        const exact = [...distinct.values()]
          .filter((e) => e.meter === meter)
          .reduce((sum, e) => sum + parseQuantity(e.quantity) * price.micros, 0n);
        const charge = exact / (1_000_000_000n * price.perUnits);
        const fee = (charge * BigInt(launch.feeBasisPoints)) / 10_000n;
        total += charge;
        add(`funds:${launch.projectId}`, -charge);
        add(ACCOUNTS.publisherPayable(launch.publisherId, 'USD').id, charge - fee);
        add(ACCOUNTS.platformFees('USD').id, fee);
      }
      chargesByLaunch.set(launch.launchId, { events: new Set(distinct.keys()), charge: total });
    }
    for (const a of [...plan.allocations, ...plan.platformAllocations]) {
      const charge = cumulativeGpuCharge(BigInt(a.priceMicrosPerGpuHour), a.gpuCount, a.runningSeconds);
      add(`funds:${a.projectId}`, -charge);
      add(ACCOUNTS.platformRevenue('USD').id, charge);
    }
  }
  return { credit, chargesByLaunch };
}

async function verify(store: TestStore, plans: ChaosPlan[]): Promise<Map<string, Sums>> {
  const database = await createDatabase({ dataDir: store.dataDir, url: store.databaseUrl });
  const db = asBillingDb(database.db);
  try {
    const report = await checkLedger(db);
    expect(report).toMatchObject({ ok: true, differences: [], imbalances: [], problems: [] });
    const { credit, chargesByLaunch } = expected(plans);
    for (const [launchId, want] of chargesByLaunch) {
      const rows = await db
        .selectFrom('billing_rated_events')
        .select(['event_id', 'charge_micros'])
        .where('launch_id', '=', launchId)
        .execute();
      // 0 lost, none rated twice: exactly the distinct input events, once each.
      expect(rows.map((r) => r.event_id).sort(), launchId).toEqual([...want.events].sort());
      expect(
        rows.reduce((sum, r) => sum + BigInt(r.charge_micros), 0n),
        launchId,
      ).toBe(want.charge);
    }
    // The platform's rater closed every meter it rated to the release, holds released.
    const open = await database.db
      .selectFrom('billing_gpu_meters')
      .select('allocation_id')
      .where('closed_at', 'is', null)
      .execute();
    expect(open).toEqual([]);
    const got = await balances(db);
    const funds = new Map<string, bigint>();
    for (const [id, [debits, credits, debitsPending, creditsPending]] of got) {
      expect([id, debitsPending, creditsPending]).toEqual([id, 0n, 0n]); // every hold resolved
      const project = /^project:([^:]+):(prepaid|promo):/.exec(id)?.[1];
      if (project !== undefined)
        funds.set(`funds:${project}`, (funds.get(`funds:${project}`) ?? 0n) + credits - debits);
      else expect([id, credits - debits]).toEqual([id, credit.get(id) ?? 0n]);
    }
    for (const [key, amount] of credit)
      if (key.startsWith('funds:')) expect([key, funds.get(key)]).toEqual([key, amount]);
    return got;
  } finally {
    await database.close();
  }
}

describe.each(dialects)('billing chaos on %s', (dialect) => {
  const stores: TestStore[] = [];
  afterAll(() => Promise.all(stores.map((s) => s.drop())));

  it(`survives ${KILLS_PER_EPOCH * EPOCHS[dialect]} SIGKILLs during rating: 0 lost, 0 charged twice, the ledger whole`, async () => {
    const [chaos, reference] = await Promise.all([createTestStore(dialect), createTestStore(dialect)]);
    stores.push(chaos, reference);
    const plans = Array.from({ length: EPOCHS[dialect] }, (_, e) => planOf(e));
    const files = await Promise.all(
      plans.map(async (plan, e) => {
        const file = join(chaos.dataDir, `plan-${e}.json`);
        await writeFile(file, JSON.stringify(plan));
        return file;
      }),
    );
    const all = join(reference.dataDir, 'plan-all.json');
    await writeFile(
      all,
      JSON.stringify({
        ...plans[0],
        topUps: plans.flatMap((p) => p.topUps),
        promotions: plans.flatMap((p) => p.promotions),
        launches: plans.flatMap((p) => p.launches),
        allocations: plans.flatMap((p) => p.allocations),
        platformAllocations: plans.flatMap((p) => p.platformAllocations),
      }),
    );

    // The uninterrupted run: the balances every interrupted history must end with.
    const clean = await runWorker(all, reference, 0, DONE);
    expect(clean, clean.stderr).toMatchObject({ code: 0, killed: false });
    // Kill points are drawn below the time a run needs; a run that finishes first narrows the
    // window to its own duration, so later kills land inside the work that is left.
    let window = Math.max(40, clean.workMs / plans.length);
    let kills = 0;
    let run = 0;
    for (const file of files) {
      let killed = 0;
      for (let attempt = 0; killed < KILLS_PER_EPOCH && attempt < 3 * KILLS_PER_EPOCH; attempt++) {
        const result = await runWorker(
          file,
          chaos,
          ++run,
          CLOCK_STEP * (attempt + 1),
          Math.random() * window,
        );
        if (result.killed) killed++;
        else {
          expect(result, result.stderr).toMatchObject({ code: 0 });
          window = Math.max(5, 0.9 * result.workMs);
        }
      }
      kills += killed;
      const finish = await runWorker(file, chaos, ++run, DONE);
      expect(finish, finish.stderr).toMatchObject({ code: 0, killed: false });
    }
    expect(kills).toBe(KILLS_PER_EPOCH * plans.length);

    const afterChaos = await verify(chaos, plans);
    const uninterrupted = await verify(reference, plans);
    expect(afterChaos).toEqual(uninterrupted);
  }, 240_000);
});
