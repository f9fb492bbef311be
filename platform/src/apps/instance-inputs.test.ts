/** What a catalog launch asks for, checked before anything is created (instance-inputs.ts). */
import { describe, expect, it } from 'vitest';
import type { PlatformError } from '../errors.js';
import { node, nodeWithFree } from '../scheduler/testing.js';
import type { LiveCatalog } from '../catalog/profile.js';
import { checkSecrets, chooseAllocation, overrideProfile } from './instance-inputs.js';

const H100 = 'NVIDIA H100 80GB HBM3';
const catalog = (nodes: LiveCatalog['nodes']): LiveCatalog => ({
  skus: [
    { id: 'h100-80gb', model: H100, memoryGib: 80 },
    { id: 'l40s-48gb', model: 'NVIDIA L40S', memoryGib: 48 },
  ],
  nodes,
});
const refusal = (fn: () => unknown): PlatformError => {
  try {
    fn();
  } catch (error) {
    return error as PlatformError;
  }
  throw new Error('not refused');
};

describe('checkSecrets', () => {
  const schemas = { model: { type: 'string' }, token: { type: 'string', secret: true } };

  it('refuses a secret as a parameter and a non-secret or unknown name in secrets, naming no value', () => {
    expect(() => checkSecrets(schemas, { model: 'x' }, { token: 'v' })).not.toThrow();
    const e = refusal(() => checkSecrets(schemas, { token: 'leak-me' }, { model: 'm', other: 'o' }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.errors?.map((x) => [x.pointer, x.detail])).toEqual([
      ['/parameters/token', 'a secret: pass it in secrets'],
      ['/secrets/model', 'not a secret parameter: pass it in parameters'],
      ['/secrets/other', 'the app has no such parameter'],
    ]);
    expect(JSON.stringify(e)).not.toContain('leak-me');
    expect(e.message).not.toContain('leak-me');
  });
});

describe('overrideProfile', () => {
  const minimum = {
    gpus: { count: 2, models: ['h100-80gb'], minMemoryGiB: 40, interconnect: 'nvlink' as const },
  };
  const c = catalog([node('n1', { model: H100 })]);

  it('keeps what the override leaves out from the minimum', () => {
    expect(overrideProfile(minimum, { count: 4 }, c).gpus).toEqual({
      count: 4,
      models: ['h100-80gb'],
      minMemoryGiB: 40,
      interconnect: 'nvlink',
    });
    // A model name and its SKU id are the same model.
    expect(overrideProfile(minimum, { count: 2, models: [H100] }, c).gpus.models).toEqual([H100]);
  });

  it('refuses anything below the minimum, at the field', () => {
    const pointer = (gpus: Parameters<typeof overrideProfile>[1]) =>
      refusal(() => overrideProfile(minimum, gpus, c)).errors?.[0]?.pointer;
    expect(pointer({ count: 1 })).toBe('/gpus/count');
    expect(pointer({ count: 2, min_memory_gib: 24 })).toBe('/gpus/min_memory_gib');
    expect(pointer({ count: 2, models: ['l40s-48gb'] })).toBe('/gpus/models');
    expect(pointer({ count: 2, topology: 'node' })).toBe('/gpus/topology');
  });
});

describe('chooseAllocation', () => {
  const resources = {
    minimum: { gpus: { count: 1 } },
    recommended: { gpus: { count: 4, models: ['h100-80gb'] } },
  };

  it('picks the recommended tier when it fits now, else the minimum', () => {
    expect(chooseAllocation(resources, undefined, catalog([node('n1', { model: H100 })]))).toMatchObject({
      tier: 'recommended',
      gpus: { count: 4, models: ['h100-80gb'] },
    });
    expect(
      chooseAllocation(resources, undefined, catalog([nodeWithFree('n1', 2, { model: H100 })])),
    ).toMatchObject({
      tier: 'minimum',
      gpus: { count: 1 },
    });
    expect(chooseAllocation(null, undefined, catalog([node('n1', { model: H100 })])).gpus.count).toBe(1);
  });

  it('takes the override instead of both tiers', () => {
    expect(chooseAllocation(resources, { count: 2 }, catalog([node('n1', { model: H100 })]))).toMatchObject({
      tier: 'minimum',
      gpus: { count: 2 },
    });
  });

  it('is PROFILE_UNSATISFIABLE, with the closest offer, when no node could ever hold it', () => {
    const e = refusal(() =>
      chooseAllocation(
        { minimum: { gpus: { count: 16 } } },
        undefined,
        catalog([node('n1', { model: H100 })]),
      ),
    );
    expect(e.code).toBe('PROFILE_UNSATISFIABLE');
    expect(e.message).toContain('closest offer: h100-80gb');
    expect(e.errors?.at(-1)).toMatchObject({
      pointer: '/app',
      detail: expect.stringMatching(/^closest offer: h100-80gb/),
    });
    const override = refusal(() =>
      chooseAllocation(resources, { count: 12 }, catalog([node('n1', { model: H100 })])),
    );
    expect(override.errors?.[0]?.pointer).toBe('/gpus/count');
  });
});
