/**
 * Catalog apps on a real `gpuaas-platform serve` (SQLite, one simulated node of two GPUs, the
 * sandbox `auto` picks: bubblewrap when installed), with the demo app it seeds (the
 * console-extension template, apps/demo.ts) as the template app, in one run:
 *
 * - catalog launch to app ready, allocation included: `POST /v1/apps/instances` without an
 *   allocation, then `GET /v1/apps/instances/{id}` until the runtime says `ready`; baseline: the
 *   same steps one by one through the API (`POST /v1/allocations`, wait `running`,
 *   `POST /v1/allocations/{id}/app` with the version's release reference, wait `ready`). Runs
 *   alternate (BENCH_RUNS, default 3; medians); both poll every 100 ms. Target: ratio ≤ 1.1.
 * - the endpoint relay (`/v1/allocations/{id}/app/endpoints/ui/healthz` with the member's token)
 *   against a direct request to the app inside the allocation: the same path on the runtime's own
 *   endpoint route over its Unix socket (what the platform relays to, with the runtime's secret;
 *   the sandbox has no other way in). Throughput with BENCH_CONNECTIONS (default 8) keep-alive
 *   connections for BENCH_SECONDS (default 10); latency with one connection, BENCH_SAMPLES
 *   (default 2000) requests; relay and direct alternated BENCH_RUNS times, medians. Targets:
 *   throughput ratio ≥ 0.8, p99 at most 2 ms above the direct p99. Beside them, the CPU time
 *   each request cost every process on its path (read from /proc), steadier than throughput on
 *   a machine shared with other work.
 *
 *   npm run bench:apps
 *
 * Prints a JSON array of { name, unit, value, baseline?, ratio?, target? } and exits 1 when a
 * target is missed. The relay's rate limit is raised for the run (`--relay-rate-limit`).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createTestStore, httpLoad, median, ownCpuMs, processTreeCpu } from '@gpuaas/test-support';
import type { BenchRow, HttpLoadTarget } from '@gpuaas/test-support';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const samples = Number(process.env.BENCH_SAMPLES ?? 2000);
const DEMO_APP = 'gpuaas-demo/dashboard';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const platformBin = join(repoRoot, 'platform/bin/gpuaas-platform.js');
const log = (line: string) => process.stderr.write(`bench:apps: ${line}\n`);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `node ARGS` to its end; its stdout, or a rejection with its output. */
function node(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, CI: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${err}`))));
  });
}

/** `gpuaas-platform serve` on a free port; its URL and a stop function. */
function startServer(dataDir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const args = ['serve', '--port', '0', '--data-dir', dataDir, '--json', '--local-node', '--simulate', '1x2'];
  args.push('--gpus', 'simulated', '--relay-rate-limit', '100000000');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [platformBin, ...args], { env: { ...process.env, CI: '' } });
    // Its log (a line per request) is drained, only its tail kept: this process is the load generator.
    let out = '';
    let started = false;
    child.stdout.on('data', (c: Buffer) => {
      out = (out + c.toString()).slice(-8192);
      if (started) return;
      const match = /"url":\s*"([^"]+)"/.exec(out);
      if (match === null) return;
      started = true;
      const stop = () =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
      resolve({ url: match[1] ?? '', pid: child.pid ?? 0, stop });
    });
    child.stderr.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-8192)));
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out.slice(-2000)}`)));
  });
}

const store = await createTestStore('sqlite');
const server = await startServer(store.dataDir);
const minted = JSON.parse(
  await node(
    [platformBin, 'token', '--data-dir', store.dataDir, '--user', 'bench@example.com'].concat([
      '--project',
      'bench',
      '--ttl',
      '7200',
      '--json',
    ]),
  ),
) as { access_token: string; project_id: string };
const token = minted.access_token;
const projectId = minted.project_id;

