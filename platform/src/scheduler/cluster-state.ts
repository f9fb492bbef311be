/**
 * The cluster as the scheduler sees it: every free GPU of the schedulable nodes, indexed by SKU
 * (model + memory) and by placement group (a node, or an NVLink domain), so that placing and
 * releasing cost O(largest node) instead of a scan. Built from a snapshot in O(GPUs); then kept up
 * to date with `place` and `release`.
 */
import { BestFitIndex, FirstFitIndex } from './fit-index.js';
import type { FitIndex, Group } from './fit-index.js';
import type { ClusterGpu, ClusterNode, QueuedRequest, Placement, PlacementPolicy } from './types.js';

const FREE = 0;
const USED = 1;
const RESERVED = 2;

export interface Sku {
  model: string;
  memoryMib: number;
}

/** Per SKU and level (0 = node, 1 = NVLink domain): the groups, their index, the largest group. */
interface Level {
  groups: Group[];
  index: FitIndex | undefined;
  maxSize: number;
}

/** What a request can use, resolved once per distinct (models, minMemoryMib). */
interface Resolved {
  /** SKUs by preference: each tier is tried in turn; within a tier the policy chooses. */
  tiers: number[][];
  /** Largest group of any acceptable SKU: [node, domain]. */
  largest: [number, number];
}

export type Feasibility =
  { ok: true } | { ok: false; reason: 'model_unavailable' | 'request_too_large'; largest: number };

export interface Reservation {
  requestId: string;
  nodeId: string;
  /** GPUs held back for the request (its group's free GPUs when reserved). */
  gpuIds: string[];
  /** GPUs in the reserved group, free or not. */
  size: number;
}

interface HeldReservation {
  requestId: string;
  node: number;
  gpus: number[];
  size: number;
}

/** A single GPU is always within one NVLink domain: it is placed as a node request. */
const levelOf = (request: QueuedRequest): 0 | 1 =>
  request.topology === 'nvlink' && request.count > 1 ? 1 : 0;

export class ClusterState {
  readonly policy: PlacementPolicy;
  private readonly skus: Sku[] = [];
  private readonly levels: [Level, Level][] = [];
  private readonly nodeIds: string[] = [];
  /** Node-level groups of each schedulable node, one per SKU. */
  private readonly nodeGroups: Group[][] = [];
  private readonly gpuIds: string[] = [];
  /** Built on the first `release`: a cycle built from a snapshot never needs it. */
  private gpuById: Map<string, number> | undefined;
  private readonly gpuNodeGroup: Group[] = [];
  private readonly gpuDomainGroup: Group[] = [];
  private readonly gpuState: Uint8Array;
  private readonly resolved = new Map<string, Resolved>();
  private readonly reservations: HeldReservation[] = [];
  private freeCount = 0;
  private totalCount = 0;

  /** O(GPUs). GPU ids must be unique across the cluster (they are the database's keys). */
  constructor(nodes: readonly ClusterNode[], options: { policy?: PlacementPolicy } = {}) {
    this.policy = options.policy ?? 'best-fit';
    let total = 0;
    for (const node of nodes) if (node.schedulable) total += node.gpus.length;
    this.gpuState = new Uint8Array(total);
    const skuOf = new Map<string, Map<number, number>>();
    let lastModel: string | undefined;
    let lastMemory = -1;
    let lastSku = -1;
    for (const node of nodes) {
      const n = this.nodeIds.length;
      this.nodeIds.push(node.id);
      const groupsOfNode: Group[] = [];
      this.nodeGroups.push(groupsOfNode);
      if (!node.schedulable) continue;
      const gpus = inIndexOrder(node.gpus) ? node.gpus : [...node.gpus].sort((a, b) => a.index - b.index);
      /** Per SKU on this node (almost always one): its node group and NVLink domains by key. */
      const entries: { nodeGroup: Group; domains: Map<string | number, Group> }[] = [];
      for (const gpu of gpus) {
        let sku = lastSku;
        if (gpu.model !== lastModel || gpu.memoryMib !== lastMemory) {
          sku = this.skuFor(skuOf, gpu.model, gpu.memoryMib);
          lastModel = gpu.model;
          lastMemory = gpu.memoryMib;
          lastSku = sku;
        }
        const [nodeLevel, domainLevel] = this.levels[sku]!;
        let entry = entries.find((e) => e.nodeGroup.sku === sku);
        if (entry === undefined) {
          const nodeGroup = newGroup(nodeLevel.groups.length, n, sku, undefined);
          nodeLevel.groups.push(nodeGroup);
          groupsOfNode.push(nodeGroup);
          entry = { nodeGroup, domains: new Map() };
          entries.push(entry);
        }
        // A GPU without NVLink peers is a domain of its own.
        const key = gpu.nvlinkDomain;
        let domain = key == null ? undefined : entry.domains.get(key);
        if (domain === undefined) {
          domain = newGroup(domainLevel.groups.length, n, sku, entry.nodeGroup);
          domainLevel.groups.push(domain);
          if (key != null) entry.domains.set(key, domain);
          entry.nodeGroup.domains.push(domain);
        }
        const g = this.gpuIds.length;
        this.gpuIds.push(gpu.id);
        this.gpuNodeGroup.push(entry.nodeGroup);
        this.gpuDomainGroup.push(domain);
        (entry.nodeGroup.gpus as number[]).push(g);
        (domain.gpus as number[]).push(g);
        if (gpu.free) {
          entry.nodeGroup.free++;
          domain.free++;
          this.freeCount++;
        } else {
          this.gpuState[g] = USED;
        }
      }
    }
    this.totalCount = total;
    for (const [nodeLevel, domainLevel] of this.levels) {
      for (const level of [nodeLevel, domainLevel]) {
        for (const group of level.groups) level.maxSize = Math.max(level.maxSize, group.gpus.length);
      }
      nodeLevel.index =
        this.policy === 'best-fit'
          ? new BestFitIndex(nodeLevel.groups, nodeLevel.maxSize, 0)
          : new FirstFitIndex(nodeLevel.groups);
      domainLevel.index =
        this.policy === 'best-fit'
          ? new BestFitIndex(domainLevel.groups, domainLevel.maxSize, nodeLevel.maxSize)
          : new FirstFitIndex(domainLevel.groups);
    }
  }

