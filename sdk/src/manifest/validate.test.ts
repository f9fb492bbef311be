import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { MANIFEST_ISSUE_CODES } from './types.js';
import type { ManifestValidationResult } from './types.js';
import { loadManifest, MAX_MANIFEST_BYTES, validateManifestPath, validateManifestText } from './validate.js';

const fixtures = new URL('../../../manifest-schema/fixtures/', import.meta.url);
const typical = await readFile(new URL('valid/llama-chat.yaml', fixtures), 'utf8');
const minimal = await readFile(new URL('valid/minimal.yaml', fixtures), 'utf8');

function only(result: ManifestValidationResult) {
  expect(result.errors).toHaveLength(1);
  return result.errors[0]!;
}

describe('validateManifestText', () => {
  it('returns the manifest, and no diagnostics, for a valid manifest', () => {
    const result = validateManifestText(typical, { file: 'gpuaas-app.yaml' });
    expect(result).toEqual({ file: 'gpuaas-app.yaml', value: parse(typical), errors: [], warnings: [] });
  });

  it('sets value only when there are no errors, and keeps it when there are only warnings', () => {
    const invalid = validateManifestText(minimal.replace('count: 1', 'count: -1'));
    expect(invalid.value).toBeUndefined();
    const warned = validateManifestText(`${minimal}endpoints:\n  - { name: api, port: 8000 }\n`);
    expect(warned.errors).toEqual([]);
    expect(warned.warnings.map((w) => w.code)).toEqual(['readiness-probe-missing']);
    expect(warned.value?.endpoints?.[0]?.port).toBe(8000);
  });

  it('reports every error at once', () => {
    const broken = typical
      .replace('count: 1\n      minMemoryGiB: 24', 'count: two\n      minMemoryGiB: 24')
      .replace('workdir: .', 'wrkdir: .')
      .replace('aggregation: sum', 'aggregation: summ')
      .replace(/hourlyPrice: .*/, 'hourlyPrice: 0.5')
      .replace('{ endpoint: api,', '{ endpoint: apii,');
    const result = validateManifestText(broken, { file: 'gpuaas-app.yaml' });
    expect(result.errors.map((e) => [e.code, e.pointer])).toEqual([
      ['unknown-property', '/run/wrkdir'],
      ['type', '/resources/minimum/gpus/count'],
      ['enum', '/meters/0/aggregation'],
      ['probe-endpoint-unknown', '/health/readiness/http/endpoint'],
      ['money-float', '/billing/hourlyPrice'],
    ]);
  });

  it.each<[string, string, string, RegExp, RegExp | undefined]>([
    [
      'count: 1',
      'count: two',
      'type',
      /^resources\.minimum\.gpus\.count must be an integer, got "two"$/,
      undefined,
    ],
    ['count: 1', 'count: "1"', 'type', /must be an integer, got "1"/, /remove the quotes: 1/],
    [
      'name: hello',
      'name: Hello_World',
      'pattern',
      /^name must be a DNS label/,
      /did you mean "hello-world"\?/,
    ],
    [
      'version: 0.1.0',
      'version: v1.2',
      'pattern',
      /^version must be a semantic version/,
      /did you mean "1\.2\.0"\?/,
    ],
    ['version: 0.1.0', 'version: 1.0', 'type', /^version must be a string, got 1$/, /quotes/],
    [
      'apiVersion: gpuaas.dev/v1alpha1',
      'apiVersion: v1',
      'const',
      /must be "gpuaas\.dev\/v1alpha1"/,
      /write "gpuaas\.dev\/v1alpha1"/,
    ],
    [
      '  entrypoint: [python3, server.py]',
      '  entrypiont: [python3, server.py]',
      'unknown-property',
      /^unknown property "entrypiont" in run$/,
      /did you mean "entrypoint"\?/,
    ],
    [
      '  entrypoint: [python3, server.py]',
      '  workdir: app',
      'required',
      /^run is missing the required property "entrypoint"$/,
      /^add entrypoint: \[ python3, -u, server\.py \]$/,
    ],
    [
      '  entrypoint: [python3, server.py]',
      '  entrypoint: python3 server.py',
      'type',
      /must be a list/,
      /write a list, e\.g\. \[ python3, server\.py \]/,
    ],
    [
      '      count: 1',
      '      count: 1\n      sameNode: yes',
      'type',
      /must be true or false, got "yes"/,
      /write true/,
    ],
    [
      '      count: 1',
      '      count: 1\n      interconnect: nvlnk',
      'enum',
      /must be one of the allowed values, got "nvlnk"/,
      /did you mean "nvlink"\? allowed: any, nvlink/,
    ],
    [
      'publisher: acme',
      'publisher: acme\nunknown: 1',
      'unknown-property',
      /^unknown property "unknown" in the manifest$/,
      /^allowed here: \$schema, apiVersion, name/,
    ],
  ])('explains %j → %j as %s', (from, to, code, message, hint) => {
    expect(minimal).toContain(from);
    const error = only(validateManifestText(minimal.replace(from, to)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    if (hint) expect(error.hint).toMatch(hint);
  });

  it.each<[string, string, RegExp]>([
    [
      'hooks:\n  install:\n    command: x\n    timeout: 5 min\n',
      '/hooks/install/timeout',
      /did you mean "5m"\?/,
    ],
    [
      'hooks:\n  install:\n    command: x\n    timeout: 1.5m\n',
      '/hooks/install/timeout',
      /did you mean "90s"\?/,
    ],
    ['billing:\n  currency: usd\n', '/billing/currency', /did you mean "USD"\?/],
    [
      'billing:\n  currency: USD\n  hourlyPrice: 0.5\n',
      '/billing/hourlyPrice',
      /write "0\.5" \(in quotes\) or \{micros: 500000\}/,
    ],
    ['billing:\n  currency: USD\n  hourlyPrice: "$5"\n', '/billing/hourlyPrice', /did you mean "5"\?/],
    ['parameters:\n  maxTokens: { type: integer }\n', '/parameters/maxTokens', /did you mean "max_tokens"\?/],
    ['source: ftp://x\n', '/source', /e\.g\. https:\/\/github\.com\/acme-ai\/llama-chat/],
  ])('hints the expected format: %j', (extra, pointer, hint) => {
    const error = only(validateManifestText(minimal + extra));
    expect(error.pointer).toBe(pointer);
    expect(error.hint).toMatch(hint);
  });

  it('puts the caret on the key for unknown and missing properties and on the value for bad values', () => {
    const text =
      'apiVersion: gpuaas.dev/v1alpha1\nname: hello\nversion: 0.1.0\npublisher: acme\nrun:\n  workdir: app\n  extra: 1\nresources:\n  minimum:\n    gpus:\n      count:   -3\n';
    const byCode = Object.fromEntries(validateManifestText(text).errors.map((e) => [e.code, e]));
    expect(byCode['unknown-property']).toMatchObject({ line: 7, column: 3, endLine: 7, endColumn: 8 });
    expect(byCode.required).toMatchObject({ pointer: '/run/entrypoint', line: 5, column: 1 });
    expect(byCode.range).toMatchObject({
      pointer: '/resources/minimum/gpus/count',
      line: 11,
      column: 16,
      endColumn: 18,
    });
  });

  it('places missing top-level properties on the first line of the manifest', () => {
    const error = only(
      validateManifestText(
        '# header\n\napiVersion: gpuaas.dev/v1alpha1\nname: a\nversion: 0.1.0\npublisher: b\nrun: { entrypoint: [x] }\n',
      ),
    );
    expect(error).toMatchObject({ code: 'required', pointer: '/resources', line: 3, column: 1 });
  });

  it('reports all YAML syntax errors, with positions', () => {
    const result = validateManifestText('a: [1, 2\nb: c\nd: e: f\n');
    expect(result.errors.length).toBeGreaterThanOrEqual(2);
    expect(result.errors.every((e) => e.code === 'yaml-syntax')).toBe(true);
    expect(result.errors.map((e) => e.line)).toEqual(expect.arrayContaining([1, 3]));
  });

  it('holds .json manifests to JSON, with JSON hints', () => {
    const json = JSON.stringify(parse(minimal), null, 2);
    expect(validateManifestText(json, { file: 'gpuaas-app.json' }).errors).toEqual([]);
    const single = only(
      validateManifestText(json.replace('"hello"', "'hello'"), { file: 'gpuaas-app.json' }),
    );
    expect(single).toMatchObject({
      code: 'json-syntax',
      line: 3,
      hint: expect.stringMatching(/double quotes/),
    });
    // The same text is fine as YAML, where single quotes are allowed.
    expect(
      validateManifestText(json.replace('"hello"', "'hello'"), { file: 'gpuaas-app.yaml' }).errors,
    ).toEqual([]);
  });

  it('checks GPU models only against a catalog that is given', () => {
    const text = minimal.replace('count: 1', 'count: 1\n      models: [H100-80G]');
    expect(validateManifestText(text).errors).toEqual([]);
    const error = only(validateManifestText(text, { catalog: { models: ['H100-80GB', 'A100-80GB'] } }));
    expect(error).toMatchObject({ code: 'gpu-model-unknown', hint: 'did you mean "H100-80GB"?' });
  });

  it('treats a stop hook with default timeout and default grace period as too short, and says so', () => {
    const error = only(validateManifestText(`${minimal}hooks:\n  stop:\n    command: [./drain]\n`));
    expect(error.code).toBe('grace-period-too-short');
    expect(error.message).toMatch(/30s, the default.*5m, the default/);
    const fixed = `${minimal}hooks:\n  stop:\n    command: [./drain]\n    timeout: 30s\n`;
    expect(validateManifestText(fixed).errors).toEqual([]);
  });
});

const POINTER = /^(\/([^~/]|~[01])*)*$/;

function wellFormed(result: ManifestValidationResult, file: string): boolean {
  const all = [...result.errors, ...result.warnings];
  return (
    result.file === file &&
    (result.value === undefined) === result.errors.length > 0 &&
    all.every(
      (d) =>
        d.file === file &&
        Number.isInteger(d.line) &&
        d.line >= 1 &&
        Number.isInteger(d.column) &&
        d.column >= 1 &&
        (d.endLine === undefined || d.endLine >= d.line) &&
        POINTER.test(d.pointer) &&
        d.code in MANIFEST_ISSUE_CODES &&
        d.code !== 'internal-error' &&
        typeof d.message === 'string' &&
        d.message.length > 0,
    ) &&
    result.errors.every((d) => d.severity === 'error') &&
    result.warnings.every((d) => d.severity === 'warning')
  );
}

describe('validateManifestText never throws', () => {
  const base = parse(typical) as Record<string, unknown>;
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]): void => {
    paths.push(path);
    if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
  };
  walk(base, []);

  it('on nesting deeper than the stack', () => {
    const deep = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const result = validateManifestText(deep);
    expect(wellFormed(result, '<input>')).toBe(true);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.every((e) => e.code === 'yaml-syntax')).toBe(true);
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('m.yaml', 'm.json'),
        (text, file) => wellFormed(validateManifestText(text, { file }), file),
      ),
      { numRuns: 500 },
    );
  });

  it('on arbitrary JSON values written as YAML or JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, asJson) => {
        const file = asJson ? 'm.json' : 'm.yaml';
        const text = asJson ? JSON.stringify(value) : stringify(value);
        return wellFormed(validateManifestText(text, { file }), file);
      }),
      { numRuns: 500 },
    );
  });

  it('on a valid manifest with any part replaced by any value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, replacement) => {
        const copy = structuredClone(base);
        if (path.length === 0) return wellFormed(validateManifestText(stringify(replacement)), '<input>');
        let node: Record<string, unknown> = copy;
        for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
        node[path[path.length - 1]!] = replacement;
        return wellFormed(validateManifestText(stringify(copy)), '<input>');
      }),
      { numRuns: 800 },
    );
  });

  it('on character-level mutations of a valid manifest', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 6 }), (at, cut, insert) => {
        const i = at % (typical.length + 1);
        return wellFormed(
          validateManifestText(typical.slice(0, i) + insert + typical.slice(i + cut)),
          '<input>',
        );
      }),
      { numRuns: 800 },
    );
  });
});