/** One API call; the parsed body, or a rejection naming the status and the problem. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Polls `probe` every 100 ms until it answers; fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

const stateOf =
  (what: string, wanted: string, bad: readonly string[]) => (state: string, detail: unknown) => {
    if (bad.includes(state)) throw new Error(`${what} ended ${state}: ${JSON.stringify(detail)}`);
    return state === wanted ? true : undefined;
  };

async function release(allocation: string): Promise<void> {
  await api('POST', `/v1/allocations/${allocation}/release`).catch(() => undefined);
  await until(`release of ${allocation}`, async () => {
    const a = await api<{ state: string }>('GET', `/v1/allocations/${allocation}`);
    return ['released', 'failed'].includes(a.state) ? true : undefined;
  });
}

/** The catalog's one call; seconds to ready and the allocation it made (or why it cannot). */
async function catalogLaunch(): Promise<{ seconds: number; allocation: string }> {
  const started = performance.now();
  const created = await api<{ id: string; allocation_id: string }>('POST', '/v1/apps/instances', {
    project_id: projectId,
    app: DEMO_APP,
    accepted_permissions: [],
  });
  const ready = stateOf('the catalog instance', 'ready', ['failed', 'stopped']);
  const instance = await until('the catalog instance ready', async () => {
    const i = await api<{ state: string; failure?: unknown; allocation_id: string }>(
      'GET',
      `/v1/apps/instances/${created.id}`,
    );
    return ready(i.state, i.failure) === true ? i : undefined;
  });
  return { seconds: (performance.now() - started) / 1000, allocation: instance.allocation_id };
}

/** The same by hand: allocate, wait running, launch the release, wait ready. */
async function stepwise(reference: string): Promise<{ seconds: number; allocation: string }> {
  const started = performance.now();
  const { id } = await api<{ id: string }>('POST', '/v1/allocations', {
    project_id: projectId,
    gpus: { count: 1 },
  });
  const running = stateOf('the allocation', 'running', ['failed', 'released', 'preempted']);
  await until('the allocation running', async () => {
    const a = await api<{ state: string; state_reason?: unknown }>('GET', `/v1/allocations/${id}`);
    return running(a.state, a.state_reason);
  });
  await api('POST', `/v1/allocations/${id}/app`, { artifact: reference });
  const ready = stateOf('the app', 'ready', ['failed', 'stopped']);
  await until('the app ready', async () => {
    const s = await api<{ state: string; reason?: unknown }>('GET', `/v1/allocations/${id}/app`);
    return ready(s.state, s.reason);
  });
  return { seconds: (performance.now() - started) / 1000, allocation: id };
}

