import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireTools } from '@gpuaas/test-support';
import { tempRoot, writeApp } from '../app/testing.js';
import { runDev } from './dev.js';
import type { DevOptions } from './dev.js';
import { formatEvent } from './output.js';

const hasPython = requireTools('dev with the Python helper', 'python3');
let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

/** An app process in node: meters through GPUAAS_RUNTIME_URL (a unix socket), serves PORT if set. */
const APP_JS = `import http from 'node:http';
import { readFileSync } from 'node:fs';
const socketPath = process.env.GPUAAS_RUNTIME_URL.slice('unix:'.length);
const call = (path, body) => new Promise((resolve, reject) => {
  const req = http.request({ socketPath, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end(JSON.stringify(body));
});
const params = JSON.parse(readFileSync(process.env.GPUAAS_PARAMS_FILE, 'utf8'));
console.log('params ' + JSON.stringify(params) + ' env ' + process.env.GPUAAS_PARAM_COUNT);
console.log('meter ' + (await call('/v1/meter', { name: 'items', quantity: params.count ?? 1 })));
if (process.env.PORT) {
  const server = http.createServer((q, r) => r.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  await call('/v1/ready', {});
  await call('/v1/status', { message: 'half', progress: 0.5 });
  process.exit(Number(process.env.EXIT_CODE ?? 0));
}
`;

const JOB = `run:
  entrypoint: [node, app.mjs]
parameters:
  count: { type: integer, minimum: 1, default: 2 }
  label: { type: string, default: x }
meters:
  - { name: items, unit: item, aggregation: sum }
hooks:
  install:
    command: 'echo installing'
`;

function service(port: number): string {
  return `run:
  entrypoint: [node, app.mjs]
  env: { PORT: '${port}' }
endpoints:
  - { name: api, port: ${port}, protocol: http }
meters:
  - { name: items, unit: item, aggregation: sum }
hooks:
  install: { command: 'echo install' }
health:
  readiness:
    http: { endpoint: api, path: / }
    period: 100ms
  stop:
    gracePeriod: 5s
`;
}

interface Captured {
  stdout: PassThrough;
  stderr: PassThrough;
  lines: () => string[];
  events: () => Record<string, unknown>[];
  err: () => string;
  waitFor: (match: (e: Record<string, unknown>) => boolean, what: string) => Promise<void>;
}

function capture(): Captured {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of [...waiters]) w();
  });
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const lines = (): string[] => out.split('\n').filter((l) => l !== '');
  const events = (): Record<string, unknown>[] =>
    lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    stdout,
    stderr,
    lines,
    events,
    err: () => err,
    waitFor: (match, what) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}:\n${out}${err}`)),
          15_000,
        );
        const check = (): void => {
          if (!events().some(match)) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve();
        };
        waiters.push(check);
        check();
      }),
  };
}

async function dev(
  dir: string,
  options: Partial<DevOptions> = {},
  signal?: AbortSignal,
): Promise<{ code: number; out: Captured }> {
  const out = capture();
  const code = await runDev(
    { dir, once: true, json: true, ...options },
    {
      stdout: out.stdout,
      stderr: out.stderr,
      env: { PATH: process.env.PATH ?? '', HOME: root },
      ...(signal && { signal }),
    },
  );
  return { code, out };
}

const states = (events: Record<string, unknown>[]): unknown[] =>
  events.filter((e) => e.type === 'state').map((e) => e.state);

describe('gpuaas-runtime dev --once', () => {
  it('runs the app under an allocation’s rules: a read-only copy of what is packed, a writable data folder', async () => {
    const { dir } = await writeApp(
      root,
      `run:
  entrypoint: [sh, -c, 'touch "$GPUAAS_APP_DIR/written" 2>/dev/null && echo TREE-WRITABLE; touch "$GPUAAS_DATA_DIR/ok" && echo DATA-WRITABLE; ls "$GPUAAS_APP_DIR"; test -e "$GPUAAS_APP_DIR/secret.txt" && echo EXCLUDED-PRESENT; exit 0']
files:
  exclude: ['secret.txt']