describe('validateManifestPath and loadManifest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-validate-'));
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app', 'gpuaas-app.yaml'), minimal);
    await mkdir(join(dir, 'yml'));
    await writeFile(join(dir, 'yml', 'gpuaas-app.yml'), minimal.replace('count: 1', 'count: -1'));
    await mkdir(join(dir, 'json'));
    await writeFile(join(dir, 'json', 'gpuaas-app.json'), JSON.stringify(parse(minimal)));
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'latin1.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    await writeFile(join(dir, 'huge.yaml'), Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, string, string | undefined]>([
    ['app', 'app/gpuaas-app.yaml', undefined],
    ['app/gpuaas-app.yaml', 'app/gpuaas-app.yaml', undefined],
    ['yml', 'yml/gpuaas-app.yml', 'range'],
    ['json', 'json/gpuaas-app.json', undefined],
    ['empty', 'empty', 'io-error'],
    ['missing', 'missing', 'io-error'],
    ['latin1.yaml', 'latin1.yaml', 'io-error'],
    ['huge.yaml', 'huge.yaml', 'io-error'],
  ])('%s → %s', async (path, file, code) => {
    const result = await validateManifestPath(join(dir, path));
    expect(result.file).toBe(join(dir, file));
    expect(result.errors.map((e) => e.code)).toEqual(code === undefined ? [] : [code]);
  });

  it('names the files it looked for in a folder without a manifest', async () => {
    const result = await validateManifestPath(join(dir, 'empty'));
    expect(result.errors[0]?.message).toMatch(/gpuaas-app\.yaml, gpuaas-app\.yml, gpuaas-app\.json/);
  });

  it('loadManifest returns the manifest, or throws MANIFEST_INVALID with the errors, or NOT_FOUND', async () => {
    const loaded = await loadManifest(join(dir, 'app'));
    expect(loaded).toEqual({
      manifest: parse(minimal),
      file: join(dir, 'app', 'gpuaas-app.yaml'),
      warnings: [],
    });
    const invalid = await loadManifest(join(dir, 'yml')).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(SdkError);
    expect(invalid).toMatchObject({
      code: 'MANIFEST_INVALID',
      details: { errors: [expect.objectContaining({ code: 'range' })] },
    });
    await expect(loadManifest(join(dir, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(loadManifest(join(dir, 'latin1.yaml'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});
