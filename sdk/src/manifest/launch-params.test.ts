import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { describe, expect, it } from 'vitest';
import { compileParameterSchema, resolveLaunchParams } from './index.js';

const manifest: Pick<GpuaasAppManifest, 'parameters'> = {
  parameters: {
    size: { type: 'integer', minimum: 1, default: 4 },
    count: { type: 'integer', minimum: 1 },
    mode: { type: 'string', enum: ['fast', 'slow'] },
    token: { type: 'string', minLength: 8, secret: true },
  },
};

describe('launch parameters against a manifest', () => {
  it('compiles each distinct schema once, ignoring the keywords that do not constrain the value', () => {
    const a = compileParameterSchema({ type: 'integer', minimum: 1, title: 'A', mutable: true });
    const b = compileParameterSchema({ type: 'integer', minimum: 1, description: 'B' });
    expect(a).toBeTypeOf('function');
    expect(b).toBe(a);
    expect(compileParameterSchema({ type: 'integer', minimum: 2 })).not.toBe(a);
  });

  it('returns the compile error of a schema ajv refuses', () => {
    const broken = compileParameterSchema({ type: 'string', pattern: '(' });
    expect(broken).toBeInstanceOf(Error);
    expect(resolveLaunchParams({ parameters: { p: { type: 'string', pattern: '(' } } }, { p: 'x' })).toEqual({
      values: {},
      problems: [{ kind: 'schema-invalid', parameter: 'p', error: broken }],
    });
  });

  it('applies defaults, and treats an undefined value as not given', () => {
    expect(resolveLaunchParams(manifest, { count: 2, mode: undefined })).toEqual({
      values: { size: 4, count: 2 },
      problems: [],
    });
  });

  it('reports undeclared names first, then every invalid value with its own ajv errors', () => {
    const { values, problems } = resolveLaunchParams(manifest, {
      size: 0,
      count: -1,
      colour: 'red',
      constructor: 'x',
      token: 'short',
      mode: 'fast',
    });
    expect(values).toEqual({ mode: 'fast' });
    const declared = ['size', 'count', 'mode', 'token'];
    expect(problems.map((p) => [p.kind, p.parameter])).toEqual([
      ['undeclared', 'colour'],
      ['undeclared', 'constructor'],
      ['invalid', 'size'],
      ['invalid', 'count'],
      ['invalid', 'token'],
    ]);
    expect(problems[0]).toEqual({ kind: 'undeclared', parameter: 'colour', declared });
    // size and count share one compiled validator: each problem keeps the errors of its own value.
    expect(problems[2]).toMatchObject({
      value: 0,
      secret: false,
      errors: [{ data: 0, params: { limit: 1 } }],
    });
    expect(problems[3]).toMatchObject({ value: -1, errors: [{ data: -1 }] });
    expect(problems[4]).toMatchObject({ secret: true, errors: [{ keyword: 'minLength' }] });
  });
});
