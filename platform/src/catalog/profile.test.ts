/** The workload-profile matcher, case by case (profile.property.test.ts holds the invariants). */
import { describe, expect, it } from 'vitest';
import { node } from '../scheduler/testing.js';
import type { ClusterNode } from '../scheduler/index.js';
import { chooseProfile, meetsMinimum } from './profile.js';
import type { CatalogSku, WorkloadProfiles } from './profile.js';

const H100 = 'NVIDIA H100 80GB HBM3';
const L40S = 'NVIDIA L40S';
const SKUS: CatalogSku[] = [
  { id: 'h100-80gb', model: H100, memoryGib: 80 },
  { id: 'l40s-48gb', model: L40S, memoryGib: 48 },
];
const h100 = (id: string, spec: Parameters<typeof node>[1] = {}) =>
  node(id, { model: H100, memoryMib: 80 * 1024, gpus: 8, ...spec });
const l40s = (id: string, spec: Parameters<typeof node>[1] = {}) =>
  node(id, { model: L40S, memoryMib: 48 * 1024, gpus: 4, domainSize: 1, ...spec });
const all = (gpus: number) => Array.from({ length: gpus }, (_, i) => i);

const profiles = (
  minimum: WorkloadProfiles['minimum'],
  recommended?: WorkloadProfiles['minimum'],
): WorkloadProfiles => (recommended === undefined ? { minimum } : { minimum, recommended });

const match = (resources: WorkloadProfiles, nodes: ClusterNode[]) =>
  chooseProfile(resources, { skus: SKUS, nodes });

