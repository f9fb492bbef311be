/**
 * Invariants of the workload-profile matcher on random small clusters and manifests, checked
 * against a brute-force oracle (every node, every NVLink domain, counted by hand): what it
 * chooses can be placed, the recommended profile wins whenever it fits now, a refusal means no
 * registered node could ever hold the minimum, the first model that fits now is the one placed,
 * and `meetsMinimum` accepts exactly the GPU groups that hold the minimum.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../scheduler/index.js';
import { chooseProfile, meetsMinimum } from './profile.js';
import type { CatalogSku, WorkloadProfile, WorkloadProfiles } from './profile.js';

const SKUS: CatalogSku[] = [
  { id: 'big', model: 'Big GPU', memoryGib: 80 },
  { id: 'mid', model: 'Mid GPU', memoryGib: 40 },
  { id: 'small', model: 'Small GPU', memoryGib: 16 },
];
/** Catalog ids, model names, a name only nodes report ('Odd GPU') and one nobody knows. */
const NAMES = ['big', 'Mid GPU', 'SMALL', 'Odd GPU', 'nowhere'];
const MODELS: [string, number][] = [
  ['Big GPU', 80],
  ['Mid GPU', 40],
  ['Small GPU', 16],
  ['Odd GPU', 24],
];

const nodeArb = fc.record({
  schedulable: fc.nat({ max: 4 }).map((n) => n > 0),
  sku: fc.nat({ max: MODELS.length - 1 }),
  gpus: fc.array(fc.record({ domain: fc.constantFrom(null, 0, 1), free: fc.boolean() }), {
    minLength: 1,
    maxLength: 8,
  }),
});

const clusterArb = fc.array(nodeArb, { minLength: 0, maxLength: 5 }).map((specs): ClusterNode[] =>
  specs.map((spec, n) => {
    const [model, memoryGib] = MODELS[spec.sku]!;
    return {
      id: `n${n}`,
      schedulable: spec.schedulable,
      gpus: spec.gpus.map((g, index) => ({
        id: `n${n}/${index}`,
        index,
        model,
        memoryMib: memoryGib * 1024,
        nvlinkDomain: g.domain,
        free: g.free,
      })),
    };
  }),
);

const profileArb: fc.Arbitrary<WorkloadProfile> = fc
  .record({
    count: fc.nat({ max: 9 }),
    models: fc.option(fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 3 }), { nil: undefined }),
    minMemoryGiB: fc.option(fc.constantFrom(16, 24, 40, 80, 96), { nil: undefined }),
    interconnect: fc.option(fc.constantFrom('any' as const, 'nvlink' as const), { nil: undefined }),
  })
  .map(({ count, models, minMemoryGiB, interconnect }) => ({
    gpus: {
      count,
      ...(models === undefined ? {} : { models }),
      ...(minMemoryGiB === undefined ? {} : { minMemoryGiB }),
      ...(interconnect === undefined ? {} : { interconnect }),
    },
  }));

const resourcesArb: fc.Arbitrary<WorkloadProfiles> = fc
  .record({ minimum: profileArb, recommended: fc.option(profileArb, { nil: undefined }) })
  .map(({ minimum, recommended }) => (recommended === undefined ? { minimum } : { minimum, recommended }));

/** The model a manifest name means (by SKU id or model name, any case), or undefined. */
function modelOf(name: string, nodes: readonly ClusterNode[]): string | undefined {
  const wanted = name.toLowerCase();
  const sku = SKUS.find((s) => s.id === wanted || s.model.toLowerCase() === wanted);
  return (
    sku?.model ?? nodes.flatMap((n) => n.gpus.map((g) => g.model)).find((m) => m.toLowerCase() === wanted)
  );
}

/**
 * By hand: the GPU groups (a node's, or an NVLink domain's) with at least `count` acceptable GPUs,
 * free ones on schedulable nodes only when `now`, of `onlyModel` when given.
 */