`,
      { 'secret.txt': 'not packed' },
    );
    const { code, out } = await dev(dir);
    expect(code, out.lines().join('\n') + out.err()).toBe(0);
    const logs = out
      .events()
      .filter((e) => e.type === 'log')
      .map((e) => e.line)
      .join('\n');
    expect(logs).toContain('DATA-WRITABLE');
    expect(logs).toContain('gpuaas-app.yaml');
    expect(logs).not.toContain('TREE-WRITABLE');
    expect(logs).not.toContain('EXCLUDED-PRESENT');
  });

  it.skipIf(!hasPython)(
    'gives a Python app that imports gpuaas_runtime without carrying it the sdk’s copy, as packing does',
    async () => {
      const { dir } = await writeApp(
        root,
        `run:
  entrypoint: [python3, job.py]
meters:
  - { name: items, unit: item, aggregation: sum }
`,
        {
          'job.py':
            'import gpuaas_runtime as runtime\nprint("metered", runtime.meter("items", 2)["accepted"])\n',
        },
      );
      const { code, out } = await dev(dir);
      expect(code, out.lines().join('\n') + out.err()).toBe(0);
      const events = out.events();
      expect(events.filter((e) => e.type === 'log').map((e) => e.line)).toContain('metered True');
      expect(events.find((e) => e.type === 'usage' && e.source === 'app')).toMatchObject({
        meter: 'items',
        quantity: 2,
      });
    },
  );

  it('fails, as in an allocation, an install hook that writes into the app folder', async () => {
    const { dir } = await writeApp(
      root,
      `run:
  entrypoint: [sh, -c, 'exit 0']
hooks:
  install:
    command: 'mkdir ./__pycache__'
    timeout: 10s
