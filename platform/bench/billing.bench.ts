/**
 * `npm run bench:billing` (builds, then runs `node platform/bench/billing.bench.ts`): app usage
 * rated into the ledger as the platform receives it, on SQLite and on PostgreSQL (a fresh
 * database, dropped afterwards), against bare inserts of the same rows in the same run.
 *
 * Load: 8 concurrent writers (8 runtimes, each its own launch, project and publisher; one shared
 * platform fee account, as in production), each sending batches of 100 events over two meters,
 * every tenth batch a resend of the one before (10 % duplicates, as a runtime's shipper resends a
 * batch whose answer it lost). Both sides use the platform's own database
 * setup (createDatabase: every migration, WAL + synchronous=NORMAL on SQLite, a pool on
 * PostgreSQL) and one Kysely in this process, as the API server does:
 * - rated: one `rateUsageEvents` call per batch: one transaction that deduplicates every event
 *   by (launch, event id), rates it (a metered price with a remainder carried, a 15 % platform
 *   fee) and posts publisher share and fee as ledger transfers;
 * - bare: one transaction per batch that inserts the same 100 rows (launch, event id, meter,
 *   quantity, time) with INSERT … ON CONFLICT DO NOTHING into a table keyed by (launch, event id):
 *   storing deduplicated events, nothing rated.
 * Rounds alternate the two sides; each rate is the median round, the cost the median of each
 * round's bare ÷ rated (its two sides ran back to back). After the rated rounds the
 * bench checks the work: every distinct event rated once, retries charged nothing, checkLedger ok.
 *
 * Prints a JSON array of { name, unit, value, baseline?, ratio?, target? } on stdout (progress on
 * stderr) and exits 1 when a target is missed. Targets: ≥ 20,000 rated events/s on each database,
 * rating cost (bare events/s ÷ rated events/s) ≤ 3. BENCH_BATCHES (default 60) sets the batches
 * per writer per round, BENCH_ROUNDS (default 5) the rounds, BENCH_ONLY=sqlite|postgres one
 * database. Without PostgreSQL its half is skipped with a notice, unless CI=true.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, isCi, postgresReachable } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import {
  ACCOUNTS,
  asBillingDb,
  checkLedger,
  getBalance,
  rateUsageEvents,
  topUp,
} from '../dist/billing/index.js';
import type { BillingDb, LaunchPricing, UsageEventInput } from '../dist/billing/index.js';
import { createDatabase } from '../dist/db/database.js';

const WRITERS = 8;
const BATCH = 100;
const batchesPerWriter = Number(process.env.BENCH_BATCHES ?? 60);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const only = process.env.BENCH_ONLY;
const TARGET_EVENTS_PER_SECOND = 20_000;
const TARGET_COST = 3;
const TOP_UP = 1_000_000_000_000n;
const log = (line: string) => process.stderr.write(`bench:billing: ${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Side = 'rated' | 'bare';

function pricing(round: number, writer: number): LaunchPricing {
  return {
    launchId: `launch-r${round}-w${writer}`,
    projectId: `project-w${writer}`,
    publisherId: `publisher-w${writer}`,
    currency: 'USD',
    feeBasisPoints: 1_500,
    meters: {
      // 0.30 per 1,000 tokens: most events leave a sub-micro remainder that must carry.
      tokens: { micros: 300_000n, perUnits: 1_000n },
      requests: { micros: 2_000n },
    },
  };
}

/**
 * Writer `w`'s batch `b` of round `r`: 100 events over two meters. Every tenth batch is a resend
 * of the batch before it, as the runtime's shipper resends a batch whose answer it lost (the same
 * records re-read from its log): 10 % of all events are duplicates. Both sides get the same.
 */
function batch(round: number, writer: number, b: number): UsageEventInput[] {
  const n = b % 10 === 9 ? b - 1 : b;
  return Array.from({ length: BATCH }, (_, k) => ({
    eventId: `r${round}-w${writer}-b${n}-e${k}`,
    meter: k % 4 === 0 ? 'requests' : 'tokens',
    quantity: k % 4 === 0 ? '1' : `${(n * 131 + k * 17) % 4000}.${k % 7}`,
    occurredAt: new Date(Date.UTC(2026, 11, 7, 10, 0, 0, n * BATCH + k)).toISOString(),
  }));
}
const resends = Math.floor((batchesPerWriter + 1) / 10);

interface BareTables {
  bench_usage_events: {
    launch_id: string;
    event_id: string;
    meter: string;
    quantity: string;
    occurred_at: string;
  };
}

async function bareInsert(db: Kysely<BareTables>, launchId: string, events: UsageEventInput[]) {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('bench_usage_events')
      .values(
        events.map((e) => ({
          launch_id: launchId,
          event_id: e.eventId,
          meter: e.meter,
          quantity: e.quantity,
          occurred_at: e.occurredAt ?? '',
        })),
      )
      .onConflict((oc) => oc.columns(['launch_id', 'event_id']).doNothing())
      .execute();
  });
}

