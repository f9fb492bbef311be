import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import {
  ParamSet,
  assertMutable,
  coerceParamValue,
  createRedactor,
  paramEnvName,
  parseParamArgs,
} from './params.js';
import { tempRoot, writeApp } from './testing.js';
import type { TestApp } from './testing.js';

const PARAMS = `run:
  entrypoint: [node, app.js]
parameters:
  model:
    type: string
    enum: [small, large]
    default: small
  items:
    type: integer
    minimum: 1
    maximum: 100
    default: 20
    mutable: true
  ratio:
    type: number
  verbose:
    type: boolean
    default: false
  tags:
    type: array
    items: { type: string }
  limits:
    type: object
    properties: { rps: { type: integer } }
    required: [rps]
  contact:
    type: string
    format: email
  api_key:
    type: string
    minLength: 8
    secret: true
`;

let root: string;
let cleanup: () => Promise<void>;
let app: TestApp;

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot());
  app = await writeApp(root, PARAMS);
});
afterAll(() => cleanup());

function problems(fn: () => unknown): { parameter: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe('PARAMETERS_INVALID');
    return (error as RuntimeError).details?.errors as { parameter: string; message: string }[];
  }
  throw new Error('expected PARAMETERS_INVALID');
}

describe('launch parameters', () => {
  it('applies defaults and hands values over as env vars and a 0600 JSON file', async () => {
    const params = ParamSet.resolve(app.manifest, {
      items: 5,
      tags: ['a', 'b'],
      limits: { rps: 3 },
      api_key: 'sk-very-secret',
    });
    expect(params.values).toEqual({
      model: 'small',
      items: 5,
      verbose: false,
      tags: ['a', 'b'],
      limits: { rps: 3 },
      api_key: 'sk-very-secret',
    });
    expect(params.env()).toEqual({
      GPUAAS_PARAM_MODEL: 'small',
      GPUAAS_PARAM_ITEMS: '5',
      GPUAAS_PARAM_VERBOSE: 'false',
      GPUAAS_PARAM_TAGS: '["a","b"]',
      GPUAAS_PARAM_LIMITS: '{"rps":3}',
      GPUAAS_PARAM_API_KEY: 'sk-very-secret',
    });
    const file = join(root, 'p', 'params.json');
    await params.writeFile(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(params.values);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(params.redacted()).toMatchObject({ api_key: '***', items: 5 });
  });

  it('reports every invalid parameter at once, by name, without echoing secrets', () => {
    const found = problems(() =>
      ParamSet.resolve(app.manifest, {
        model: 'huge',
        items: 0,
        ratio: 'fast',
        limits: {},
        contact: 'not-an-email',
        api_key: 'short',
        colour: 'red',
      }),
    );
    const by = Object.fromEntries(found.map((p) => [p.parameter, p.message]));
    expect(Object.keys(by).sort()).toEqual([
      'api_key',
      'colour',
      'contact',
      'items',
      'limits',
      'model',
      'ratio',
    ]);
    expect(by.model).toContain('must be one of "small", "large"');
    expect(by.items).toContain('>= 1');
    expect(by.ratio).toContain('must be of type number');
    expect(by.limits).toContain("must have required property 'rps'");
    expect(by.contact).toContain('format "email"');
    expect(by.colour).toContain('is not declared by the app');
    expect(by.api_key).not.toContain('short');
  });

  it('coerces --param k=v strings by declared type and names the parameter when it cannot', () => {
    expect(
      parseParamArgs(
        ['items=7', 'ratio=0.5', 'verbose=yes', 'tags=["x"]', 'model=large', 'contact=a=b@c.d'],
        app.manifest,
      ),
    ).toEqual({ items: 7, ratio: 0.5, verbose: true, tags: ['x'], model: 'large', contact: 'a=b@c.d' });
    const found = problems(() =>
      parseParamArgs(['items=7.5', 'verbose=maybe', 'tags=[', 'nope=1', 'bare'], app.manifest),
    );
    expect(found.map((p) => p.parameter)).toEqual(['items', 'verbose', 'tags', 'nope', 'bare']);
    expect(found[0]?.message).toBe('must be an integer (got "7.5")');
    expect(problems(() => coerceParamValue('n', ' ', { type: 'number' }))).toEqual([
      { parameter: 'n', message: 'must be a number (got " ")' },
    ]);
  });

  it('allows only mutable parameters to change on a running app', () => {
    const current = ParamSet.resolve(app.manifest, {});
    expect(assertMutable(app.manifest, ParamSet.resolve(app.manifest, { items: 9 }), current)).toEqual([
      'items',
    ]);
    const found = problems(() =>
      assertMutable(app.manifest, ParamSet.resolve(app.manifest, { model: 'large' }), current),
    );
    expect(found).toEqual([{ parameter: 'model', message: 'is not mutable: it can only be set at launch' }]);
  });

  it('redacts secret values, also JSON-escaped and overlapping ones', () => {
    const redact = createRedactor(['pa"ss', 'abc', 'abcdef', '']);
    expect(redact('x abcdef y abc z pa"ss {"k":"pa\\"ss"}')).toBe('x *** y *** z *** {"k":"***"}');
    expect(createRedactor([])('unchanged')).toBe('unchanged');
    const params = ParamSet.resolve(app.manifest, { api_key: 'sk-very-secret' });
    expect(params.redact('key=sk-very-secret!')).toBe('key=***!');
  });

  it('names env vars GPUAAS_PARAM_<NAME>', () => {
    expect(paramEnvName('batch_size')).toBe('GPUAAS_PARAM_BATCH_SIZE');
  });
});
