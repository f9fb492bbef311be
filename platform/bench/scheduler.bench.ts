/**
 * `npm run bench:scheduler` (builds, then runs `node platform/bench/scheduler.bench.ts`): the
 * scheduler on 5,000 nodes × 8 GPUs and 50,000 mixed requests (1, 2, 4, 8 GPUs; several models,
 * NVLink requests, priorities, 16 projects with quotas, some borrowing) with churn, best fit against
 * first fit on the same seeded workload in the same run. See simulation.ts for the workload and
 * docs/scheduler.md for the definitions.
 *
 *   node platform/bench/scheduler.bench.ts [--nodes 5000] [--requests 50000] [--seed 42] [--rounds 3]
 *     [--warmup 5]   (mean run times of unmeasured churn before the measured requests)
 *     [--fills 15]   (initial fills per policy on fresh clusters, timed in CPU time, for the fill row)
 *
 * Prints a JSON array of { name, unit, value, baseline?, ratio?, target? } on stdout (progress on
 * stderr) and exits 1 when a target is missed. Targets: ≥ 5,000 placements/s, stranded GPUs ≤ 5 %
 * of the cluster, ≥ 30 % fewer stranded GPUs than first fit, an initial fill in ≤ 1.2× first fit's
 * time.
 */
import { parseArgs } from 'node:util';
import type { BenchRow } from '@gpuaas/test-support';
import { ClusterState } from '../dist/scheduler/cluster-state.js';
import { scheduleCycle } from '../dist/scheduler/scheduler.js';
import { simulate, simulatedCluster, workload } from '../dist/scheduler/simulation.js';
import type { SimulationResult, WorkloadSpec } from '../dist/scheduler/simulation.js';
import type { PlacementPolicy } from '../dist/scheduler/types.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    requests: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '42' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    fills: { type: 'string', default: '15' },
  },
});
const spec: WorkloadSpec = {
  seed: Number(values.seed),
  nodes: Number(values.nodes),
  requests: Number(values.requests),
  arrivalsPerCycle: 100,
  load: 0.88,
  warmupDurations: Number(values.warmup),
};
const rounds = Number(values.rounds);
const log = (line: string) => process.stderr.write(`bench:scheduler: ${line}\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

const runs: Record<PlacementPolicy, SimulationResult[]> = { 'best-fit': [], 'first-fit': [] };
for (let r = 0; r < rounds; r++) {
  // Alternating the order spreads the machine's load changes over both policies.
  const order: PlacementPolicy[] = r % 2 === 0 ? ['best-fit', 'first-fit'] : ['first-fit', 'best-fit'];
  for (const policy of order) {
    const result = simulate(spec, policy);
    const first = runs[policy][0];
    if (first !== undefined && first.strandedFraction !== result.strandedFraction) {
      throw new Error(`${policy}: two runs of the same seeded workload placed differently`);
    }
    runs[policy].push(result);
    log(
      `${policy} round ${r + 1}: ${result.placements} placements in ${result.schedulerMs.toFixed(0)} ms, ` +
        `stranded ${(100 * result.strandedFraction).toFixed(2)} %, free ${(100 * result.freeFraction).toFixed(2)} %, ` +
        `mean queue ${result.meanQueued.toFixed(1)}, queued at the end ${JSON.stringify(result.reasons)}`,
    );
  }
}

/**
 * A burst on the steady-state cluster: `size` new requests in one cycle, far more than the free
 * GPUs, so most stay pending (quota, capacity, reservations): the cost of deciding a long queue.
 */
function burst(result: SimulationResult, size: number) {
  const { state, usage, quotas } = result.final;
  const queue = workload({ ...spec, seed: spec.seed + 1, requests: size, warmupDurations: 0 })
    .arrivals.slice(0, size)
    .map((a) => ({ ...a.request, id: `burst-${a.request.id}` }));
  const start = performance.now();
  const decided = scheduleCycle(state, { queue, quotas, usage });
  const ms = performance.now() - start;
  const reasons: Record<string, number> = {};
  for (const p of decided.pending) reasons[p.reason] = (reasons[p.reason] ?? 0) + 1;
  log(
    `${result.policy} burst of ${queue.length}: ${decided.placements.length} placed in ${ms.toFixed(1)} ms, pending ${JSON.stringify(reasons)}`,
  );
  return { ms, decisions: queue.length };
}
/**
 * The initial-fill row: more fills than the simulations give (one each), timed in main-thread CPU
 * time. A fill is one ~30 ms cycle of pure CPU work on one thread, so its CPU time is what an idle
 * machine's wall clock shows; on the shared development machine the wall clock of such short
 * spans varied 20-fold between repeats (other processes holding both cores), far more than the
 * policies differ. Each fill places the cycle-0 arrivals on a fresh empty cluster, alternating
 * which policy goes first; all code is warm by then (the simulations ran before).
 */
const filling = workload(spec);
const fillQueue = filling.arrivals.filter((a) => a.cycle === 0).map((a) => a.request);
const fills = { 'best-fit': [] as number[], 'first-fit': [] as number[] };
const fillWall = { 'best-fit': [] as number[], 'first-fit': [] as number[] };
const fillSignature: Partial<Record<PlacementPolicy, string>> = {};
for (let r = 0; r < Number(values.fills); r++) {
  for (const policy of r % 2 === 0
    ? (['first-fit', 'best-fit'] as const)
    : (['best-fit', 'first-fit'] as const)) {
    const state = new ClusterState(simulatedCluster(spec.nodes), { policy });
    const wall = performance.now();
    const cpu = process.threadCpuUsage();
    const decided = scheduleCycle(state, { queue: fillQueue, quotas: filling.quotas, usage: {} });
    const used = process.threadCpuUsage(cpu);
    fillWall[policy].push(performance.now() - wall);
    fills[policy].push((used.user + used.system) / 1000);
    const signature = `${decided.placements.length} placed, ${state.strandedGpus(8)} stranded`;
    const expected = runs[policy][0]!.fillPlacements;
    if ((fillSignature[policy] ??= signature) !== signature || decided.placements.length !== expected) {
      throw new Error(`${policy}: two fills of the same queue placed differently`);
    }
  }
}
for (const policy of ['best-fit', 'first-fit'] as const) {
  const list = (xs: number[]) => xs.map((ms) => ms.toFixed(1)).join(', ');
  log(
    `${policy} fills: CPU ${list(fills[policy])} ms; wall ${list(fillWall[policy])} ms (${fillSignature[policy]})`,
  );
}

const burstSize = 10_000;
const bursts = { 'best-fit': [] as number[], 'first-fit': [] as number[] };
for (const policy of ['best-fit', 'first-fit'] as const) {
  for (const result of runs[policy]) bursts[policy].push(burst(result, burstSize).ms);
}

const summary = (policy: PlacementPolicy) => {
  const results = runs[policy];
  const first = results[0]!;
  return {
    placementsPerSecond: median(results.map((r) => (1000 * r.placements) / r.schedulerMs)),
    p99: median(results.map((r) => percentile(r.cycleMs, 0.99))),
    fillMs: median(fills[policy]),
    burstMs: median(bursts[policy]),
    fillPlacements: first.fillPlacements,
    stranded: first.strandedFraction,
    free: first.freeFraction,
    meanQueued: first.meanQueued,
  };
};
const best = summary('best-fit');
const first = summary('first-fit');

// Building from a snapshot happens every cycle on the platform: it must stay O(GPUs).
const snapshot = simulatedCluster(spec.nodes);
const buildMs = median(
  Array.from({ length: 9 }, () => {
    const start = performance.now();
    const state = new ClusterState(snapshot);
    const elapsed = performance.now() - start;
    if (state.freeGpus !== spec.nodes * 8) throw new Error('the snapshot was read wrong');
    return elapsed;
  }),
);

const gpus = spec.nodes * 8;
const scale = `${spec.nodes.toLocaleString('en')} nodes × 8 GPUs, ${spec.requests.toLocaleString('en')} requests under churn at steady state`;
const reduction = 1 - best.stranded / first.stranded;
const rows: BenchRow[] = [
  {
    name: `placements per second, best fit (baseline: first fit), ${scale}`,
    unit: 'placements/s',
    value: Math.round(best.placementsPerSecond),
    baseline: Math.round(first.placementsPerSecond),
    ratio: round(best.placementsPerSecond / first.placementsPerSecond, 3),
    target: 5000,
  },
  {
    name: 'decision latency p99: one cycle (releases + every queued request), best fit (baseline: first fit)',
    unit: 'ms',
    value: round(best.p99, 3),
    baseline: round(first.p99, 3),
    ratio: round(best.p99 / first.p99, 3),
  },
  {
    name: `initial fill: one cycle placing ${best.fillPlacements.toLocaleString('en')} requests on the empty cluster (main-thread CPU time, median of ${values.fills}), best fit (baseline: first fit)`,
    unit: 'ms',
    value: round(best.fillMs, 1),
    baseline: round(first.fillMs, 1),
    ratio: round(best.fillMs / first.fillMs, 3),
    target: 1.2,
  },
  {
    name: `burst: one cycle deciding ${burstSize.toLocaleString('en')} new requests on the steady-state cluster (most stay pending), best fit (baseline: first fit)`,
    unit: 'ms',
    value: round(best.burstMs, 1),
    baseline: round(first.burstMs, 1),
    ratio: round(best.burstMs / first.burstMs, 3),
  },
  {
    name: `ClusterState from a ${gpus.toLocaleString('en')}-GPU snapshot`,
    unit: 'ms',
    value: round(buildMs, 1),
  },
  {
    name: 'stranded GPUs (free on nodes that cannot host 8) / cluster GPUs, steady state, best fit',
    unit: 'fraction',
    value: round(best.stranded, 4),
    target: 0.05,
  },
  {
    name: 'stranded GPUs / cluster GPUs, steady state, first fit',
    unit: 'fraction',
    value: round(first.stranded, 4),
  },
  {
    name: 'stranded GPUs: reduction of best fit vs first fit (1 − best / first)',
    unit: 'fraction',
    value: round(reduction, 3),
    target: 0.3,
  },
  {
    name: 'free GPUs / cluster GPUs, steady state, best fit (baseline: first fit)',
    unit: 'fraction',
    value: round(best.free, 4),
    baseline: round(first.free, 4),
    ratio: round(best.free / first.free, 3),
  },
  {
    name: 'requests left queued after a cycle, steady-state mean, best fit (baseline: first fit)',
    unit: 'requests',
    value: round(best.meanQueued, 2),
    baseline: round(first.meanQueued, 2),
  },
];

/** Rows whose target is a floor; every other target is a ceiling. */
const floors = new Set(['placements/s']);
/** Rows whose target bounds the ratio to first fit rather than the value. */
const onRatio = (row: BenchRow) => row.name.startsWith('initial fill');
const missed = rows.filter((row) => {
  if (row.target === undefined) return false;
  if (onRatio(row)) return (row.ratio ?? Infinity) > row.target;
  const floor = floors.has(row.unit) || row.name.startsWith('stranded GPUs: reduction');
  return floor ? row.value < row.target : row.value > row.target;
});
for (const row of missed) {
  const figure = onRatio(row) ? `ratio ${row.ratio}` : `${row.value} ${row.unit}`;
  log(`MISSED ${row.name}: ${figure} (target ${row.target})`);
}
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
if (missed.length > 0) process.exitCode = 1;