describe('chooseProfile', () => {
  const inference = profiles(
    { gpus: { count: 1, minMemoryGiB: 24 } },
    { gpus: { count: 2, models: ['H100-80GB'], interconnect: 'nvlink' } },
  );

  it('takes the recommended profile when free GPUs hold it now', () => {
    expect(match(inference, [h100('n1'), l40s('n2')])).toMatchObject({
      ok: true,
      tier: 'recommended',
      availability: 'now',
      gpus: { count: 2, models: ['h100-80gb'], topology: 'nvlink' },
      placement: { nodeId: 'n1', model: H100, skuId: 'h100-80gb' },
    });
  });

  it('falls back to the minimum when the recommended one has no free GPUs now, and says why', () => {
    const result = match(inference, [h100('n1', { used: all(7) }), l40s('n2')]);
    expect(result).toMatchObject({
      ok: true,
      tier: 'minimum',
      availability: 'now',
      gpus: { count: 1, models: [], min_memory_gib: 24, topology: 'node' },
      recommendedSkipped: [{ code: 'no_capacity', pointer: '/resources/recommended/gpus' }],
    });
  });

  it('explains a recommended profile the cluster can never hold, and still launches the minimum', () => {
    const result = match(profiles({ gpus: { count: 1 } }, { gpus: { count: 16, models: ['h100-80gb'] } }), [
      h100('n1'),
    ]);
    expect(result).toMatchObject({
      ok: true,
      tier: 'minimum',
      recommendedSkipped: [{ code: 'too_many_gpus', pointer: '/resources/recommended/gpus/count' }],
    });
  });

  it('tries models in the order of preference', () => {
    const preferring = profiles({ gpus: { count: 2, models: ['h100-80gb', 'NVIDIA L40S'] } });
    expect(match(preferring, [l40s('a'), h100('b')])).toMatchObject({
      placement: { model: H100 },
      gpus: { models: ['h100-80gb', 'l40s-48gb'] },
    });
    expect(match(preferring, [l40s('a'), h100('b', { used: all(7) })])).toMatchObject({
      placement: { model: L40S },
    });
  });

  it('queues the minimum when nothing is free now but the cluster could hold it (cordoned nodes count)', () => {
    expect(match(inference, [h100('n1', { used: all(8) })])).toMatchObject({
      ok: true,
      tier: 'minimum',
      availability: 'queued',
    });
    expect(match(inference, [h100('n1', { schedulable: false })])).toMatchObject({ availability: 'queued' });
  });

  it.each([
    [
      'memory no GPU has',
      profiles({ gpus: { count: 1, minMemoryGiB: 96 } }),
      { code: 'memory_too_small', pointer: '/resources/minimum/gpus/minMemoryGiB' },
      'h100-80gb',
    ],
    [
      'more GPUs than a node has',
      profiles({ gpus: { count: 9, models: ['h100-80gb'] } }),
      { code: 'too_many_gpus', pointer: '/resources/minimum/gpus/count' },
      'h100-80gb',
    ],
    [
      'an NVLink domain larger than any',
      profiles({ gpus: { count: 4, models: ['l40s-48gb'], interconnect: 'nvlink' } }),
      { code: 'nvlink_domain_too_small', pointer: '/resources/minimum/gpus/interconnect' },
      'l40s-48gb',
    ],
    [
      'a model the cluster lacks',
      profiles({ gpus: { count: 1, models: ['NVIDIA H200'] } }),
      { code: 'model_unknown', pointer: '/resources/minimum/gpus/models' },
      'h100-80gb',
    ],
  ])(
    'refuses %s with PROFILE_UNSATISFIABLE, the shortfall and the closest offer',
    (_name, resources, shortfall, closest) => {
      const result = match(resources, [h100('n1'), l40s('n2')]);
      expect(result).toMatchObject({ ok: false, code: 'PROFILE_UNSATISFIABLE', shortfalls: [shortfall] });
      if (result.ok) return;
      expect(result.closest?.skuId).toBe(closest);
      expect(result.message).toContain(
        'on offer: h100-80gb (80 GiB, up to 8 per node, 8 per NVLink domain, 8 in all)',
      );
    },
  );

  it('a model in the catalog that no node has is unavailable, not unknown', () => {
    const result = match(profiles({ gpus: { count: 1, models: ['l40s-48gb'] } }), [h100('n1')]);
    expect(result).toMatchObject({ ok: false, shortfalls: [{ code: 'model_unavailable' }] });
  });

  it('skips unknown model names and reports them', () => {
    expect(
      match(profiles({ gpus: { count: 1, models: ['TPU-v5', 'h100-80gb'] } }), [h100('n1')]),
    ).toMatchObject({
      ok: true,
      gpus: { models: ['h100-80gb'] },
      unknownModels: ['TPU-v5'],
    });
  });

  it('asks one GPU for a CPU-only app, waits when no node is registered, lists what it cannot check', () => {
    const cpuOnly = profiles({ gpus: { count: 0 }, cpu: 4, memoryGiB: 8 });
    const result = match(cpuOnly, []);
    expect(result).toMatchObject({
      ok: true,
      availability: 'queued',
      gpus: { count: 1, models: [] },
      unchecked: ['cpu', 'memoryGiB'],
    });
    expect(result.ok && result.notes.length).toBe(2);
  });
});

describe('meetsMinimum', () => {
  const gpu = (model: string, memoryGib: number, nvlinkDomain: number | null = 0) => ({
    model,
    memoryMib: memoryGib * 1024,
    nvlinkDomain,
  });
  const needs = profiles({
    gpus: { count: 2, models: ['h100-80gb'], minMemoryGiB: 40, interconnect: 'nvlink' },
  });

  it('accepts an allocation with enough GPUs of an accepted model, memory and one NVLink domain', () => {
    expect(meetsMinimum(needs, { gpus: [gpu(H100, 80), gpu(H100, 80), gpu(H100, 80)] }, SKUS)).toEqual({
      ok: true,
    });
  });

  it('lists every shortfall of an allocation that does not meet it', () => {
    const result = meetsMinimum(needs, { gpus: [gpu(L40S, 32, 0)] }, SKUS);
    expect(result).toMatchObject({ ok: false, code: 'PROFILE_NOT_MET' });
    expect(result.ok ? [] : result.shortfalls.map((s) => s.code)).toEqual([
      'too_few_gpus',
      'model_unavailable',
      'memory_too_small',
    ]);
    const split = meetsMinimum(needs, { gpus: [gpu(H100, 80, 0), gpu(H100, 80, 1)] }, SKUS);
    expect(split.ok ? [] : split.shortfalls.map((s) => s.code)).toEqual(['nvlink_domain_too_small']);
  });
});