`,
    );
    const { code, out } = await dev(dir);
    expect(code).not.toBe(0);
    const hook = out.events().find((e) => e.type === 'hook') as { ok: boolean; tail: string[] } | undefined;
    expect(hook?.ok).toBe(false);
    expect(hook?.tail.join('\n')).toMatch(/Permission denied|Read-only/);
  });

  it('runs a job to completion: hooks, ready, app and runtime usage, typed params; JSON line shapes', async () => {
    const { dir } = await writeApp(root, JOB, { 'app.mjs': APP_JS });
    const { code, out } = await dev(dir, { params: ['count=3'] });
    const events = out.events();
    expect(code, out.lines().join('\n') + out.err()).toBe(0);
    expect(states(events)).toEqual(['installing', 'configuring', 'starting', 'ready', 'stopped']);
    const types = new Set(events.map((e) => e.type));
    expect(
      [...types].every((t) =>
        ['dev', 'state', 'hook', 'probe', 'log', 'status', 'usage'].includes(t as string),
      ),
    ).toBe(true);
    for (const e of events) expect(typeof e.time).toBe('string');
    expect(events.find((e) => e.type === 'state' && e.state === 'stopped')).toMatchObject({
      previous: 'ready',
      reason: 'exited',
    });
    expect(events.find((e) => e.type === 'hook')).toMatchObject({
      hook: 'install',
      ok: true,
      attempts: 1,
      exit_code: 0,
      signal: null,
      timed_out: false,
      tail: ['installing'],
    });
    const usage = events.filter((e) => e.type === 'usage');
    expect(usage.find((e) => e.source === 'app')).toMatchObject({
      meter: 'items',
      quantity: 3,
      unit: 'item',
    });
    const own = usage.find((e) => e.source === 'runtime');
    expect(own).toMatchObject({ meter: 'app_seconds', unit: 'second' });
    expect(typeof own?.id).toBe('string');
    // No gpus given: no gpu_seconds.
    expect(usage.some((e) => e.meter === 'gpu_seconds')).toBe(false);
    expect(events.find((e) => e.type === 'status')).toMatchObject({ message: 'half', progress: 0.5 });
    // --param count=3 arrives as a number in the params file and as text in the environment.
    const logs = events.filter((e) => e.type === 'log').map((e) => e.line);
    expect(logs).toContain('params {"count":3,"label":"x"} env 3');
    expect(logs).toContain('meter 202');
    // The runtime's own usage is printed before the exit line, which is last.
    expect(events.indexOf(own as Record<string, unknown>)).toBeGreaterThan(
      events.findIndex((e) => e.state === 'stopped'),
    );
    expect(events.at(-1)).toMatchObject({ type: 'dev', event: 'exit', exit_code: 0, ok: true, problems: [] });
    expect(events[0]).toMatchObject({
      type: 'dev',
      event: 'start',
      once: true,
      watch: false,
      gpus: 0,
      params: { count: 3, label: 'x' },
    });
  });

  it('counts GPUs from CUDA_VISIBLE_DEVICES into gpu_seconds', async () => {
    const { dir } = await writeApp(root, JOB, { 'app.mjs': APP_JS });
    const out = capture();
    const code = await runDev(
      { dir, once: true, json: true },
      {
        stdout: out.stdout,
        stderr: out.stderr,
        env: { PATH: process.env.PATH ?? '', HOME: root, CUDA_VISIBLE_DEVICES: '0,1' },
      },
    );
    expect(code).toBe(0);
    const own = out.events().filter((e) => e.type === 'usage' && e.source === 'runtime');
    const app = own.find((e) => e.meter === 'app_seconds');
    const gpu = own.find((e) => e.meter === 'gpu_seconds');
    expect(gpu?.quantity).toBeCloseTo(2 * (app?.quantity as number), 2);
  });

  it('exits 1 when a hook fails, with the hook result, its tail and the failed state', async () => {
    const { dir } = await writeApp(
      root,
      `${JOB}  configure:\n    command: 'echo checking; echo "bad value" >&2; exit 3'\n`,
      {
        'app.mjs': APP_JS,
      },
    );
    const { code, out } = await dev(dir);
    expect(code).toBe(1);
    const events = out.events();
    expect(events.find((e) => e.type === 'hook' && e.hook === 'configure')).toMatchObject({
      ok: false,
      exit_code: 3,
      tail: ['checking', 'bad value'],
    });
    expect(states(events)).toEqual(['installing', 'configuring', 'failed']);
    expect(events.at(-1)).toMatchObject({ type: 'dev', event: 'exit', exit_code: 1, ok: false });
    expect((events.at(-1)?.problems as string[]).join('\n')).toMatch(/hook configure failed \(exit code 3\)/);
    // Readable output shows the failing hook with its tail.
    const readable = events.map((e) => formatEvent(e as never)).join('\n');
    expect(readable).toMatch(/hook +configure FAILED: exit code 3 after 1 attempt/);
    expect(readable).toMatch(/\| bad value/);
  });

  it('exits 1 when a job exits non-zero, without restarting it', async () => {
    const { dir } = await writeApp(
      root,
      JOB.replace('entrypoint: [node, app.mjs]', "entrypoint: [node, app.mjs]\n  env: { EXIT_CODE: '4' }"),
      {
        'app.mjs': APP_JS,
      },
    );
    const { code, out } = await dev(dir);
    expect(code).toBe(1);
    expect(states(out.events()).at(-1)).toBe('failed');
  });

  it('refuses badly typed and unknown --param values with exit 2, naming the parameter', async () => {
    const { dir } = await writeApp(root, JOB, { 'app.mjs': APP_JS });
    const bad = await dev(dir, { params: ['count=many'] });
    expect(bad.code).toBe(2);
    const error = bad.out.events()[0];
    expect(error).toMatchObject({ type: 'error', code: 'PARAMETERS_INVALID' });
    expect(error?.message).toMatch(/parameter "count" must be a integer \(got "many"\)/);
    const range = await dev(dir, { params: ['count=0'] });
    expect(range.code).toBe(2);
    expect(range.out.events()[0]?.message).toMatch(/"count" must be >= 1/);
    const unknown = await dev(dir, { params: ['colour=red'], json: false });
    expect(unknown.code).toBe(2);
    expect(unknown.out.err()).toMatch(
      /^error\[PARAMETERS_INVALID\]: parameter "colour" is not declared by the app \(declared: count, label\)/,
    );
  });

  it('reports an invalid manifest with file:line and exits 1', async () => {
    const { dir } = await writeApp(root, JOB, { 'app.mjs': APP_JS });
    await writeFile(
      join(dir, 'gpuaas-app.yaml'),
      'apiVersion: gpuaas.dev/v1alpha1\nname: Bad_Name\nversion: 1\n',
    );
    const { code, out } = await dev(dir, { json: false });
    expect(code).toBe(1);
    expect(out.err()).toMatch(/^error\[MANIFEST_INVALID\]/);
    expect(out.err()).toMatch(new RegExp(`${join(dir, 'gpuaas-app.yaml')}:2:\\d+ +error +`));
    const missing = await dev(join(root, 'nowhere'));
    expect(missing.code).toBe(2);
  });

  it('stops a service once its readiness probe passes', async () => {
    const port = await freePort();
    const { dir } = await writeApp(root, service(port), { 'app.mjs': APP_JS });
    const { code, out } = await dev(dir);
    const events = out.events();
    expect(code, out.lines().join('\n')).toBe(0);
    expect(states(events)).toEqual(['installing', 'configuring', 'starting', 'ready', 'stopping', 'stopped']);
    expect(events.filter((e) => e.type === 'probe').at(-1)).toMatchObject({
      probe: 'readiness',
      ok: true,
      status: 200,
    });
    expect(events.some((e) => e.type === 'usage' && e.source === 'app')).toBe(true);
    expect(events.some((e) => e.type === 'usage' && e.meter === 'app_seconds')).toBe(true);
  });
});

describe('gpuaas-runtime dev (watching)', () => {
  it('restarts the app when a file changes, and stops it cleanly on a signal', async () => {
    const port = await freePort();
    const { dir } = await writeApp(root, service(port), { 'app.mjs': APP_JS, 'lib/util.txt': 'v1' });
    const abort = new AbortController();
    const out = capture();
    const exit = runDev(
      { dir, json: true, debounceMs: 50, dataDir: join(dir, '.dev') },
      {
        stdout: out.stdout,
        stderr: out.stderr,
        env: { PATH: process.env.PATH ?? '', HOME: root },
        signal: abort.signal,
      },
    );
    const readyCount = (n: number) => (e: Record<string, unknown>) =>
      out.events().filter((x) => x.type === 'state' && x.state === 'ready').length >= n && e.type === 'state';
    await out.waitFor(readyCount(1), 'first ready');
    // Ignored: dotfiles, node_modules, the data folder. Watched: the rest (new folders too).
    await writeFile(join(dir, '.hidden'), 'x');
    await mkdir(join(dir, 'node_modules'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'dep.js'), 'x');
    await writeFile(join(dir, 'lib', 'util.txt'), 'v2');
    await out.waitFor(readyCount(2), 'ready after the change');
    const events = out.events();
    const change = events.find((e) => e.type === 'dev' && e.event === 'change');
    expect(change?.paths).toEqual(['lib/util.txt']);
    const after = states(events.slice(events.indexOf(change as Record<string, unknown>)));
    expect(after).toEqual(['stopping', 'stopped', 'installing', 'configuring', 'starting', 'ready']);
    // The install hook runs again because the files changed.
    expect(events.filter((e) => e.type === 'hook' && e.hook === 'install')).toHaveLength(2);
    abort.abort();
    expect(await exit).toBe(0);
    const final = out.events();
    expect(states(final).slice(-2)).toEqual(['stopping', 'stopped']);
    // One app_seconds record per run, or two for a run that crossed an interval boundary (the
    // intervals are aligned to the clock); never the same id twice.
    const appSeconds = final.filter((e) => e.type === 'usage' && e.meter === 'app_seconds');
    expect(appSeconds.length).toBeGreaterThanOrEqual(2);
    expect(appSeconds.length).toBeLessThanOrEqual(4);
    expect(new Set(appSeconds.map((e) => e.id)).size).toBe(appSeconds.length);
    expect(final.at(-1)).toMatchObject({ type: 'dev', event: 'exit', exit_code: 0 });
  });

  it('runs as a process (built bin): SIGTERM stops the app and exits 0', async () => {
    const port = await freePort();
    const { dir } = await writeApp(root, service(port), { 'app.mjs': APP_JS });
    const bin = fileURLToPath(new URL('../../bin/gpuaas-runtime.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'dev', dir, '--no-watch'], {
      env: { PATH: process.env.PATH, HOME: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${text}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        if (/^state +ready/m.test(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, text).toBe(0);
    expect(text).toMatch(/^state +stopped \(terminated\)$/m);
    expect(text).toMatch(/^usage +app_seconds [\d.]+ second \(runtime\)$/m);
  });
});
