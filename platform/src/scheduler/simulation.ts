/**
 * A seeded cluster-and-workload simulation for `npm run bench:scheduler` (and its smoke test):
 * requests arrive (Poisson), run for an exponential time and leave, keeping the cluster about 88 %
 * loaded; every cycle releases what finished and schedules the queue on one persistent
 * `ClusterState`, as a platform instance would between snapshots.
 *
 * Phases: one cycle fills the empty cluster to the load; churn then runs unmeasured for
 * `warmupDurations` mean run times, so that the measured phase (the next `requests` arrivals)
 * starts from a steady state, not from the tidy packing of the fill.
 */
import { ClusterState } from './cluster-state.js';
import { scheduleCycle } from './scheduler.js';
import type { ClusterNode, PlacementPolicy, ProjectQuota, QueuedRequest } from './types.js';

export interface WorkloadSpec {
  seed: number;
  nodes: number;
  /** Requests arriving in the measured phase. */
  requests: number;
  /** Mean run times of unmeasured churn between the fill and the measured phase. */
  warmupDurations: number;
  /** Mean arrivals per cycle once the cluster is filled. */
  arrivalsPerCycle: number;
  /** Mean busy fraction of the cluster's GPUs that arrivals and departures balance at. */
  load: number;
}

export const H100 = { model: 'NVIDIA H100 80GB HBM3', memoryMib: 81920 };
export const A100 = { model: 'NVIDIA A100-SXM4-40GB', memoryMib: 40960 };
const PROJECTS = 16;

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 70 % HGX H100 nodes (one 8-GPU NVLink domain), 30 % A100 nodes (two 4-GPU domains); all free. */
export function simulatedCluster(nodes: number): ClusterNode[] {
  return Array.from({ length: nodes }, (_, n) => {
    const sku = n % 10 < 7 ? H100 : A100;
    return {
      id: `node-${String(n).padStart(5, '0')}`,
      schedulable: true,
      gpus: Array.from({ length: 8 }, (_, index) => ({
        id: `node-${n}-gpu-${index}`,
        index,
        ...sku,
        nvlinkDomain: sku === H100 ? 0 : index >> 2,
        free: true,
      })),
    };
  });
}

export interface Arrival {
  request: QueuedRequest;
  /** Cycle it arrives in (0 = the initial fill). */
  cycle: number;
  /** Cycles it runs once placed. */
  duration: number;
}

function pick<T>(random: () => number, choices: readonly (readonly [number, T])[]): T {
  let r = random();
  for (const [weight, value] of choices) {
    if (r < weight) return value;
    r -= weight;
  }
  return choices[choices.length - 1]![1];
}

/** The same requests, arrival cycles and run times for every policy. */
export interface Workload {
  arrivals: Arrival[];
  quotas: ProjectQuota[];
  /** First cycle of the measured phase. */
  measuredFrom: number;
}

