/**
 * Invariants of one scheduling cycle on random small clusters and queues: both policies, mixed
 * models, memory sizes, NVLink domains, cordoned nodes, quotas, usage and reservations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schedule } from './scheduler.js';
import { PENDING_REASONS } from './types.js';
import type { ClusterGpu, ClusterNode, QueuedRequest, ScheduleInput } from './types.js';
import type { InProcessSchedulerOptions } from './scheduler.js';

const MODELS = ['A', 'B', 'C'];
const MEMORY = [16384, 40960, 81920];

const gpuArb = fc.record({
  model: fc.constantFrom(...MODELS),
  memoryMib: fc.constantFrom(...MEMORY),
  nvlinkDomain: fc.constantFrom(null, 0, 1, 'x'),
  free: fc.boolean(),
});

const nodeArb = fc.record({
  schedulable: fc.nat({ max: 4 }).map((n) => n > 0),
  // Mostly one SKU per node, as in practice; sometimes a mix.
  uniform: fc.nat({ max: 3 }).map((n) => n > 0),
  gpus: fc.array(gpuArb, { minLength: 1, maxLength: 8 }),
});

const requestArb = fc.record({
  projectId: fc.constantFrom('p1', 'p2', 'p3'),
  count: fc.integer({ min: 1, max: 9 }),
  models: fc
    .subarray([...MODELS, 'D'])
    .chain((models) => fc.shuffledSubarray(models, { minLength: models.length })),
  minMemoryMib: fc.constantFrom(0, 20000, 50000, 90000),
  topology: fc.constantFrom('node' as const, 'nvlink' as const),
  priority: fc.integer({ min: 0, max: 2 }),
  seq: fc.nat({ max: 20 }).map((n) => String(n).padStart(3, '0')),
});

const quotaArb = fc.record({ nominalGpus: fc.nat({ max: 10 }), extra: fc.nat({ max: 10 }) });

const inputArb = fc
  .record({
    nodes: fc.array(nodeArb, { minLength: 1, maxLength: 6 }),
    queue: fc.array(requestArb, { maxLength: 16 }),
    quotas: fc.dictionary(fc.constantFrom('p1', 'p2'), quotaArb),
    defaultQuota: fc.option(quotaArb, { nil: undefined }),
    usage: fc.dictionary(fc.constantFrom('p1', 'p2', 'p3'), fc.nat({ max: 12 })),
    policy: fc.constantFrom('best-fit' as const, 'first-fit' as const),
    maxReservations: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ nodes, queue, quotas, defaultQuota, usage, policy, maxReservations }) => {
    const input: ScheduleInput = {
      nodes: nodes.map((spec, n): ClusterNode => ({
        id: `n${n}`,
        schedulable: spec.schedulable,
        gpus: spec.gpus.map((gpu, index): ClusterGpu => ({
          ...(spec.uniform ? { ...spec.gpus[0]!, free: gpu.free } : gpu),
          id: `n${n}-g${index}`,
          index,
        })),
      })),
      queue: queue.map((r, i) => ({ ...r, id: `r${i}` })),
      quotas: Object.entries(quotas).map(([projectId, q]) => ({
        projectId,
        nominalGpus: q.nominalGpus,
        maxGpus: q.nominalGpus + q.extra,
      })),
      ...(defaultQuota === undefined
        ? {}
        : {
            defaultQuota: {
              nominalGpus: defaultQuota.nominalGpus,
              maxGpus: defaultQuota.nominalGpus + defaultQuota.extra,
            },
          }),
      usage,
    };
    const options: InProcessSchedulerOptions = { policy, maxReservations };
    return { input, options };
  });

const acceptable = (r: QueuedRequest, gpu: ClusterGpu) =>
  (r.models.length === 0 || r.models.includes(gpu.model)) && gpu.memoryMib >= r.minMemoryMib;

/** Placement groups by brute force: per node and SKU, or per NVLink domain (no domain = alone). */
function groupsFor(r: QueuedRequest, nodes: readonly ClusterNode[], usable: (gpu: ClusterGpu) => boolean) {
  const groups = new Map<string, number>();
  for (const node of nodes) {
    if (!node.schedulable) continue;
    for (const gpu of node.gpus) {
      if (!acceptable(r, gpu) || !usable(gpu)) continue;
      const domain =
        r.topology === 'node' ? '' : gpu.nvlinkDomain == null ? `solo ${gpu.id}` : String(gpu.nvlinkDomain);
      const key = `${node.id}|${gpu.model}|${gpu.memoryMib}|${domain}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
  }
  return [...groups.values()];
}

const runs = { numRuns: 300 };

describe('scheduler invariants', () => {
  it('gives each GPU at most once, only free GPUs of schedulable nodes, matching the request', () => {
    fc.assert(
      fc.property(inputArb, ({ input, options }) => {
        const result = schedule(input, options);
        const gpus = new Map(
          input.nodes.flatMap((node) => node.gpus.map((gpu) => [gpu.id, { node, gpu }] as const)),
        );
        const given = new Set<string>();
        for (const placement of result.placements) {
          const r = input.queue.find((q) => q.id === placement.requestId)!;
          expect(placement.gpuIds).toHaveLength(r.count);
          const domains = new Set<unknown>();
          for (const id of placement.gpuIds) {
            expect(given.has(id)).toBe(false);
            given.add(id);
            const { node, gpu } = gpus.get(id)!;
            expect(node.id).toBe(placement.nodeId);
            expect(node.schedulable).toBe(true);
            expect(gpu.free).toBe(true);
            expect(gpu.model).toBe(placement.model);
            expect(acceptable(r, gpu)).toBe(true);
            domains.add(gpu.nvlinkDomain ?? `solo ${gpu.id}`);
          }
          if (r.topology === 'nvlink') expect(domains.size).toBe(1);
        }
      }),
      runs,
    );
  });

  it('decides every request once, with a reason that holds', () => {
    fc.assert(
      fc.property(inputArb, ({ input, options }) => {
        const result = schedule(input, options);
        const decided = [
          ...result.placements.map((p) => p.requestId),
          ...result.pending.map((p) => p.requestId),
        ];
        expect(decided.sort()).toEqual(input.queue.map((r) => r.id).sort());
        const taken = new Set(result.placements.flatMap((p) => p.gpuIds));
        for (const pending of result.pending) {
          expect(PENDING_REASONS).toContain(pending.reason);
          expect(pending.message).not.toBe('');
          const r = input.queue.find((q) => q.id === pending.requestId)!;
          const all = groupsFor(r, input.nodes, () => true);
          const largest = Math.max(0, ...all);
          if (pending.reason === 'model_unavailable') expect(all).toEqual([]);
          else if (pending.reason === 'request_too_large') expect(largest).toBeGreaterThan(0);
          else expect(largest).toBeGreaterThanOrEqual(r.count);
          if (pending.reason === 'request_too_large') expect(largest).toBeLessThan(r.count);
          // Nothing it was refused for lack of capacity fits what is left free after the cycle.
          if (pending.reason === 'no_capacity') {
            const left = groupsFor(r, input.nodes, (gpu) => gpu.free && !taken.has(gpu.id));
            expect(left.every((free) => free < r.count)).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('keeps every project within its maximum', () => {
    fc.assert(
      fc.property(inputArb, ({ input, options }) => {
        const result = schedule(input, options);
        const placed = new Map<string, number>();
        for (const p of result.placements) {
          const r = input.queue.find((q) => q.id === p.requestId)!;
          placed.set(r.projectId, (placed.get(r.projectId) ?? 0) + r.count);
        }
        for (const [projectId, gpus] of placed) {
          const max =
            input.quotas?.find((q) => q.projectId === projectId)?.maxGpus ??
            input.defaultQuota?.maxGpus ??
            Infinity;
          expect((input.usage?.[projectId] ?? 0) + gpus).toBeLessThanOrEqual(max);
        }
        for (const pending of result.pending.filter((p) => p.reason === 'quota_exceeded')) {
          const r = input.queue.find((q) => q.id === pending.requestId)!;
          const max =
            input.quotas?.find((q) => q.projectId === r.projectId)?.maxGpus ??
            input.defaultQuota?.maxGpus ??
            Infinity;
          expect(
            (input.usage?.[r.projectId] ?? 0) + (placed.get(r.projectId) ?? 0) + r.count,
          ).toBeGreaterThan(max);
        }
      }),
      runs,
    );
  });

  it('answers the same for the same input, whatever the queue order', () => {
    const withShuffle = inputArb.chain((x) =>
      fc
        .shuffledSubarray([...x.input.queue], { minLength: x.input.queue.length })
        .map((shuffled) => ({ ...x, shuffled })),
    );
    fc.assert(
      fc.property(withShuffle, ({ input, options, shuffled }) => {
        const once = schedule(input, options);
        expect(schedule(structuredClone(input), options)).toEqual(once);
        expect(schedule({ ...input, queue: shuffled }, options)).toEqual(once);
      }),
      runs,
    );
  });
});
