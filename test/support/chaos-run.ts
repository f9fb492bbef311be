/**
 * The chaos run (issue 19, "Chaos and measures"): load through the public API of three instances
 * (creates, releases, usage batches from the allocations' runtimes) while one instance is killed
 * with SIGKILL and restarted every 10 s and the remote node's network is cut once for longer than
 * the unreachable delay. Then it checks, from the database and the API: no GPU given to two live
 * allocations (sampled all along), no allocation lost, duplicated or stuck, every release ended
 * released, every usage event acknowledged stored and rated exactly once, the ledger whole, and
 * every lease of a killed instance held again within 15 s.
 */
import { randomUUID } from 'node:crypto';
import { platformBin, run } from './processes.js';
import { call, newClientStats } from './chaos-client.js';
import type { ClientStats } from './chaos-client.js';
import { PRICES, REMOTE_NODE, startChaosCluster } from './chaos-cluster.js';
import type { ChaosCluster, Instance } from './chaos-cluster.js';
import { checkAllocations, checkUsage } from './chaos-checks.js';
import type { AllocationCheck, UsageCheck } from './chaos-checks.js';
import { leases, sampleClaims, takeovers } from './chaos-watch.js';

export interface ChaosOptions {
  seconds: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Allocations kept alive at once (1–2 GPUs each, 12 GPUs, 8 while the remote node is cut). */
const LIVE = 4;
const WORKERS = 3;
const KILL_EVERY_MS = 10_000;
/** The platform's default `compute.nodeUnreachableSeconds` is 15: the cut lasts longer. */
const CUT_MS = 25_000;
const CUT_MAX_MS = 60_000;
/** Not placed and running this long after its creation: stuck. */
const STUCK_AFTER_MS = 90_000;
const TAKEOVER_LIMIT_MS = 15_000;

interface Tracked {
  id: string;
  createdAt: number;
  launchId: string;
  runtimeToken: string;
  /** A release was sent (reports stop); acknowledged once it answered. */
  releasing: boolean;
  releaseAcked: boolean;
  /** The runtime's token was refused (the allocation ended on its own): reports stop. */
  refused: boolean;
  /** Acknowledged events: id → charge in micros. */
  events: Map<string, bigint>;
  batches: unknown[][];
  next: number;
}

export interface ChaosSummary {
  seconds: number;
  kills: number;
  restarts: number;
  cut: { unreachableSeen: boolean; unreachableAfterMs: number; readyAgain: boolean; cutMs: number };
  requests: ClientStats;
  allocations: AllocationCheck & {
    created: number;
    /** Not placed and running STUCK_AFTER_MS after creation, as sampled. */
    stuck: string[];
    /** The longest a client waited for a create's 201, retries included. */
    maxCreateMs: number;
    /** Creates that took more than one attempt: what each attempt got. */
    retriedCreates: string[];
  };
  gpus: { samples: number; doubleGiven: string[]; staleClaims: string[]; unclaimed: string[] };
  usage: UsageCheck & {
    batches: number;
    resentBatches: number;
    /** Events of re-sent batches stored again (each must be a duplicate). */
    resentAccepted: string[];
    /** Batches refused (401/403) because the allocation had ended meanwhile. */
    refusedReports: string[];
    ledgerOk: boolean;
  };
  leases: { failovers: number; worstTakeoverMs: number; notTakenOver: string[] };
  /** Wall-clock phases (a loaded 2-core machine: context, not a measure). */
  timings: { setupMs: number; drainMs: number; checksMs: number };
  ok: boolean;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const log = options.log ?? (() => undefined);
  const began = Date.now();
  const cluster = await startChaosCluster();
  const setupMs = Date.now() - began;
  log(`cluster up in ${setupMs} ms`);
  try {
    const summary = await drive(cluster, options.seconds, log);
    summary.timings.setupMs = setupMs;
    return summary;
  } finally {
    await cluster.stop();
  }
}

async function drive(
  cluster: ChaosCluster,
  seconds: number,
  log: (line: string) => void,
): Promise<ChaosSummary> {
  const db = cluster.admin.db;
  const urls = cluster.instances.map((i) => i.url);
  const stats = newClientStats();
  const { token, projectId } = cluster.owner;
  const tracked = new Map<string, Tracked>();
  const retriedCreates: string[] = [];
  const problems: string[] = [];
  const gpus = {
    samples: 0,
    doubleGiven: new Set<string>(),
    staleClaims: new Set<string>(),
    unclaimed: new Set<string>(),
  };
  const stuck = new Set<string>();
  let resentBatches = 0;
  /** The longest a create took a client, retries included. */
  let maxCreateMs = 0;
  let batches = 0;
  const resentAccepted: string[] = [];
  const refusedReports: string[] = [];
  const startedAt = Date.now();
  const endAt = startedAt + seconds * 1000;
  let stopping = false;

  // ---- load -------------------------------------------------------------------------------
  const create = async () => {
    const key = randomUUID();
    const began = Date.now();
    const trace: string[] = [];
    const res = await call<{ id: string }>(
      urls,
      '/v1/allocations',
      {
        token,
        trace,
        idempotencyKey: key,
        json: { project_id: projectId, gpus: { count: 1 + Math.floor(Math.random() * 2) } },
      },
      stats,
    );
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (trace.length > 1) retriedCreates.push(`${res.body.id} key ${key}: ${trace.join(' | ')}`);
    maxCreateMs = Math.max(maxCreateMs, Date.now() - began);
    const launch = await cluster.launch(res.body.id);
    tracked.set(res.body.id, {
      id: res.body.id,
      createdAt: Date.now(),
      launchId: launch.launchId,
      runtimeToken: launch.token,
      releasing: false,
      releaseAcked: false,
      refused: false,
      events: new Map(),
      batches: [],
      next: 0,
    });
  };
  const release = async (t: Tracked) => {
    t.releasing = true;
    const res = await call(urls, `/v1/allocations/${t.id}/release`, { token, json: {} }, stats);
    if (res.status >= 300 && res.status !== 409)
      throw new Error(`release ${t.id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    t.releaseAcked = true;
  };
  const report = async (t: Tracked) => {
    // 1 in 8: a batch already acknowledged, again under a new key (a runtime that lost the
    // answer and re-sends from its log): every event must come back a duplicate.
    if (t.batches.length > 0 && Math.random() < 0.125) {
      const again = t.batches[Math.floor(Math.random() * t.batches.length)]!;
      const res = await call<{ accepted: string[] }>(
        urls,
        '/v1/usage-events',
        { token: t.runtimeToken, json: { events: again } },
        stats,
      );
      resentBatches++;
      if (res.status === 200 && res.body.accepted.length > 0) resentAccepted.push(...res.body.accepted);
      return;
    }
    const events = Array.from({ length: 5 }, () => {
      const images = Math.random() < 0.5;
      const quantity = images ? 1 + Math.floor(Math.random() * 3) : 1 + Math.floor(Math.random() * 5000);
      return {
        specversion: '1.0',
        id: `ev-${t.next++}`,
        source: `gpuaas-runtime/${t.id}`,
        type: 'dev.gpuaas.usage.v1',
        subject: t.id,
        time: new Date().toISOString(),
        data: { meter: images ? 'images' : 'tokens', quantity, allocation_id: t.id, origin: 'app' },
      };
    });
    const res = await call<{ accepted: string[]; duplicates: string[] }>(
      urls,
      '/v1/usage-events',
      { token: t.runtimeToken, json: { events } },
      stats,
    );
    batches++;
    if (res.status === 401 || res.status === 403) {
      const state = (
        await db.selectFrom('allocations').select('state').where('id', '=', t.id).executeTakeFirst()
      )?.state;
      refusedReports.push(`${t.id} (${state ?? 'missing'}): ${res.status}`);
      t.refused = true;
      return;
    }
    if (res.status !== 200)
      throw new Error(`usage batch of ${t.id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    for (const e of events)
      t.events.set(
        e.id,
        BigInt(e.data.quantity) * (e.data.meter === 'images' ? PRICES.images : PRICES.tokens),
      );
    t.batches.push(events);
  };
  const worker = async () => {
    while (Date.now() < endAt) {
      const live = [...tracked.values()].filter((t) => !t.releasing);
      if (live.length < LIVE) await create();
      else {
        const oldest = live.sort((a, b) => a.createdAt - b.createdAt)[0]!;
        if (Date.now() - oldest.createdAt > 8_000) await release(oldest);
      }
      const open = [...tracked.values()].filter((t) => !t.releasing && !t.refused);
      const target = open[Math.floor(Math.random() * open.length)];
      if (target !== undefined) await report(target);
      await sleep(150);
    }
  };

  // ---- kills ------------------------------------------------------------------------------
  let kills = 0;
  let restarts = 0;
  const failoverTimes: number[] = [];
  const notTakenOver: string[] = [];
  const watches: Promise<void>[] = [];
  const restarting: Promise<void>[] = [];
  const killer = async () => {
    // Kills on a fixed beat from the start, whatever a restart takes: the instance killed last may
    // still be starting when the next kill comes, and is then not among those that can be picked.
    for (let k = 1; startedAt + k * KILL_EVERY_MS < endAt; k++) {
      await sleep(startedAt + k * KILL_EVERY_MS - Date.now());
      const up = cluster.instances.filter((i) => i.process !== undefined);
      if (up.length < 2) continue;
      // Every other kill takes the scheduler's holder (the leases move); the rest pick at random.
      const rows = await leases(db);
      const schedulerOwner = rows.find((r) => r.name === 'scheduler')?.owner ?? '';
      const holder = up.find((i) => schedulerOwner.includes(`:${i.pid}:`));
      const victim: Instance =
        (k % 2 === 1 ? holder : undefined) ?? up[Math.floor(Math.random() * up.length)]!;
      const pid = victim.pid!;
      const held = rows.filter((r) => r.owner.includes(`:${pid}:`)).map((r) => r.name);
      const killedAt = Date.now();
      await cluster.kill(victim);
      kills++;
      log(
        `kill ${victim.name} (pid ${pid}) holding [${held.join(', ')}] at +${Math.round((killedAt - startedAt) / 1000)} s`,
      );
      watches.push(
        takeovers(db, pid, held, killedAt, 30_000).then((times) => {
          for (const [name, ms] of times) {
            if (ms === undefined) notTakenOver.push(`${name} after the kill of pid ${pid}`);
            else failoverTimes.push(ms);
          }
        }),
      );
      restarting.push(
        cluster.start(victim).then(
          () => void restarts++,
          (error: Error) => void problems.push(`restart of ${victim.name}: ${error.message}`),
        ),
      );
    }
  };

  // ---- the cut ----------------------------------------------------------------------------
  const cut = { unreachableSeen: false, unreachableAfterMs: 0, readyAgain: false, cutMs: 0 };
  const nodeStatus = async () =>
    (await db.selectFrom('nodes').select('status').where('name', '=', REMOTE_NODE).executeTakeFirst())
      ?.status;
  const cutter = async () => {
    await sleep(Math.min(20_000, (seconds * 1000) / 5));
    const cutAt = Date.now();
    await cluster.netns.cut();
    log(`cut ${REMOTE_NODE} at +${Math.round((cutAt - startedAt) / 1000)} s`);
    // At least CUT_MS, and on until the node is marked: the reconciler that marks it runs on the
    // `scheduler` holder, which the kills keep moving (each move costs up to a takeover).
    while (Date.now() - cutAt < CUT_MS || (!cut.unreachableSeen && Date.now() - cutAt < CUT_MAX_MS)) {
      if (!cut.unreachableSeen && (await nodeStatus()) === 'unreachable') {
        cut.unreachableSeen = true;
        cut.unreachableAfterMs = Date.now() - cutAt;
      }
      await sleep(250);
    }
    await cluster.netns.restore();
    cut.cutMs = Date.now() - cutAt;
    log(`restored ${REMOTE_NODE} after ${cut.cutMs} ms`);
    for (let i = 0; i < 120 && !cut.readyAgain; i++) {
      if ((await nodeStatus()) === 'ready') cut.readyAgain = true;
      else await sleep(500);
    }
  };

  // ---- sampling ---------------------------------------------------------------------------
  const sampler = async () => {
    while (!stopping) {
      try {
        const s = await sampleClaims(db, STUCK_AFTER_MS);
        gpus.samples++;
        for (const d of s.doubleGiven) gpus.doubleGiven.add(d);
        for (const d of s.staleClaims) gpus.staleClaims.add(d);
        for (const d of s.unclaimed) gpus.unclaimed.add(d);
        for (const a of s.slow) stuck.add(`${a.id} ${a.state} ${Math.round(a.ageMs / 1000)} s`);
      } catch (error) {
        problems.push(`sampling failed: ${(error as Error).message}`);
      }
      await sleep(500);
    }
  };

  const sampling = sampler();
  const drain = { start: Date.now() };
  const progress = setInterval(() => {
    const up = cluster.instances.filter((i) => i.process !== undefined).length;
    log(
      `+${Math.round((Date.now() - startedAt) / 1000)} s: ${tracked.size} created, ${stats.requests} requests, ${stats.retries} retries, ${up}/3 up`,
    );
  }, 30_000);
  try {
    const results = await Promise.allSettled([
      ...Array.from({ length: WORKERS }, worker),
      killer(),
      cutter(),
    ]);
    for (const r of results)
      if (r.status === 'rejected') problems.push(`load: ${(r.reason as Error).message}`);
    await Promise.all([...watches, ...restarting]);

    // ---- drain: everything still alive is released, through instances that are all up ------
    for (const i of cluster.instances) if (i.process === undefined) await cluster.start(i);
    log('drain: releasing what is left');
    drain.start = Date.now();
    for (const t of tracked.values())
      if (!t.releaseAcked) await release(t).catch((e: Error) => problems.push(e.message));
    const drainEnd = Date.now() + 120_000;
    let left: { id: string; state: string }[] = [];
    do {
      left = await db
        .selectFrom('allocations')
        .select(['id', 'state'])
        .where('project_id', '=', projectId)
        .where('state', 'not in', ['released', 'failed', 'preempted'])
        .execute();
      if (left.length > 0) await sleep(1000);
    } while (left.length > 0 && Date.now() < drainEnd);
  } finally {
    stopping = true;
    clearInterval(progress);
    await sampling;
  }

  // ---- checks -----------------------------------------------------------------------------
  const drainMs = Date.now() - drain.start;
  const checksStart = Date.now();
  const a = await checkAllocations(db, projectId, new Set(tracked.keys()));
  const u = await checkUsage(db, tracked.values());
  const check = await run(
    platformBin,
    [
      'billing',
      'check',
      '--json',
      '--database-url',
      cluster.store.databaseUrl!,
      '--data-dir',
      cluster.instances[0]!.dataDir,
    ],
    { ...process.env, CI: '' },
  );
  const ledgerOk = check.code === 0;
  if (!ledgerOk)
    problems.push(`billing check: ${check.stdout.slice(0, 2000)} ${check.stderr.slice(0, 1000)}`);

  const worst = Math.max(0, ...failoverTimes);
  const summary: ChaosSummary = {
    seconds,
    kills,
    restarts,
    cut,
    requests: stats,
    allocations: {
      created: tracked.size,
      ...a,
      stuck: [...stuck],
      maxCreateMs,
      retriedCreates,
    },
    gpus: {
      samples: gpus.samples,
      doubleGiven: [...gpus.doubleGiven],
      staleClaims: [...gpus.staleClaims],
      unclaimed: [...gpus.unclaimed],
    },
    usage: { batches, resentBatches, ...u, resentAccepted, refusedReports, ledgerOk },
    leases: { failovers: failoverTimes.length, worstTakeoverMs: worst, notTakenOver },
    timings: { setupMs: 0, drainMs, checksMs: Date.now() - checksStart },
    ok: false,
    problems,
  };
  if (a.missing.length + a.unknown.length + a.notReleased.length + stuck.size > 0)
    problems.push('allocations lost, duplicated, stuck or not released');
  if (summary.gpus.doubleGiven.length + summary.gpus.staleClaims.length + summary.gpus.unclaimed.length > 0)
    problems.push('GPU claims inconsistent');
  if (
    u.lost.length + u.unrated.length + u.ratedWrongly.length + resentAccepted.length > 0 ||
    u.chargeExpectedMicros !== u.chargeRatedMicros
  )
    problems.push('usage lost or rated wrongly');
  if (worst > TAKEOVER_LIMIT_MS || notTakenOver.length > 0)
    problems.push(`lease takeover over ${TAKEOVER_LIMIT_MS} ms`);
  if (!cut.unreachableSeen || !cut.readyAgain)
    problems.push('the cut node was not marked unreachable, or not ready again');
  if (kills === 0) problems.push('no instance was killed');
  summary.ok = problems.length === 0;
  return summary;
}