export function workload(spec: WorkloadSpec): Workload {
  const random = prng(spec.seed);
  const capacity = spec.nodes * 8;
  // Zipf-like demand: a few projects want far more than their nominal share and borrow.
  const weights = Array.from({ length: PROJECTS }, (_, p) => 1 / (p + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const projects = weights.map((w, p) => [w / total, `project-${p}`] as const);
  const nominal = Math.floor(capacity / PROJECTS);
  const quotas = projects.map(([, projectId]) => ({ projectId, nominalGpus: nominal, maxGpus: 4 * nominal }));
  const sizes = [
    [0.45, 1],
    [0.25, 2],
    [0.18, 4],
    [0.12, 8],
  ] as const;
  const meanSize = sizes.reduce((a, [w, s]) => a + w * s, 0);
  const meanDuration = (spec.load * capacity) / (spec.arrivalsPerCycle * meanSize);
  const arrivals: Arrival[] = [];
  let filled = 0;
  let cycle = 0;
  let nextCycleAt = 0;
  let measured = 0;
  if (!(spec.warmupDurations >= 0 && spec.requests >= 0)) throw new RangeError('bad workload spec');
  const measuredFrom = 1 + Math.ceil(spec.warmupDurations * meanDuration);
  for (let i = 0; measured < spec.requests; i++) {
    if (filled >= spec.load * capacity) {
      // Exponential gaps between arrivals: a Poisson process of `arrivalsPerCycle` per cycle.
      nextCycleAt += -Math.log(1 - random()) / spec.arrivalsPerCycle;
      cycle = 1 + Math.floor(nextCycleAt);
    }
    if (cycle >= measuredFrom) measured++;
    const count = pick(random, sizes);
    const models = pick(random, [
      [0.5, [H100.model]],
      [0.15, [A100.model]],
      [0.05, [A100.model, H100.model]],
      [0.3, []],
    ] as const);
    const topology = count === 8 ? 'node' : random() < 0.3 ? 'nvlink' : 'node';
    const request: QueuedRequest = {
      id: `req-${String(i).padStart(7, '0')}`,
      projectId: pick(random, projects),
      count,
      models,
      minMemoryMib: models.length === 0 && random() < 0.2 ? 65536 : 0,
      topology,
      priority: pick(random, [
        [0.85, 0],
        [0.12, 1],
        [0.03, 2],
      ] as const),
      seq: String(i).padStart(8, '0'),
    };
    const duration = Math.max(1, Math.round(-Math.log(1 - random()) * meanDuration));
    if (cycle === 0) filled += count;
    arrivals.push({ request, cycle, duration });
  }
  return { arrivals, quotas, measuredFrom };
}

export interface SimulationResult {
  policy: PlacementPolicy;
  /** Placements in the measured phase. */
  placements: number;
  /** Milliseconds inside the scheduler in the measured phase: releases and cycles. */
  schedulerMs: number;
  /** Milliseconds of the fill's one cycle, and its placements. */
  fillMs: number;
  fillPlacements: number;
  /** Milliseconds of each measured cycle (releases + schedule). */
  cycleMs: number[];
  /** Mean over the measured cycles of stranded / schedulable GPUs, after each cycle. */
  strandedFraction: number;
  /** Mean over the same cycles of free / schedulable GPUs. */
  freeFraction: number;
  /** Mean over the same cycles of requests left queued after the cycle. */
  meanQueued: number;
  /** Requests still queued at the end, by reason. */
  reasons: Record<string, number>;
  /** The cluster, usage and quotas as the measured phase left them. */
  final: { state: ClusterState; usage: Record<string, number>; quotas: ProjectQuota[] };
}

export function simulate(spec: WorkloadSpec, policy: PlacementPolicy): SimulationResult {
  const { arrivals, quotas, measuredFrom } = workload(spec);
  const state = new ClusterState(simulatedCluster(spec.nodes), { policy });
  const lastCycle = arrivals[arrivals.length - 1]!.cycle;
  const byId = new Map(arrivals.map((a) => [a.request.id, a]));
  const ending = new Map<number, { gpuIds: string[]; projectId: string }[]>();
  const usage: Record<string, number> = {};
  let queue: QueuedRequest[] = [];
  let next = 0;
  const result: SimulationResult = {
    policy,
    placements: 0,
    schedulerMs: 0,
    fillMs: 0,
    fillPlacements: 0,
    cycleMs: [],
    strandedFraction: 0,
    freeFraction: 0,
    meanQueued: 0,
    reasons: {},
    final: { state, usage, quotas },
  };
  for (let cycle = 0; cycle <= lastCycle; cycle++) {
    while (next < arrivals.length && arrivals[next]!.cycle === cycle) queue.push(arrivals[next++]!.request);
    const start = performance.now();
    for (const done of ending.get(cycle) ?? []) {
      state.release(done.gpuIds);
      usage[done.projectId]! -= done.gpuIds.length;
    }
    ending.delete(cycle);
    const decided = scheduleCycle(state, { queue, quotas, usage });
    const elapsed = performance.now() - start;
    if (cycle === 0) {
      result.fillMs = elapsed;
      result.fillPlacements = decided.placements.length;
    }
    for (const placement of decided.placements) {
      const { request, duration } = byId.get(placement.requestId)!;
      let list = ending.get(cycle + duration);
      if (list === undefined) ending.set(cycle + duration, (list = []));
      list.push({ gpuIds: placement.gpuIds, projectId: request.projectId });
      usage[request.projectId] = (usage[request.projectId] ?? 0) + request.count;
    }
    const pending = new Set(decided.pending.map((p) => p.requestId));
    queue = queue.filter((request) => pending.has(request.id));
    if (cycle < measuredFrom) continue;
    result.placements += decided.placements.length;
    result.schedulerMs += elapsed;
    result.cycleMs.push(elapsed);
    result.strandedFraction += state.strandedGpus(8);
    result.freeFraction += state.freeGpus;
    result.meanQueued += queue.length;
    result.reasons = {};
    for (const p of decided.pending) result.reasons[p.reason] = (result.reasons[p.reason] ?? 0) + 1;
  }
  const cycles = result.cycleMs.length;
  result.strandedFraction /= state.totalGpus * cycles;
  result.freeFraction /= state.totalGpus * cycles;
  result.meanQueued /= cycles;
  return result;
}
