/**
 * A seeded cluster-and-workload simulation for `npm run bench:scheduler` (and its smoke test):
 * requests arrive (Poisson), run for an exponential time and leave, keeping the cluster about 88 %
 * loaded; every cycle releases what finished and schedules the queue on one persistent
 * `ClusterState`, as a platform instance would between snapshots.
 */
import { ClusterState } from './cluster-state.js';
import { scheduleCycle } from './scheduler.js';
import type { ClusterNode, PlacementPolicy, ProjectQuota, QueuedRequest } from './types.js';

export interface WorkloadSpec {
  seed: number;
  nodes: number;
  /** Requests in all, the initial fill included. */
  requests: number;
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
export function workload(spec: WorkloadSpec): { arrivals: Arrival[]; quotas: ProjectQuota[] } {
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
  for (let i = 0; i < spec.requests; i++) {
    if (filled >= spec.load * capacity) {
      // Exponential gaps between arrivals: a Poisson process of `arrivalsPerCycle` per cycle.
      nextCycleAt += -Math.log(1 - random()) / spec.arrivalsPerCycle;
      cycle = 1 + Math.floor(nextCycleAt);
    }
    const count = pick(random, sizes);
    const models = pick(random, [
      [0.5, [H100.model]],
      [0.15, [A100.model]],
      [0.05, [A100.model, H100.model]],
      [0.3, []],
    ] as const);
    const topology = count === 8 ? 'node' : random() < 0.3 ? 'nvlink' : 'node';
    const request: QueuedRequest = {
      id: `req-${String(i).padStart(6, '0')}`,
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
  return { arrivals, quotas };
}

export interface SimulationResult {
  policy: PlacementPolicy;
  placements: number;
  /** Milliseconds inside the scheduler: releases and cycles, the initial fill included. */
  schedulerMs: number;
  /** Milliseconds of the initial fill's cycle (one burst of every fill request), and its placements. */
  fillMs: number;
  fillPlacements: number;
  /** Milliseconds of each cycle after the fill (release + schedule). */
  cycleMs: number[];
  /** Mean over the steady-state cycles (the second half) of stranded / schedulable GPUs. */
  strandedFraction: number;
  /** Mean over the same cycles of free / schedulable GPUs. */
  freeFraction: number;
  /** Mean busy fraction over the same cycles. */
  load: number;
  /** Mean over the same cycles of requests left queued after the cycle. */
  meanQueued: number;
  /** Requests still queued at the end, and how many of them for each reason. */
  queued: number;
  reasons: Record<string, number>;
}

export function simulate(spec: WorkloadSpec, policy: PlacementPolicy): SimulationResult {
  const { arrivals, quotas } = workload(spec);
  const state = new ClusterState(simulatedCluster(spec.nodes), { policy });
  const lastCycle = arrivals[arrivals.length - 1]!.cycle;
  const duration = new Map(arrivals.map((a) => [a.request.id, a.duration]));
  const count = new Map(arrivals.map((a) => [a.request.id, a.request]));
  const ending = new Map<number, { gpuIds: string[]; projectId: string }[]>();
  const usage: Record<string, number> = {};
  let queue: QueuedRequest[] = [];
  let next = 0;
  let placements = 0;
  let schedulerMs = 0;
  let fillMs = 0;
  let fillPlacements = 0;
  const cycleMs: number[] = [];
  const samples = { stranded: 0, free: 0, queued: 0, n: 0 };
  let reasons: Record<string, number> = {};
  for (let cycle = 0; cycle <= lastCycle; cycle++) {
    while (next < arrivals.length && arrivals[next]!.cycle === cycle) queue.push(arrivals[next++]!.request);
    const start = performance.now();
    for (const done of ending.get(cycle) ?? []) {
      state.release(done.gpuIds);
      usage[done.projectId] = (usage[done.projectId] ?? 0) - done.gpuIds.length;
    }
    ending.delete(cycle);
    const result = scheduleCycle(state, { queue, quotas, usage });
    const elapsed = performance.now() - start;
    schedulerMs += elapsed;
    if (cycle === 0) {
      fillMs = elapsed;
      fillPlacements = result.placements.length;
    } else {
      cycleMs.push(elapsed);
    }
    for (const placement of result.placements) {
      const request = count.get(placement.requestId)!;
      const end = cycle + duration.get(placement.requestId)!;
      let list = ending.get(end);
      if (list === undefined) ending.set(end, (list = []));
      list.push({ gpuIds: placement.gpuIds, projectId: request.projectId });
      usage[request.projectId] = (usage[request.projectId] ?? 0) + request.count;
    }
    placements += result.placements.length;
    const pending = new Set(result.pending.map((p) => p.requestId));
    queue = queue.filter((request) => pending.has(request.id));
    reasons = {};
    for (const p of result.pending) reasons[p.reason] = (reasons[p.reason] ?? 0) + 1;
    if (cycle > lastCycle / 2) {
      samples.stranded += state.strandedGpus(8);
      samples.free += state.freeGpus;
      samples.queued += queue.length;
      samples.n++;
    }
  }
  const total = state.totalGpus * samples.n;
  return {
    policy,
    placements,
    schedulerMs,
    fillMs,
    fillPlacements,
    cycleMs,
    strandedFraction: samples.stranded / total,
    freeFraction: samples.free / total,
    load: 1 - samples.free / total,
    meanQueued: samples.queued / samples.n,
    queued: queue.length,
    reasons,
  };
}
