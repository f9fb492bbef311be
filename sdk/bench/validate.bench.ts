/**
 * Manifest validation throughput, warm and single-threaded, against bare ajv on the same manifest
 * in the same run. Targets: at least 5,000 manifests per second for a typical manifest, for the
 * same manifest with 5 errors (positions, messages and hints included), and for a valid manifest
 * written with anchors, block scalars, quoted keys and a directive; a manifest only the `yaml`
 * library reads is measured too, without a target.
 *
 *   npm run bench:validate            (builds, then runs this file)
 *   node sdk/bench/validate.bench.ts [--seconds 2] [--rounds 3]
 *
 * Imports the built sdk (dist). Prints a JSON array of { name, unit, value, baseline?, ratio?,
 * target? } and exits 1 when a target is missed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';
import { manifestSchema } from '@gpuaas/manifest-schema';
import { validateManifestText } from '@gpuaas/sdk';
import type { BenchRow } from '@gpuaas/test-support';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const fixtures = new URL('../../manifest-schema/fixtures/', import.meta.url);
const typical = readFileSync(new URL('valid/llama-chat.yaml', fixtures), 'utf8');
const yamlFeatures = readFileSync(new URL('valid/batch-train.yaml', fixtures), 'utf8');
const fullParser = readFileSync(new URL('valid/full-parser.yaml', fixtures), 'utf8');
const broken = typical
  .replace('count: 1\n      minMemoryGiB: 24', 'count: two\n      minMemoryGiB: 24')
  .replace('workdir: .', 'wrkdir: .')
  .replace('aggregation: sum', 'aggregation: summ')
  .replace(/hourlyPrice: .*/, 'hourlyPrice: 0.5')
  .replace('{ endpoint: api,', '{ endpoint: apii,');

type Row = BenchRow;

/** Calls per second: warm up, then the median of `rounds` timed rounds of `seconds` each. */
function rate(fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      elapsed = performance.now() - start;
    }
    results.push((n * 1000) / elapsed);
  }
  results.sort((a, b) => a - b);
  return Math.round(results[Math.floor(results.length / 2)] ?? 0);
}

function check(text: string, wantErrors: number): void {
  const result = validateManifestText(text, { file: 'gpuaas-app.yaml' });
  if (result.errors.length !== wantErrors) {
    throw new Error(`bench input has ${result.errors.length} errors, expected ${wantErrors}`);
  }
}
check(typical, 0);
check(yamlFeatures, 0);
check(fullParser, 0);
check(broken, 5);

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
ajvFormats.default(ajv, ['uri', 'regex']);
const bare = ajv.compile(manifestSchema);
const parsed: unknown = parse(typical);
if (!bare(parsed)) throw new Error('the typical manifest must be valid for the baseline');

const baseline = rate(() => bare(parsed));
const ours = rate(() => validateManifestText(typical, { file: 'gpuaas-app.yaml' }));
const rows: Row[] = [
  {
    name: 'validateManifestText: typical 87-line manifest (valid/llama-chat.yaml)',
    unit: 'manifests/s',
    value: ours,
    baseline,
    ratio: Math.round((ours / baseline) * 1000) / 1000,
    target: 5000,
  },
  { name: 'baseline: bare ajv validate of the already parsed object', unit: 'manifests/s', value: baseline },
  {
    name: 'validateManifestText: same manifest with 5 errors (positions, messages, hints)',
    unit: 'manifests/s',
    value: rate(() => validateManifestText(broken, { file: 'gpuaas-app.yaml' })),
    target: 5000,
  },
  {
    name: 'validateManifestText: valid manifest with anchors, block scalars, quoted keys (valid/batch-train.yaml)',
    unit: 'manifests/s',
    value: rate(() => validateManifestText(yamlFeatures, { file: 'gpuaas-app.yaml' })),
    target: 5000,
  },
  {
    name: 'validateManifestText: valid manifest only the yaml library reads (valid/full-parser.yaml)',
    unit: 'manifests/s',
    value: rate(() => validateManifestText(fullParser, { file: 'gpuaas-app.yaml' })),
  },
];
console.log(JSON.stringify(rows, null, 2));
if (rows.some((r) => r.target !== undefined && r.value < r.target)) process.exitCode = 1;
