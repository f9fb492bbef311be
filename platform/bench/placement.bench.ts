/**
 * `npm run bench:placement` (builds, then runs this file): allocations placed per second end to
 * end — an authenticated `POST /v1/allocations` with an idempotency key, to the allocation
 * `scheduled` and persisted — against 5,000 simulated nodes × 8 GPUs registered through the API
 * (`POST /v1/nodes`, as node agents do), with 1 and with 3 platform instances on one PostgreSQL
 * database (a fresh one per run, dropped afterwards), each run without and with the heartbeats of
 * every node every 10 s alongside. Each instance is its own process (placement-server.ts).
 *
 * The load: `BENCH_CONNECTIONS` (default 64) closed loops, spread over the instances, each creating
 * 1-GPU allocations for `BENCH_SECONDS` (default 10) after a 2 s warm-up; the run stops early at
 * half the cluster's GPUs, so nothing is released. Placed time is the allocation's `scheduled`
 * transition as recorded in the database (`allocation_transitions.at`); latency is from the
 * request's start to it. The in-memory scheduler's placements/s (scheduler.bench.ts's workload) is
 * printed for context.
 *
 * Prints one JSON array of `{ name, unit, value, baseline?, ratio?, target? }` (progress on stderr)
 * and exits 1 when a target is missed: ≥ 1,000 allocations/s with 1 instance, more with 3 than 1,
 * every create answered 201 and placed. BENCH_NODES (default 5000) scales the cluster;
 * BENCH_PROFILE_DIR=DIR writes each instance's CPU profile there; BENCH_ONLY=1|3 runs one size,
 * BENCH_HEARTBEATS=off|on one of the two.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, percentile, postgresReachable } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';
import { simulate } from '../dist/scheduler/simulation.js';
import { Heartbeats, JsonClient, registerNodes } from './placement-nodes.ts';
import type { PlacementServerReady } from './placement-server.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = 2;
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const nodeCount = Number(process.env.BENCH_NODES ?? 5000);
const gpusPerNode = 8;
const heartbeatMs = 10_000;
const log = (line: string) => process.stderr.write(`bench:placement: ${line}\n`);

interface Instance {
  ready: PlacementServerReady;
  child: ChildProcess;
}

async function startInstance(args: string[]): Promise<Instance> {
  const profile = process.env.BENCH_PROFILE_DIR;
  const child = fork(new URL('./placement-server.ts', import.meta.url), args, {
    ...(profile === undefined ? {} : { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profile}`] }),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`an instance exited with ${String(code)} before it was ready`);
    }),
  ])) as [PlacementServerReady];
  return { ready: message, child };
}

async function cpuOf({ child }: Instance): Promise<number> {
  child.send('cpu');
  const [message] = (await once(child, 'message')) as [{ cpu: number }];
  return message.cpu;
}

async function stopInstance({ child }: Instance): Promise<void> {
  const exited = once(child, 'exit');
  child.send('stop');
  await exited;
}

interface RunResult {
  rate: number;
  p50: number;
  p99: number;
  placed: number;
  bad: number;
  cpuPerAllocation: number;
  heartbeatsPerSecond: number;
  lateHeartbeats: number;
}

/** One configuration on a fresh database: instances up, nodes registered, the load, the figures. */
async function run(instanceCount: number, withHeartbeats: boolean): Promise<RunResult> {
  const label = `${instanceCount} instance${instanceCount > 1 ? 's' : ''}${withHeartbeats ? ', heartbeats' : ''}`;
  const database = await createTestDatabase();
  const sql = new pg.Client({ connectionString: database.url });
  const instances: Instance[] = [];
  const client = new JsonClient(connections + 64);
  let heartbeats: Heartbeats | undefined;
  try {
    const common = [
      database.url,
      'http://127.0.0.1:8080',
      randomBytes(32).toString('base64url'),
      withHeartbeats ? '15' : '86400',
    ];
    // The first instance migrates, seeds and takes the leases (the scheduler's among them).
    instances.push(await startInstance([...common, 'seed']));
    for (let i = 1; i < instanceCount; i++) instances.push(await startInstance(common));
    const seed = instances[0]!.ready.seed!;
    const urls = instances.map((i) => i.ready.url);
    await sql.connect();

    const start = performance.now();
    if (withHeartbeats) heartbeats = new Heartbeats(client, urls, seed.agentToken, heartbeatMs);
    await registerNodes(client, urls, seed.agentToken, nodeCount, gpusPerNode, (id) => heartbeats?.add(id));
    log(`${label}: ${nodeCount} nodes registered in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    const limit = (nodeCount * gpusPerNode) / 2;
    const sent: { id: string; at: number; measured: boolean }[] = [];
    let bad = 0;
    let measuring = false;
    let stopAt = Infinity;
    const loop = async (worker: number) => {
      const base = urls[worker % urls.length]!;
      const projectId = seed.projectIds[worker % seed.projectIds.length]!;
      const body = { project_id: projectId, gpus: { count: 1, models: ['h100-80gb'] } };
      while (performance.now() < stopAt && sent.length < limit) {
        const at = Date.now();
        const measured = measuring;
        const answer = await client.post(base, '/v1/allocations', seed.tenantToken, body, true).catch(() => ({
          status: 0,
          body: undefined,
        }));
        if (answer.status !== 201) {
          if (bad++ < 3) log(`create answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          continue;
        }
        sent.push({ id: (answer.body as { id: string }).id, at, measured });
      }
    };
    const cpuBefore = { at: 0, cpu: 0, beats: 0 };
    const loops = Promise.all(Array.from({ length: connections }, (_, w) => loop(w)));
    stopAt = performance.now() + (warmupSeconds + seconds) * 1000;
    await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
    measuring = true;
    const windowStart = Date.now();
    cpuBefore.at = windowStart;
    cpuBefore.beats = heartbeats?.sent ?? 0;
    cpuBefore.cpu = (await Promise.all(instances.map(cpuOf))).reduce((a, b) => a + b, 0);
    await loops;
    // Placement may lag the creates: wait for the queue to drain before reading the figures.
    for (let waited = 0; waited < 60_000; waited += 100) {
      const { rows } = await sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM allocations WHERE state = 'queued'`,
      );
      if (rows[0]?.n === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cpu = (await Promise.all(instances.map(cpuOf))).reduce((a, b) => a + b, 0) - cpuBefore.cpu;
    const beats = (heartbeats?.sent ?? 0) - cpuBefore.beats;
    const beatSeconds = (Date.now() - cpuBefore.at) / 1000;

    const measured = sent.filter((s) => s.measured);
    log(`${label}: ${sent.length} created, ${measured.length} in the measured window`);
    const { rows } = await sql.query<{ allocation_id: string; at: string }>(
      `SELECT allocation_id, at FROM allocation_transitions WHERE to_state = 'scheduled'`,
    );
    const placedAt = new Map(rows.map((r) => [r.allocation_id, Date.parse(r.at)]));
    const latencies: number[] = [];
    let last = windowStart;
    for (const s of measured) {
      const at = placedAt.get(s.id);
      if (at === undefined) {
        bad += 1;
        continue;
      }
      latencies.push(at - s.at);
      last = Math.max(last, at);
    }
    await checkVisible(client, urls, seed.tenantToken, measured.slice(-20));
    const rate = latencies.length === 0 ? 0 : latencies.length / ((last - windowStart) / 1000);
    const result: RunResult = {
      rate,
      p50: latencies.length === 0 ? 0 : percentile(latencies, 50),
      p99: latencies.length === 0 ? 0 : percentile(latencies, 99),
      placed: latencies.length,
      bad,
      cpuPerAllocation: Math.round(cpu / Math.max(1, latencies.length)),
      heartbeatsPerSecond: Math.round(beats / beatSeconds),
      lateHeartbeats: heartbeats?.late ?? 0,
    };
    log(
      `${label}: ${result.placed} placed, ${rate.toFixed(0)} allocations/s, p50 ${result.p50} ms, ` +
        `p99 ${result.p99} ms, ${bad} failed or unplaced, ${result.cpuPerAllocation} µs server CPU each` +
        (withHeartbeats
          ? `, ${result.heartbeatsPerSecond} heartbeats/s (${result.lateHeartbeats} late)`
          : ''),
    );
    return result;
  } finally {
    heartbeats?.stop();
    await Promise.all(instances.map(stopInstance));
    client.close();
    await sql.end().catch(() => undefined);
    await database.drop();
  }
}

/** The API shows the allocations placed (GET through every instance), not only the database. */
async function checkVisible(client: JsonClient, urls: string[], token: string, sample: { id: string }[]) {
  for (const [i, { id }] of sample.entries()) {
    const res = await fetch(new URL(`/v1/allocations/${id}`, urls[i % urls.length]), {
      headers: { authorization: `Bearer ${token}` },
    });
    const view = (await res.json()) as { state?: string; node_id?: string | null };
    if (res.status !== 200 || view.state !== 'scheduled' || typeof view.node_id !== 'string') {
      throw new Error(`GET /v1/allocations/${id} shows ${res.status} ${JSON.stringify(view)}, not placed`);
    }
  }
  void client;
}

if (!(await postgresReachable())) {
  throw new Error(
    'bench:placement needs PostgreSQL at 127.0.0.1:5432 (several instances share one database)',
  );
}

// Context: the scheduler alone, in memory, on the same cluster size (scheduler.bench.ts's workload).
const memory = simulate(
  { seed: 42, nodes: nodeCount, requests: 20_000, arrivalsPerCycle: 100, load: 0.88, warmupDurations: 1 },
  'best-fit',
);
const inMemory = Math.round((1000 * memory.placements) / memory.schedulerMs);
log(`in-memory scheduler: ${inMemory} placements/s`);

const sizes = process.env.BENCH_ONLY === undefined ? [1, 3] : [Number(process.env.BENCH_ONLY)];
const results = new Map<string, RunResult>();
const beatModes =
  process.env.BENCH_HEARTBEATS === undefined ? [false, true] : [process.env.BENCH_HEARTBEATS === 'on'];
for (const withHeartbeats of beatModes) {
  for (const n of sizes) results.set(`${n}:${withHeartbeats}`, await run(n, withHeartbeats));
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const scale = `${nodeCount.toLocaleString('en')} nodes × ${gpusPerNode} GPUs`;
const rows: BenchRow[] = [
  {
    name: `in-memory scheduler, best fit, ${scale} (scheduler.bench.ts workload; context)`,
    unit: 'placements/s',
    value: inMemory,
  },
];
for (const withHeartbeats of beatModes) {
  const suffix = withHeartbeats ? `, heartbeats of ${nodeCount.toLocaleString('en')} nodes every 10 s` : '';
  const one = results.get(`1:${withHeartbeats}`);
  for (const n of sizes) {
    const r = results.get(`${n}:${withHeartbeats}`)!;
    const name = `POST /v1/allocations → scheduled, ${n} instance${n > 1 ? 's' : ''} on PostgreSQL, ${scale}${suffix}`;
    rows.push({
      name: `${name}: allocations/s (baseline: in-memory scheduler)`,
      unit: 'allocations/s',
      value: Math.round(r.rate),
      baseline: inMemory,
      ratio: round(r.rate / inMemory, 4),
      ...(n === 1 ? { target: 1000 } : {}),
    });
    if (n > 1 && one !== undefined) {
      rows.push({
        name: `${name}: allocations/s vs 1 instance (target: more)`,
        unit: 'allocations/s',
        value: Math.round(r.rate),
        baseline: Math.round(one.rate),
        ratio: round(r.rate / one.rate),
        target: 1,
      });
    }
    rows.push({ name: `${name}: p50 request → scheduled`, unit: 'ms', value: r.p50 });
    rows.push({ name: `${name}: p99 request → scheduled`, unit: 'ms', value: r.p99 });
    rows.push({
      name: `${name}: server CPU per allocation (all instances)`,
      unit: 'µs',
      value: r.cpuPerAllocation,
    });
    rows.push({
      name: `${name}: creates not answered 201 or not placed`,
      unit: 'count',
      value: r.bad,
      target: 0,
    });
    if (withHeartbeats) {
      rows.push({ name: `${name}: heartbeats answered`, unit: 'heartbeats/s', value: r.heartbeatsPerSecond });
    }
  }
}

process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
const missed = rows.filter((r) => {
  if (r.target === undefined) return false;
  if (r.ratio !== undefined && r.baseline !== undefined && r.unit === 'allocations/s' && r.target === 1)
    return r.ratio <= r.target;
  if (r.unit === 'allocations/s') return r.value < r.target;
  return r.value > r.target;
});
for (const r of missed) log(`MISSED ${r.name}: ${r.value} ${r.unit} (target ${r.target})`);
if (missed.length > 0) process.exitCode = 1;
