/**
 * The example apps in examples/: each manifest validates, and each app runs against a fake
 * runtime the way the real runtime will run it (hooks, probes, meters, progress, stop).
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import { startFakeRuntime } from '../app/fake-runtime.js';
import { loadManifest } from '../manifest/index.js';
import { collectFiles } from '../pack/collect.js';
import { checkManifest, freePort, request, startProcess, waitForHealthy } from './app-harness.test.util.js';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const examples = readdirSync(examplesDir).filter((d) => existsSync(join(examplesDir, d, 'gpuaas-app.yaml')));
const work = mkdtempSync(join(tmpdir(), 'gpuaas-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const run = promisify(execFile);
const hasPython = requireTools('python examples', 'python3');

/**
 * Stages an example the way its artifact holds it (the packer's selection, which adds the sdk's
 * gpuaas_runtime.py the examples import but do not carry) in a scratch folder runs may write to.
 */
async function copyOf(example: string): Promise<string> {
  const source = join(examplesDir, example);
  const dir = mkdtempSync(join(work, `${example}-`));
  const { manifest } = await loadManifest(source);
  const { layers } = await collectFiles(source, manifest.files ?? {});
  for (const file of layers.flatMap((layer) => layer.files)) {
    if (file.type !== 'file') continue;
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    copyFileSync(file.absolutePath, join(dir, file.path));
    if (file.executable) chmodSync(join(dir, file.path), 0o755);
  }
  return dir;
}

describe('examples', () => {
  it('include echo-llm and image-batch', () => {
    expect(examples).toEqual(expect.arrayContaining(['echo-llm', 'image-batch']));
  });

  it.each(examples)('%s has a valid manifest and a README', async (example) => {
    const check = await checkManifest(join(examplesDir, example, 'gpuaas-app.yaml'));
    expect(check.errors).toEqual([]);
    expect(check.value.name).toBe(example);
    expect(readFileSync(join(examplesDir, example, 'README.md'), 'utf8')).toContain('## Run it locally');
  });

  it('echo-llm declares the lifecycle features the end-to-end tests rely on', async () => {
    const { value } = await checkManifest(join(examplesDir, 'echo-llm/gpuaas-app.yaml'));
    expect(Object.keys(value.hooks as object)).toEqual(
      expect.arrayContaining(['install', 'configure', 'stop']),
    );
    expect(value.health).toMatchObject({ readiness: { http: {} }, liveness: { http: {} } });
    const params = value.parameters as Record<string, Record<string, unknown>>;
    expect(Object.values(params).some((p) => p.secret === true && !('default' in p))).toBe(true);
    expect(Object.values(params).some((p) => Array.isArray(p.enum))).toBe(true);
  });

  it('image-batch packs weights/ in a layer of its own and keeps them small and generated', async () => {
    const { value } = await checkManifest(join(examplesDir, 'image-batch/gpuaas-app.yaml'));
    expect(value.files).toMatchObject({ layers: [{ name: 'weights', include: ['weights/**'] }] });
    const weights = readdirSync(join(examplesDir, 'image-batch/weights'));
    expect(weights.length).toBeGreaterThan(0);
    if (!hasPython) return;
    const dir = await copyOf('image-batch');
    await run('python3', ['make_weights.py'], { cwd: dir });
    for (const file of weights) {
      const committed = readFileSync(join(examplesDir, 'image-batch/weights', file));
      expect(committed.length, file).toBeLessThan(4096);
      expect(
        readFileSync(join(dir, 'weights', file)).equals(committed),
        `${file} is what make_weights.py writes`,
      ).toBe(true);
    }
  });
});

