/**
 * What placing through Slurm costs (docs/slurm.md), in one run on this machine: the time from
 * `POST /v1/allocations` (one GPU) to `running`, and from the release to `released`, on a platform
 * with `--scheduler slurm` against the real Slurm 22.05 test cluster (scripts/slurm-cluster.sh,
 * accounting on), and on one with the in-process scheduler as the baseline; both with two local
 * nodes of four simulated GPUs and no sandbox, rounds alternating which goes first (BENCH_RUNS,
 * default 7; medians). No target: the figure says what a Slurm cycle adds (a submit, then the
 * next pass that sees the job running), for docs/benchmarks.md.
 *
 *   npm run bench:slurm
 *
 * Needs root and Debian's slurm-wlm, slurmrestd, munge, slurmdbd and mariadb-server. Prints a
 * JSON array of { name, unit, value, baseline?, ratio? }.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestStore, median, requireSlurm, startSlurmCluster } from '@gpuaas/test-support';
import type { BenchRow, TestStore } from '@gpuaas/test-support';

const platformBin = join(
  fileURLToPath(new URL('../../', import.meta.url)),
  'platform/bin/gpuaas-platform.js',
);
const execNode = promisify(execFile);

interface TestServer {
  url: string;
  stop: () => Promise<void>;
}

/** `gpuaas-platform serve --json` on a free port over `store`; resolves with its URL. */
function startServer(store: TestStore, args: readonly string[], env: NodeJS.ProcessEnv): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [platformBin, 'serve', '--port', '0', '--data-dir', store.dataDir, '--json', ...args],
      { env: { ...process.env, ...env, CI: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      // The `--json` line, not a log line that happens to carry a url.
      const url = /^\{\n\s+"url":\s*"([^"]+)"/m.exec(out)?.[1];
      if (url !== undefined) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({
          url,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${String(code)}: ${out.slice(-2000)}`)));
  });
}

async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached in 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

if (!requireSlurm('bench:slurm')) process.exit(1);

interface Platform {
  name: string;
  store: TestStore;
  server: TestServer;
  token: string;
  project: string;
}

async function platform(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Platform> {
  const store = await createTestStore('sqlite');
  const server = await startServer(
    store,
    ['--local-node', '--simulate', '2x4', '--gpus', 'simulated', '--sandbox', 'none', '--no-demo', ...args],
    env,
  );
  const { stdout } = await execNode(
    process.execPath,
    [
      platformBin,
      'token',
      '--data-dir',
      store.dataDir,
      '--json',
      '--ttl',
      '3600',
      '--user',
      'b@example.com',
      '--project',
      'bench',
    ],
    { env: { ...process.env, CI: '' } },
  );
  const t = JSON.parse(stdout) as { access_token: string; project_id: string };
  return { name, store, server, token: t.access_token, project: t.project_id };
}

async function call<T>(p: Platform, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${p.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${p.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const state = async (p: Platform, id: string) =>
  (await call<{ state: string }>(p, 'GET', `/v1/allocations/${id}`)).state;

/** One allocation through its life: ms to running, ms from release to released. */
async function round(p: Platform): Promise<{ run: number; release: number }> {
  const started = performance.now();
  const { id } = await call<{ id: string }>(p, 'POST', '/v1/allocations', {
    project_id: p.project,
    gpus: { count: 1 },
  });
  await until(async () => (await state(p, id)) === 'running', `${p.name} ${id} running`);
  const running = performance.now();
  await call(p, 'POST', `/v1/allocations/${id}/release`);
  await until(async () => (await state(p, id)) === 'released', `${p.name} ${id} released`);
  return { run: running - started, release: performance.now() - running };
}

const cluster = await startSlurmCluster();
const slurm = await platform('slurm', ['--scheduler', 'slurm', '--slurmrestd-url', cluster.url], {
  SLURM_JWT: cluster.token,
});
const inProcess = await platform('in-process', [], {});
try {
  // One round each first: the first Slurm submit also makes the project's account.
  await round(slurm);
  await round(inProcess);
  type Round = { run: number; release: number };
  const times: { slurm: Round[]; inProcess: Round[] } = { slurm: [], inProcess: [] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? [slurm, inProcess] : [inProcess, slurm];
    for (const p of order) (p === slurm ? times.slurm : times.inProcess).push(await round(p));
  }
  const row = (name: string, key: 'run' | 'release'): BenchRow => {
    const value = Math.round(median(times.slurm.map((t) => t[key])));
    const baseline = Math.round(median(times.inProcess.map((t) => t[key])));
    return { name, unit: 'ms', value, baseline, ratio: Number((value / baseline).toFixed(2)) };
  };
  console.log(
    JSON.stringify(
      [
        row('slurm: create → running, 1 GPU (median; baseline in-process)', 'run'),
        row('slurm: release → released (median; baseline in-process)', 'release'),
      ],
      null,
      2,
    ),
  );
} finally {
  for (const p of [slurm, inProcess]) {
    await p.server.stop();
    await p.store.drop();
  }
  await cluster.stop();
}
