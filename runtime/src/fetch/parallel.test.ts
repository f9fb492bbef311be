import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishApp } from '@gpuaas/sdk';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { PARALLEL_LAYERS } from './build.js';
import { removeTree } from './cache.js';
import { fetchArtifact } from './fetch.js';
import { makeKeys, type TestKeys } from './fixtures.test.util.js';

const available = requireTools('fetching artifacts from a registry', 'docker-registry');
const LAYERS = 5;

/** An app with a main layer and LAYERS - 1 named ones (`d1/**` …), each a file of its own. */
async function writeLayeredApp(dir: string): Promise<void> {
  const named = Array.from(
    { length: LAYERS - 1 },
    (_, i) => `    - { name: l${i + 1}, include: ['d${i + 1}/**'] }`,
  );
  await writeFile(
    join(dir, 'gpuaas-app.yaml'),
    [
      'apiVersion: gpuaas.dev/v1alpha1',
      'name: layered',
      'version: 1.0.0',
      'publisher: gpuaas-tests',
      'run:',
      '  entrypoint: [sh, start.sh]',
      'files:',
      '  layers:',
      ...named,
      'resources:',
      '  minimum:',
      '    gpus: { count: 0 }',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'start.sh'), 'echo hi\n');
  for (let i = 1; i < LAYERS; i++) {
    await mkdir(join(dir, `d${i}`), { recursive: true });
    await writeFile(join(dir, `d${i}`, 'data.bin'), Buffer.alloc(50_000, `layer ${i}`));
  }
}

/** A fetch that holds each blob download open for `holdMs` and counts how many run at once. */
function countingFetch(holdMs: number): { fetch: typeof fetch; most: () => number; blobs: () => number } {
  let running = 0;
  let most = 0;
  let blobs = 0;
  const counting: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if ((init?.method ?? 'GET') !== 'GET' || !url.pathname.includes('/blobs/')) return fetch(input, init);
    blobs++;
    most = Math.max(most, ++running);
    await sleep(holdMs);
    const response = await fetch(input, init);
    const done = new TransformStream<Uint8Array, Uint8Array>({ flush: () => void running-- });
    return new Response(response.body?.pipeThrough(done) ?? null, response);
  };
  return { fetch: counting, most: () => most, blobs: () => blobs };
}

describe.skipIf(!available)('layers are fetched in parallel, with a bound', () => {
  let registry: TestRegistry;
  let work: string;
  let publisher: TestKeys;

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'rt-parallel-'));
    publisher = await makeKeys(join(work, 'publisher'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await removeTree(work);
  });

  it(`downloads ${PARALLEL_LAYERS} layers at once, never more, and unpacks all of them`, async () => {
    const dir = join(work, 'app');
    await mkdir(dir);
    await writeLayeredApp(dir);
    const published = await publishApp(dir, {
      to: `${registry.host}/acme/layered:1.0.0`,
      signingKey: publisher.key,
    });
    expect(published.layers).toHaveLength(LAYERS);

    const counter = countingFetch(150);
    const fetched = await fetchArtifact({
      reference: published.reference,
      cacheDir: join(work, 'cache'),
      keys: [publisher.pub],
      logger: pino({ level: 'silent' }),
      registry: { fetch: counter.fetch },
    });
    // Config and bundle blobs come one by one before the layers; the layers overlap up to the bound.
    expect(counter.most()).toBe(PARALLEL_LAYERS);
    expect(counter.blobs()).toBeGreaterThanOrEqual(LAYERS);
    for (let i = 1; i < LAYERS; i++) {
      expect(await readFile(join(fetched.appDir, `d${i}`, 'data.bin'))).toEqual(
        Buffer.alloc(50_000, `layer ${i}`),
      );
    }
  });
});