  private skuFor(skuOf: Map<string, Map<number, number>>, model: string, memoryMib: number): number {
    let byMemory = skuOf.get(model);
    if (byMemory === undefined) skuOf.set(model, (byMemory = new Map<number, number>()));
    let sku = byMemory.get(memoryMib);
    if (sku === undefined) {
      sku = this.skus.length;
      byMemory.set(memoryMib, sku);
      this.skus.push({ model, memoryMib });
      this.levels.push([
        { groups: [], index: undefined, maxSize: 0 },
        { groups: [], index: undefined, maxSize: 0 },
      ]);
    }
    return sku;
  }

  /** GPUs on schedulable nodes. */
  get totalGpus(): number {
    return this.totalCount;
  }

  /** Free GPUs on schedulable nodes, reserved ones excluded. */
  get freeGpus(): number {
    return this.freeCount;
  }

  /** Whether the request could ever be placed on this cluster, all its GPUs free. */
  feasibility(request: QueuedRequest): Feasibility {
    checkCount(request);
    const resolved = this.resolve(request);
    const largest = resolved.largest[levelOf(request)];
    if (resolved.tiers.length === 0) return { ok: false, reason: 'model_unavailable', largest: 0 };
    if (largest < request.count) return { ok: false, reason: 'request_too_large', largest };
    return { ok: true };
  }

  /** Places the request on free, unreserved GPUs by this state's policy, all or nothing. */
  place(request: QueuedRequest): Placement | undefined {
    checkCount(request);
    const level = levelOf(request);
    const count = request.count;
    for (const tier of this.resolve(request).tiers) {
      let best: Group | undefined;
      for (const sku of tier) {
        const candidate = this.levels[sku]![level].index!.find(count);
        if (candidate === undefined) continue;
        if (best === undefined || this.better(candidate, best)) best = candidate;
      }
      if (best !== undefined) return this.take(request.id, best, count, level);
    }
    return undefined;
  }

  /** Frees GPUs of finished allocations; ids not in this state (cordoned nodes) are ignored. */
  release(gpuIds: Iterable<string>): number {
    this.gpuById ??= new Map(this.gpuIds.map((id, g) => [id, g]));
    // An allocation's GPUs share a node: runs of one node group are re-filed once, not per GPU.
    const run: number[] = [];
    let runGroup: Group | undefined;
    let released = 0;
    for (const id of gpuIds) {
      const g = this.gpuById.get(id);
      if (g === undefined || this.gpuState[g] !== USED) continue;
      const nodeGroup = this.gpuNodeGroup[g]!;
      if (nodeGroup !== runGroup && runGroup !== undefined) {
        this.setStates(runGroup, run, FREE);
        run.length = 0;
      }
      // An id listed twice is released once.
      if (run.includes(g)) continue;
      runGroup = nodeGroup;
      run.push(g);
      released++;
    }
    if (runGroup !== undefined) this.setStates(runGroup, run, FREE);
    return released;
  }