describe.skipIf(!hasPython)('examples run against a fake runtime', () => {
  it('echo-llm: configure, serve with auth, meter, drain with the stop hook, stop on SIGTERM', async () => {
    const dir = await copyOf('echo-llm');
    const params = {
      GPUAAS_PARAM_MODEL: 'echo-large',
      GPUAAS_PARAM_API_KEY: 'sekrit-key-1',
      GPUAAS_PARAM_MAX_TOKENS: '8',
    };
    const env = { ...process.env, ...params };
    expect((await run('python3', ['configure.py'], { cwd: dir, env })).stdout).toContain('auth=api-key');
    const refused = await run('python3', ['configure.py'], {
      cwd: dir,
      env: { ...env, GPUAAS_PARAM_MODEL: 'gpt-9' },
    }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(refused).toMatchObject({ code: 1 });
    expect(JSON.stringify(refused)).not.toContain('sekrit-key-1');

    const runtime = await startFakeRuntime({ meters: ['tokens', 'requests'] });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = startProcess('python3', ['server.py'], dir, {
      ...params,
      PORT: String(port),
      GPUAAS_RUNTIME_URL: runtime.url,
    });
    try {
      await waitForHealthy(`${base}/readyz`, app);
      await runtime.waitFor((r) => r.readyCalls === 1);
      expect((await request(`${base}/v1/completions`, 'POST', { prompt: 'a b' })).status).toBe(401);
      const answer = await request(
        `${base}/v1/completions`,
        'POST',
        { prompt: 'hello big world', max_tokens: 5 },
        {
          authorization: 'Bearer sekrit-key-1',
        },
      );
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as { model: string; choices: { text: string }[] };
      expect(body.model).toBe('echo-large');
      expect(body.choices[0]?.text).toBe('hello hello big big world');
      await runtime.waitFor((r) => r.meters.length === 2);
      expect(runtime.total('tokens')).toBe(5);
      expect(runtime.total('requests')).toBe(1);
      expect(runtime.statuses.at(-1)).toMatchObject({ progress: 1 });

      const stop = await run('python3', ['stop.py'], {
        cwd: dir,
        env: { ...process.env, PORT: String(port) },
      });
      expect(stop.stdout).toContain('"drained": true');
      expect((await request(`${base}/readyz`)).status).toBe(503);
      expect((await request(`${base}/healthz`)).status).toBe(200);
      expect(app.output()).not.toContain('sekrit-key-1');
    } finally {
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      await runtime.close();
    }
  });

  it('echo-llm stop hook succeeds when the server is already gone', async () => {
    const stop = await run('python3', ['stop.py'], {
      cwd: await copyOf('echo-llm'),
      env: { ...process.env, PORT: String(await freePort()) },
    });
    expect(stop.stderr).toContain('nothing to drain');
  });

  it('image-batch: install check, progress to 1, one image and its pixels metered per image', async () => {
    const dir = await copyOf('image-batch');
    expect((await run('python3', ['job.py', '--check-weights'], { cwd: dir })).stdout).toContain(
      'weights ok',
    );
    const runtime = await startFakeRuntime({
      meters: ['images', 'pixels'],
      socketPath: join(dir, 'rt.sock'),
    });
    const out = join(dir, 'rendered');
    const job = () =>
      startProcess('python3', ['job.py'], dir, {
        GPUAAS_RUNTIME_URL: runtime.url,
        GPUAAS_PARAM_COUNT: '5',
        GPUAAS_PARAM_SIZE: '32',
        GPUAAS_PARAM_OUTPUT_DIR: out,
      });
    try {
      const first = job();
      expect(await first.exited, first.output()).toBe(0);
      const images = readdirSync(out).sort();
      expect(images).toEqual([
        'image-0000.ppm',
        'image-0001.ppm',
        'image-0002.ppm',
        'image-0003.ppm',
        'image-0004.ppm',
      ]);
      const ppm = readFileSync(join(out, 'image-0000.ppm'));
      expect(ppm.subarray(0, 13).toString()).toBe('P6\n32 32\n255\n');
      expect(ppm.length).toBe(13 + 32 * 32 * 3);
      expect(runtime.total('images')).toBe(5);
      expect(runtime.total('pixels')).toBe(5 * 32 * 32);
      const progress = runtime.statuses.flatMap((s) => (s.progress === undefined ? [] : [s.progress]));
      expect(progress).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1]);

      // The same seed again: identical images, and the runtime bills none of them twice.
      const second = job();
      expect(await second.exited).toBe(0);
      expect(readFileSync(join(out, 'image-0000.ppm')).equals(ppm)).toBe(true);
      expect(runtime.total('images')).toBe(5);
      expect(runtime.meterRequests.length).toBe(20);
    } finally {
      await runtime.close();
    }
  });
});
