/**
 * `npm run bench:sdk`: what the Python SDK (`sdk/python`) costs on top of the HTTP library under
 * it, against a real `gpuaas-platform serve` (SQLite, a local simulated node) started here:
 *
 * - 1,000 sequential `GET /v1/allocations/{id}` through `gpuaas.Client` (token source, correlation
 *   id, retry loop, typed model) vs a bare `httpx.Client` sending the same request, in the same
 *   run (sdk/python/bench/get_allocation.py alternates blocks of both). Target: ratio ≤ 1.2.
 * - `python3 -X importtime -c "import gpuaas"`, the median of 5 (after one run that compiles the
 *   bytecode). Target: < 200 ms.
 *
 * The interpreter is test-support's choice (GPUAAS_PYTHON, else /usr/bin/python3 with httpx, else
 * python3). Prints a JSON array of { name, unit, value, baseline?, ratio?, target? } on stdout
 * (progress on stderr) and exits 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonSdkSource, requirePython } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const platformBin = join(repoRoot, 'platform/bin/gpuaas-platform.js');
const log = (line: string): void => void process.stderr.write(`bench:sdk: ${line}\n`);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const ran = await run(command, args, env);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${ran.code}):\n${ran.stderr}`);
  return ran.stdout;
}

/** `gpuaas-platform serve --json` on a free port; resolves with its URL and a stop function. */
function serve(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const args = [
    'serve',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--json',
    '--local-node',
    '--simulate',
    '1x4',
    '--gpus',
    'simulated',
  ];
  const child = spawn(process.execPath, [platformBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, CI: '' },
  });
  const stopped = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr.resume();
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /"url":\s*"([^"]+)"/.exec(out);
      if (match?.[1] === undefined) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ url: match[1], stop: () => (child.kill('SIGTERM'), stopped) });
    });
    child.once('close', (code) =>
      reject(new Error(`gpuaas-platform serve exited ${code} before it was ready`)),
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function importMs(python: string, env: NodeJS.ProcessEnv): Promise<number> {
  const ran = await run(python, ['-X', 'importtime', '-c', 'import gpuaas'], env);
  if (ran.code !== 0) throw new Error(`import gpuaas failed:\n${ran.stderr}`);
  // The last line is the package itself: "import time: self | cumulative | gpuaas" (µs).
  const match = /\|\s*(\d+)\s*\|\s*gpuaas\s*$/m.exec(ran.stderr);
  if (match?.[1] === undefined) throw new Error(`no importtime line for gpuaas:\n${ran.stderr.slice(-2000)}`);
  return Number(match[1]) / 1000;
}

const python = requirePython('bench:sdk', ['httpx', 'websockets']);
if (python === undefined) process.exit(1);
const env = { ...process.env, PYTHONPATH: pythonSdkSource };
const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-bench-sdk-'));
const rows: BenchRow[] = [];
try {
  const server = await serve(dataDir);
  try {
    log(`platform at ${server.url}; python ${python}`);
    const token = (
      await ok(process.execPath, [
        platformBin,
        'token',
        '--data-dir',
        dataDir,
        '--user',
        'bench@example.com',
        '--project',
        'bench',
      ])
    ).trim();
    // The platform allows 1,200 requests a minute per credential: httpx gets a token of its own.
    const baselineToken = (
      await ok(process.execPath, [
        platformBin,
        'token',
        '--data-dir',
        dataDir,
        '--user',
        'baseline@example.com',
        '--project',
        'bench',
      ])
    ).trim();
    const withToken = {
      ...env,
      GPUAAS_API_URL: server.url,
      GPUAAS_TOKEN: token,
      GPUAAS_BASELINE_TOKEN: baselineToken,
    };
    const created = await ok(
      python,
      [
        '-c',
        'from gpuaas import Client\nwith Client() as c: print(c.allocations.create(gpus=1, project="bench").id)',
      ],
      withToken,
    );
    const n = 1000;
    const timed = JSON.parse(
      await ok(python, ['sdk/python/bench/get_allocation.py', created.trim(), String(n)], withToken),
    ) as { sdk_ms: number; raw_ms: number };
    const ratio = timed.sdk_ms / timed.raw_ms;
    rows.push(
      {
        name: `python sdk: ${n} sequential GET /v1/allocations/{id} (gpuaas.Client vs bare httpx)`,
        unit: 'ms',
        value: Number(timed.sdk_ms.toFixed(1)),
        baseline: Number(timed.raw_ms.toFixed(1)),
        ratio: Number(ratio.toFixed(3)),
        target: 1.2,
      },
      {
        name: 'python sdk: client overhead per request',
        unit: 'µs',
        value: Number((((timed.sdk_ms - timed.raw_ms) / n) * 1000).toFixed(1)),
      },
    );
  } finally {
    await server.stop();
  }
  await importMs(python, env); // compiles the bytecode, as an installed package has it
  const imports: number[] = [];
  for (let i = 0; i < 5; i++) imports.push(await importMs(python, env));
  rows.push({
    name: 'python sdk: import gpuaas (-X importtime, median of 5)',
    unit: 'ms',
    value: Number(median(imports).toFixed(1)),
    target: 200,
  });
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
const missed = rows.filter((r) => r.target !== undefined && (r.ratio ?? r.value) > r.target);
for (const r of missed) log(`target missed: ${r.name}: ${r.ratio ?? r.value} > ${r.target}`);
process.exitCode = missed.length > 0 ? 1 : 0;