/** One round of one side: 8 writers, each sending its batches one after another. Events/s. */
async function runRound(billing: BillingDb, bare: Kysely<BareTables>, side: Side, round: number) {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const launch = pricing(round, w);
      for (let b = 0; b < batchesPerWriter; b++) {
        const events = batch(round, w, b);
        if (side === 'rated') await rateUsageEvents(billing, launch, events);
        else await bareInsert(bare, launch.launchId, events);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return (WRITERS * batchesPerWriter * BATCH) / seconds;
}

/** The rated rounds did their job: each distinct event once, retries free, the ledger whole. */
async function verify(billing: BillingDb, ratedRounds: number[]): Promise<void> {
  const distinct = WRITERS * ratedRounds.length * (batchesPerWriter - resends) * BATCH;
  const rated = await billing
    .selectFrom('billing_rated_events')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(rated.n) !== distinct) throw new Error(`rated ${rated.n} events, expected ${distinct}`);
  const report = await checkLedger(billing);
  if (!report.ok)
    throw new Error(
      `checkLedger failed: ${JSON.stringify(report, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  // Resent batches charged nothing: each project paid exactly its distinct events' charges.
  for (let w = 0; w < WRITERS; w++) {
    const charged = await billing
      .selectFrom('billing_rated_events')
      .select(sql<string>`cast(coalesce(sum(charge_micros), 0) as text)`.as('total'))
      .where(
        'launch_id',
        'in',
        ratedRounds.map((r) => pricing(r, w).launchId),
      )
      .executeTakeFirstOrThrow();
    const { balance } = await getBalance(billing, ACCOUNTS.projectPrepaid(`project-w${w}`, 'USD').id);
    if (TOP_UP - balance !== BigInt(charged.total)) {
      throw new Error(`project-w${w} paid ${TOP_UP - balance} micros for events rated at ${charged.total}`);
    }
  }
  log(`verified: ${distinct} distinct events rated once, each project charged exactly for them, ledger ok`);
}

async function benchDialect(label: 'SQLite' | 'PostgreSQL', url: string | undefined, dataDir: string) {
  const database = await createDatabase({ dataDir, url, poolSize: 2 * WRITERS });
  const billing = asBillingDb(database.db);
  const bare = database.db as unknown as Kysely<BareTables>;
  try {
    await bare.schema
      .createTable('bench_usage_events')
      .addColumn('launch_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('meter', 'text', (c) => c.notNull())
      .addColumn('quantity', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bench_usage_events_pk', ['launch_id', 'event_id'])
      .execute();
    for (let w = 0; w < WRITERS; w++) {
      await topUp(billing, {
        id: `bench-topup-${w}`,
        projectId: `project-w${w}`,
        currency: 'USD',
        amount: TOP_UP,
        reason: 'bench',
      });
    }
    // One unmeasured round of each side warms statement caches, the JIT and the pool.
    await runRound(billing, bare, 'rated', 0);
    await runRound(billing, bare, 'bare', 0);
    const runs: Record<Side, number[]> = { rated: [], bare: [] };
    for (let r = 1; r <= rounds; r++) {
      const order: Side[] = r % 2 === 1 ? ['rated', 'bare'] : ['bare', 'rated'];
      for (const side of order) {
        const rate = await runRound(billing, bare, side, r);
        runs[side].push(rate);
        log(`${label} round ${r} ${side}: ${Math.round(rate)} events/s`);
      }
    }
    await verify(billing, [0, ...runs.rated.map((_, i) => i + 1)]);
    const rated = median(runs.rated);
    const bareRate = median(runs.bare);
    // The cost pairs the two sides of each round (run back to back), so a load change on the
    // shared machine between rounds moves both sides of a pair alike.
    const cost = median(runs.rated.map((r, i) => (runs.bare[i] ?? Number.NaN) / r));
    const load = `batches of ${BATCH} from ${WRITERS} concurrent writers`;
    return [
      {
        name: `usage events deduplicated, rated and posted per second, ${label}, ${load} (baseline: bare deduplicating inserts of the same rows)`,
        unit: 'events/s',
        value: Math.round(rated),
        baseline: Math.round(bareRate),
        ratio: Number((rated / bareRate).toFixed(3)),
        target: TARGET_EVENTS_PER_SECOND,
      },
      {
        name: `rating cost on ${label}: bare inserts/s ÷ rated events/s (median over rounds)`,
        unit: 'x',
        value: Number(cost.toFixed(2)),
        target: TARGET_COST,
      },
    ] satisfies BenchRow[];
  } finally {
    await database.close();
  }
}

const rows: BenchRow[] = [];
const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-bench-billing-'));
try {
  if (only === undefined || only === 'sqlite')
    rows.push(...(await benchDialect('SQLite', undefined, dataDir)));
  if (only === undefined || only === 'postgres') {
    if (await postgresReachable()) {
      const database = await createTestDatabase();
      try {
        rows.push(...(await benchDialect('PostgreSQL', database.url, join(dataDir, 'pg'))));
      } finally {
        await database.drop();
      }
    } else if (isCi()) {
      throw new Error('CI=true and PostgreSQL is not reachable at 127.0.0.1:5432');
    } else {
      log('!!! SKIPPING PostgreSQL: not reachable at 127.0.0.1:5432');
    }
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

// events/s targets are floors; the cost target is a ceiling.
const missed = rows.filter(
  (row) =>
    row.target !== undefined && (row.unit === 'events/s' ? row.value < row.target : row.value > row.target),
);
for (const row of missed) log(`MISSED ${row.name}: ${row.value} ${row.unit} (target ${row.target})`);
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
if (missed.length > 0) process.exitCode = 1;