  /**
   * Holds back, for a request that does not fit now, the free GPUs of the group closest to fitting
   * it (most free GPUs, among groups large enough), so that nothing placed after it can take them.
   */
  reserve(request: QueuedRequest): Reservation | undefined {
    const level = levelOf(request);
    let best: Group | undefined;
    for (const tier of this.resolve(request).tiers) {
      for (const sku of tier) {
        for (const group of this.levels[sku]![level].groups) {
          if (group.gpus.length < request.count) continue;
          if (best === undefined || group.free > best.free) best = group;
        }
      }
    }
    if (best === undefined) return undefined;
    const gpus = best.gpus.filter((g) => this.gpuState[g] === FREE);
    this.setStates(best.parent ?? best, gpus, RESERVED);
    this.reservations.push({ requestId: request.id, node: best.node, gpus, size: best.gpus.length });
    return {
      requestId: request.id,
      nodeId: this.nodeIds[best.node]!,
      gpuIds: gpus.map((g) => this.gpuIds[g]!),
      size: best.gpus.length,
    };
  }

  get reservationCount(): number {
    return this.reservations.length;
  }

  /** The reservation that keeps `request` from fitting, if freeing reserved GPUs would let it fit. */
  blockingReservation(request: QueuedRequest): string | undefined {
    if (this.reservations.length === 0) return undefined;
    const level = levelOf(request);
    const skus = new Set(this.resolve(request).tiers.flat());
    const reserved = (group: Group) =>
      group.gpus.reduce((n, g) => n + (this.gpuState[g] === RESERVED ? 1 : 0), 0);
    for (const reservation of this.reservations) {
      for (const nodeGroup of this.nodeGroups[reservation.node]!) {
        if (!skus.has(nodeGroup.sku)) continue;
        const groups = level === 0 ? [nodeGroup] : nodeGroup.domains;
        if (groups.some((group) => group.free + reserved(group) >= request.count))
          return reservation.requestId;
      }
    }
    return undefined;
  }

  /** Ends every reservation: their GPUs are free again. */
  clearReservations(): void {
    for (const reservation of this.reservations) {
      const held = reservation.gpus.filter((g) => this.gpuState[g] === RESERVED);
      if (held.length > 0) this.setStates(this.gpuNodeGroup[held[0]!]!, held, FREE);
    }
    this.reservations.length = 0;
  }

  /**
   * Free GPUs on nodes that cannot host a `hostSize`-GPU request of one SKU now: capacity lost to
   * fragmentation for requests of that size.
   */
  strandedGpus(hostSize = 8): number {
    let stranded = 0;
    for (const groups of this.nodeGroups) {
      let free = 0;
      let largest = 0;
      for (const group of groups) {
        free += group.free;
        largest = Math.max(largest, group.free);
      }
      if (largest < hostSize) stranded += free;
    }
    return stranded;
  }

  /**
   * Between the groups that two SKUs of one preference tier offer, whether `a` beats `b`. Best
   * fit: a partly used group before a whole one (keeps whole nodes whole), then the tighter group,
   * then node order.
   */
  private better(a: Group, b: Group): boolean {
    if (this.policy === 'first-fit') return a.node < b.node;
    const aPartial = a.free < a.gpus.length;
    if (aPartial !== b.free < b.gpus.length) return aPartial;
    return a.free !== b.free ? a.free < b.free : a.node < b.node;
  }

  private take(requestId: string, group: Group, count: number, level: 0 | 1): Placement {
    const chosen = level === 1 ? this.freeIn(group, count) : this.chooseOnNode(group, count);
    this.setStates(group.parent ?? group, chosen, USED);
    chosen.sort((a, b) => a - b);
    const sku = this.skus[group.sku]!;
    return {
      requestId,
      nodeId: this.nodeIds[group.node]!,
      gpuIds: chosen.map((g) => this.gpuIds[g]!),
      model: sku.model,
    };
  }

  /** GPUs for a node-level request: the tightest NVLink domain that holds it all, else the fewest domains. */
  private chooseOnNode(node: Group, count: number): number[] {
    if (node.domains.length === 1) return this.freeIn(node.domains[0]!, count);
    let tightest: Group | undefined;
    for (const domain of node.domains) {
      if (domain.free >= count && (tightest === undefined || domain.free < tightest.free)) tightest = domain;
    }
    if (tightest !== undefined) return this.freeIn(tightest, count);
    const chosen: number[] = [];
    const byFree = [...node.domains].sort((a, b) => b.free - a.free);
    for (const domain of byFree) {
      chosen.push(...this.freeIn(domain, Math.min(domain.free, count - chosen.length)));
      if (chosen.length === count) break;
    }
    return chosen;
  }