const rows: BenchRow[] = [];
const allocations: string[] = [];
try {
  const app = await until('the demo app in the catalog', async () => {
    const { items } = await api<{ items: { name: string; versions: { release_reference: string }[] }[] }>(
      'GET',
      `/v1/apps?project_id=${projectId}`,
    );
    return items.find((a) => a.name === DEMO_APP);
  });
  const reference = app.versions[0]?.release_reference ?? '';
  const catalog: number[] = [];
  const steps: number[] = [];
  let catalogMissing: string | undefined;
  for (let i = 0; i < runs; i++) {
    for (const way of i % 2 === 0 ? (['catalog', 'steps'] as const) : (['steps', 'catalog'] as const)) {
      if (way === 'catalog' && catalogMissing !== undefined) continue;
      try {
        const r = way === 'catalog' ? await catalogLaunch() : await stepwise(reference);
        (way === 'catalog' ? catalog : steps).push(r.seconds);
        log(`${way} run ${i + 1}: ${round(r.seconds)} s`);
        await release(r.allocation);
      } catch (error) {
        // Until POST /v1/apps/instances takes no allocation_id, the catalog way cannot run.
        if (way === 'catalog' && /^POST \/v1\/apps\/instances: 4\d\d /.test((error as Error).message)) {
          catalogMissing = (error as Error).message;
          log(`catalog launch without an allocation is not available here: ${catalogMissing}`);
        } else throw error;
      }
    }
  }
  const stepsMedian = median(steps);
  rows.push({
    name: 'the same steps one by one through the API, to app ready',
    unit: 's',
    value: round(stepsMedian),
  });
  if (catalog.length > 0) {
    const value = median(catalog);
    rows.push({
      name: 'catalog launch to app ready, allocation included',
      unit: 's',
      value: round(value),
      baseline: round(stepsMedian),
      ratio: round(value / stepsMedian),
      target: 1.1,
    });
  }

  // The relay against the runtime's own endpoint route, on an app left running.
  const kept = await stepwise(reference);
  allocations.push(kept.allocation);
  const db = new Database(join(store.dataDir, 'platform.sqlite'), { readonly: true, fileMustExist: true });
  const runtime = db
    .prepare('SELECT endpoint, runtime_secret FROM allocations WHERE id = ?')
    .get(kept.allocation) as { endpoint: string; runtime_secret: string };
  db.close();
  const relay: HttpLoadTarget = {
    url: new URL(`${server.url}/v1/allocations/${kept.allocation}/app/endpoints/ui/healthz`),
    headers: { authorization: `Bearer ${token}` },
  };
  const direct: HttpLoadTarget = {
    socketPath: runtime.endpoint.replace(/^unix:/, ''),
    url: new URL('http://runtime/v1/app/endpoints/ui/healthz'),
    headers: { authorization: `Bearer ${runtime.runtime_secret}` },
  };
  const measured = {
    relay: { rps: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[] },
    direct: { rps: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[] },
  };
  for (const target of [relay, direct]) await httpLoad(target, { connections: 2, count: 300 });
  for (let i = 0; i < runs; i++) {
    for (const [name, target] of [
      ['direct', direct],
      ['relay', relay],
    ] as const) {
      const cpuBefore = processTreeCpu(server.pid).treeMs + ownCpuMs();
      const throughput = await httpLoad(target, { connections, ms: seconds * 1000 });
      measured[name].cpu.push(
        (processTreeCpu(server.pid).treeMs + ownCpuMs() - cpuBefore) / throughput.requests,
      );
      const latency = await httpLoad(target, { connections: 1, count: samples });
      if (throughput.failures + latency.failures > 0)
        throw new Error(`${name}: ${throughput.failures + latency.failures} requests failed`);
      measured[name].rps.push(throughput.rps);
      measured[name].p50.push(latency.p50);
      measured[name].p99.push(latency.p99);
      log(
        `${name} run ${i + 1}: ${round(throughput.rps, 0)} req/s, p50 ${round(latency.p50)} ms, p99 ${round(latency.p99)} ms`,
      );
    }
  }
  const r = {
    rps: median(measured.relay.rps),
    p50: median(measured.relay.p50),
    p99: median(measured.relay.p99),
  };
  const d = {
    rps: median(measured.direct.rps),
    p50: median(measured.direct.p50),
    p99: median(measured.direct.p99),
  };
  rows.push(
    {
      name: `endpoint relay throughput (${connections} connections)`,
      unit: 'req/s',
      value: round(r.rps, 0),
      baseline: round(d.rps, 0),
      ratio: round(r.rps / d.rps),
      target: 0.8,
    },
    {
      name: 'endpoint relay p50 latency (1 connection)',
      unit: 'ms',
      value: round(r.p50),
      baseline: round(d.p50),
      ratio: round(r.p50 / d.p50),
    },
    {
      name: 'endpoint relay p99 latency (1 connection)',
      unit: 'ms',
      value: round(r.p99),
      baseline: round(d.p99),
      ratio: round(r.p99 / d.p99),
    },
    { name: 'endpoint relay p99 above direct', unit: 'ms', value: round(r.p99 - d.p99), target: 2 },
    {
      // What each request cost every process on its path (the platform, the runtime, the app and
      // the load generator), from /proc: on a saturated machine throughput is its inverse, and
      // unlike throughput it barely moves with whatever else the machine runs.
      name: 'CPU per request, all processes (throughput runs)',
      unit: 'ms',
      value: round(median(measured.relay.cpu), 3),
      baseline: round(median(measured.direct.cpu), 3),
      ratio: round(median(measured.relay.cpu) / median(measured.direct.cpu)),
    },
  );
} finally {
  for (const allocation of allocations) await release(allocation).catch(() => undefined);
  await server.stop();
  await store.drop();
}

console.log(JSON.stringify(rows, null, 2));
const missed = rows.filter((row) =>
  row.target === undefined
    ? false
    : row.unit === 'req/s'
      ? (row.ratio ?? 0) < row.target
      : row.ratio !== undefined
        ? row.ratio > row.target
        : row.value > row.target,
);
for (const row of missed) log(`MISSED ${row.name}: ${row.ratio ?? row.value} (target ${row.target})`);
if (missed.length > 0) process.exitCode = 1;
