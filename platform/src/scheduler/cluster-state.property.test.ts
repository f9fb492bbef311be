/**
 * The incremental structure against a brute-force model: random sequences of placements and
 * releases on one `ClusterState`, as the platform and the bench use it between snapshots.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { node, request } from './testing.js';
import type { ClusterNode, PlacementPolicy, QueuedRequest } from './types.js';

const clusterArb = fc
  .array(
    fc.record({
      gpus: fc.constantFrom(2, 4, 8),
      domainSize: fc.constantFrom(1, 2, 4, 8),
      used: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((specs) =>
    specs.map((spec, n) => node(`n${n}`, { ...spec, domainSize: Math.min(spec.domainSize, spec.gpus) })),
  );

const opArb = fc.oneof(
  fc.record({
    kind: fc.constant('place' as const),
    count: fc.constantFrom(1, 1, 2, 3, 4, 8),
    topology: fc.constantFrom('node' as const, 'nvlink' as const),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
);

/** Free GPUs per placement group that a request of this topology may use, by brute force. */
function groups(nodes: readonly ClusterNode[], free: Set<string>, topology: QueuedRequest['topology']) {
  return nodes.flatMap((n) => {
    const byKey = new Map<string, number>();
    for (const gpu of n.gpus) {
      const key = topology === 'node' ? '' : gpu.nvlinkDomain == null ? gpu.id : String(gpu.nvlinkDomain);
      byKey.set(key, (byKey.get(key) ?? 0) + (free.has(gpu.id) ? 1 : 0));
    }
    const nodeFree = n.gpus.filter((gpu) => free.has(gpu.id)).length;
    return [...byKey.values()].map((count) => ({ node: n.id, free: count, nodeFree }));
  });
}

describe('ClusterState under churn', () => {
  it.each(['best-fit', 'first-fit'] as PlacementPolicy[])(
    '%s places exactly where the policy says',
    (policy) => {
      fc.assert(
        fc.property(clusterArb, fc.array(opArb, { maxLength: 60 }), (nodes, ops) => {
          const state = new ClusterState(nodes, { policy });
          const free = new Set(nodes.flatMap((n) => n.gpus.filter((g) => g.free).map((g) => g.id)));
          const held: string[][] = [];
          for (const op of ops) {
            if (op.kind === 'release') {
              if (held.length === 0) continue;
              const [gpuIds] = held.splice(op.pick % held.length, 1);
              expect(state.release(gpuIds!)).toBe(gpuIds!.length);
              for (const id of gpuIds!) free.add(id);
            } else {
              // One GPU is always within one NVLink domain: it is placed like a node request.
              const level = op.count === 1 ? 'node' : op.topology;
              const fitting = groups(nodes, free, level).filter((g) => g.free >= op.count);
              const placement = state.place(request({ count: op.count, topology: op.topology }));
              if (fitting.length === 0) {
                expect(placement).toBeUndefined();
                continue;
              }
              expect(placement).toBeDefined();
              // First fit: the first group in node order with room. Best fit: the first of the fullest,
              // for an NVLink domain its node's fullness first.
              const key = (g: (typeof fitting)[number]) =>
                (level === 'nvlink' ? g.nodeFree * 100 : 0) + g.free;
              const tightest = Math.min(...fitting.map(key));
              const expected =
                policy === 'first-fit' ? fitting[0]! : fitting.find((g) => key(g) === tightest)!;
              expect(placement!.nodeId).toBe(expected.node);
              expect(placement!.gpuIds).toHaveLength(op.count);
              for (const id of placement!.gpuIds) {
                expect(free.delete(id)).toBe(true);
                expect(id.startsWith(`${placement!.nodeId}/`)).toBe(true);
              }
              held.push(placement!.gpuIds);
            }
            expect(state.freeGpus).toBe(free.size);
          }
        }),
        { numRuns: 200 },
      );
    },
  );
});