  private freeIn(group: Group, count: number): number[] {
    const chosen: number[] = [];
    for (const g of group.gpus) {
      if (chosen.length === count) break;
      if (this.gpuState[g] === FREE) chosen.push(g);
    }
    return chosen;
  }

  /**
   * Sets the state of GPUs that all belong to `nodeGroup`, then re-files each group they touch in
   * its index once. Re-filing per GPU instead cost an 8-GPU placement 8 moves of its node group and
   * 8 of its domain (plus the sibling domains' refreshes): most of what best fit spent beyond first
   * fit when filling an empty cluster. The indexes end in the same state either way.
   */
  private setStates(nodeGroup: Group, gpus: readonly number[], state: number): void {
    // Every GPU moves the same way (into FREE, or out of it), so the node's change is the sum.
    const delta = this.freeDelta(gpus, state, undefined);
    if (delta !== 0) {
      this.freeCount += delta;
      const [nodeLevel, domainLevel] = this.levels[nodeGroup.sku]!;
      nodeLevel.index!.update(nodeGroup, nodeGroup.free + delta);
      const domains = nodeGroup.domains;
      if (domains.length === 1) {
        domainLevel.index!.update(domains[0]!, domains[0]!.free + delta);
      } else {
        for (const domain of domains) {
          const own = this.freeDelta(gpus, state, domain);
          // A domain is filed by its node's free count too (best fit), which has changed.
          if (own !== 0) domainLevel.index!.update(domain, domain.free + own);
          else domainLevel.index!.refresh(domain);
        }
      }
    }
    for (const g of gpus) this.gpuState[g] = state;
  }

  /** Change in free GPUs if `gpus` (those of `domain` only, when given) moved to `state`. */
  private freeDelta(gpus: readonly number[], state: number, domain: Group | undefined): number {
    const toFree = state === FREE ? 1 : 0;
    let delta = 0;
    for (const g of gpus) {
      if (domain !== undefined && this.gpuDomainGroup[g] !== domain) continue;
      delta += toFree - (this.gpuState[g] === FREE ? 1 : 0);
    }
    return delta;
  }

  private resolve(request: QueuedRequest): Resolved {
    const key = `${request.minMemoryMib}\0${request.models.join('\0')}`;
    let resolved = this.resolved.get(key);
    if (resolved !== undefined) return resolved;
    const fits = (sku: number, model?: string) =>
      this.skus[sku]!.memoryMib >= request.minMemoryMib &&
      (model === undefined || this.skus[sku]!.model === model);
    // Within a model, the smallest memory that suffices leaves larger GPUs for requests needing them.
    const byMemory = (a: number, b: number) =>
      this.skus[a]!.memoryMib - this.skus[b]!.memoryMib ||
      (this.skus[a]!.model < this.skus[b]!.model ? -1 : this.skus[a]!.model > this.skus[b]!.model ? 1 : 0);
    const all = this.skus.map((_, sku) => sku);
    const tiers =
      request.models.length === 0
        ? [all.filter((sku) => fits(sku)).sort(byMemory)]
        : [...new Set(request.models)].map((model) => all.filter((sku) => fits(sku, model)).sort(byMemory));
    const nonEmpty = tiers.filter((tier) => tier.length > 0);
    const largest: [number, number] = [0, 0];
    for (const sku of nonEmpty.flat()) {
      const [nodeLevel, domainLevel] = this.levels[sku]!;
      largest[0] = Math.max(largest[0], nodeLevel.maxSize);
      largest[1] = Math.max(largest[1], domainLevel.maxSize);
    }
    resolved = { tiers: nonEmpty, largest };
    this.resolved.set(key, resolved);
    return resolved;
  }
}

function newGroup(ord: number, node: number, sku: number, nodeGroup: Group | undefined): Group {
  return { ord, node, sku, gpus: [], free: 0, domains: [], parent: nodeGroup };
}

function inIndexOrder(gpus: readonly ClusterGpu[]): boolean {
  for (let i = 1; i < gpus.length; i++) if (gpus[i]!.index < gpus[i - 1]!.index) return false;
  return true;
}

function checkCount(request: QueuedRequest): void {
  if (!Number.isInteger(request.count) || request.count < 1) {
    throw new RangeError(`request ${request.id}: count must be a positive integer, got ${request.count}`);
  }
}