function groups(
  profile: WorkloadProfile,
  nodes: readonly ClusterNode[],
  now: boolean,
  onlyModel?: string,
): ClusterNode['gpus'][] {
  const g = profile.gpus;
  const count = Math.max(1, g.count);
  const names = g.models ?? [];
  const models = names.map((n) => modelOf(n, nodes)).filter((m): m is string => m !== undefined);
  if (names.length > 0 && models.length === 0) return [];
  const nvlink = g.interconnect === 'nvlink' && count > 1;
  const found: ClusterNode['gpus'][] = [];
  for (const node of nodes) {
    if (now && !node.schedulable) continue;
    const usable = node.gpus.filter(
      (gpu) =>
        (!now || gpu.free) &&
        gpu.memoryMib >= (g.minMemoryGiB ?? 0) * 1024 &&
        (models.length === 0 || models.includes(gpu.model)) &&
        (onlyModel === undefined || gpu.model === onlyModel),
    );
    const byGroup = new Map<string, typeof usable>();
    for (const gpu of usable) {
      const key = nvlink ? `${gpu.model}/${gpu.nvlinkDomain ?? `solo-${gpu.id}`}` : gpu.model;
      byGroup.set(key, [...(byGroup.get(key) ?? []), gpu]);
    }
    for (const group of byGroup.values()) if (group.length >= count) found.push(group);
  }
  return found;
}

const RUNS = { numRuns: 400 };

describe('chooseProfile invariants', () => {
  it('chooses what fits: `now` only when free GPUs hold the chosen tier, recommended whenever it fits now', () => {
    fc.assert(
      fc.property(clusterArb, resourcesArb, (nodes, resources) => {
        const result = chooseProfile(resources, { skus: SKUS, nodes });
        const recommendedFits =
          resources.recommended !== undefined && groups(resources.recommended, nodes, true).length > 0;
        if (recommendedFits) {
          expect(result).toMatchObject({ ok: true, tier: 'recommended', availability: 'now' });
        }
        if (!result.ok || result.availability !== 'now') return;
        const profile = result.tier === 'recommended' ? resources.recommended! : resources.minimum;
        const fitting = groups(profile, nodes, true);
        expect(fitting.length).toBeGreaterThan(0);
        // The node it names holds the chosen tier with free GPUs of the model it names.
        const onNode = groups(
          profile,
          nodes.filter((n) => n.id === result.placement?.nodeId),
          true,
          result.placement?.model,
        );
        expect(onNode.length).toBeGreaterThan(0);
        expect(result.gpus.count).toBe(Math.max(1, profile.gpus.count));
      }),
      RUNS,
    );
  });

  it('refuses exactly when no registered node could ever hold the minimum', () => {
    fc.assert(
      fc.property(clusterArb, resourcesArb, (nodes, resources) => {
        const result = chooseProfile(resources, { skus: SKUS, nodes });
        if (nodes.length === 0) return;
        const everFits = groups(resources.minimum, nodes, false).length > 0;
        const fitsNow = (p: WorkloadProfile | undefined) =>
          p !== undefined && groups(p, nodes, true).length > 0;
        expect(result.ok).toBe(everFits || fitsNow(resources.recommended));
        if (!result.ok) {
          expect(result.code).toBe('PROFILE_UNSATISFIABLE');
          expect(result.shortfalls.length).toBeGreaterThan(0);
          expect(result.shortfalls[0]!.pointer).toMatch(/^\/resources\/minimum\/gpus/);
        } else if (result.availability === 'queued') {
          expect(result.tier).toBe('minimum');
          expect(everFits).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('places the most preferred model that fits now', () => {
    fc.assert(
      fc.property(clusterArb, resourcesArb, (nodes, resources) => {
        const result = chooseProfile(resources, { skus: SKUS, nodes });
        if (!result.ok || result.availability !== 'now') return;
        const profile = result.tier === 'recommended' ? resources.recommended! : resources.minimum;
        const preferred = (profile.gpus.models ?? [])
          .map((n) => modelOf(n, nodes))
          .filter((m): m is string => m !== undefined);
        const first = preferred.find((model) => groups(profile, nodes, true, model).length > 0);
        if (first !== undefined) expect(result.placement?.model).toBe(first);
      }),
      RUNS,
    );
  });
});

describe('meetsMinimum invariants', () => {
  it('accepts the GPUs of any group that holds the minimum, and refuses them one short', () => {
    fc.assert(
      fc.property(clusterArb, resourcesArb, (nodes, resources) => {
        const count = resources.minimum.gpus.count;
        for (const group of groups(resources.minimum, nodes, false)) {
          const gpus = group.slice(0, Math.max(1, count));
          expect(meetsMinimum(resources, { gpus }, SKUS)).toEqual({ ok: true });
          if (count > 0) {
            const short = meetsMinimum(resources, { gpus: gpus.slice(1) }, SKUS);
            expect(short.ok ? [] : short.shortfalls.map((s) => s.code)).toContain('too_few_gpus');
          }
        }
      }),
      RUNS,
    );
  });
});
