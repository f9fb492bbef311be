/**
 * `npm run bench:terminal` (builds, then runs this file): the web terminal's data path against a
 * bare local pty, in the same run.
 *
 * Ours: a WebSocket client here → an HTTP server using `proxyTerminal` (terminal-proxy.ts, its own
 * process, loading the built platform) → the runtime (`gpuaas-runtime serve`, its own process, with
 * RUNTIME_NODE_FLAGS as the node agent starts it) on a Unix socket → node-pty → the command.
 * Baseline: the same command under `script -qc CMD /dev/null` (util-linux), its stdout read
 * through a pipe: the pty alone.
 *
 * Figures: output throughput of `head -c 256M /dev/zero | base64` (median of BENCH_RUNS, default
 * 3, runs alternated with the baseline; both must deliver the same byte count); keystroke echo
 * latency p50/p99 (one byte to `cat` in raw mode and back, BENCH_ECHO_SAMPLES samples, default
 * 1000, after 100 warm-up ones; baseline: the same through `script`); peak RSS (VmHWM) of the
 * runtime and proxy processes, with their idle RSS as the baseline; their CPU per GB of output,
 * the runtime's against `script`'s own (a C reader of the same pty: what reading a pty costs).
 * Targets (issue 20): throughput ratio ≥ 0.95, echo p99 ≤ 2 ms, runtime peak RSS ≤ 120 MiB, runtime
 * CPU ≤ 4.05 s/GB (half of the 8.1 measured before). BENCH_TERMINAL_MIB (default 256) shrinks
 * the flood for a smoke run; BENCH_PROFILE_DIR=DIR writes CPU profiles of the runtime and proxy.
 * Prints a JSON array of rows; exits 1 when a target is missed.
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { RUNTIME_NODE_FLAGS } from '@gpuaas/runtime/node-flags';
import type { BenchRow } from '@gpuaas/test-support';
import type { ProxyReady } from './terminal-proxy.ts';

const mib = Number(process.env.BENCH_TERMINAL_MIB ?? 256);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const samples = Number(process.env.BENCH_ECHO_SAMPLES ?? 1000);
const flood = `head -c ${mib}M /dev/zero | base64`;
const echoCommand = 'stty raw -echo; echo ready; exec cat';
/** BENCH_PROFILE_DIR=DIR writes CPU profiles of the runtime and proxy processes there. */
const profile = process.env.BENCH_PROFILE_DIR;
const profileArgs = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
const log = (line: string) => process.stderr.write(`bench:terminal: ${line}\n`);

/** Bytes a pty delivers for the flood: base64 in 76-character lines, each ended by \r\n. */
const chars = Math.ceil((mib * 1024 * 1024) / 3) * 4;
const expectedBytes = chars + 2 * Math.ceil(chars / 76);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** User + system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// ---------------------------------------------------------------------------------------------
// processes

const dir = await mkdtemp(join(tmpdir(), 'bt-'));
const socketPath = join(dir, 'rt.sock');
const secretFile = join(dir, 'secret');
await writeFile(secretFile, `bench-secret-${process.pid}-0123456789abcdef`, { mode: 0o600 });
const children: ChildProcess[] = [];

async function startRuntime(): Promise<ChildProcess> {
  const bin = fileURLToPath(new URL('../../runtime/bin/gpuaas-runtime.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      // The flags the node agent starts the runtime with (its memory figures depend on them).
      ...RUNTIME_NODE_FLAGS,
      ...profileArgs,
      bin,
      'serve',
      '--socket',
      socketPath,
      '--secret-file',
      secretFile,
      '--log-level',
      'warn',
    ],
    { env: { PATH: process.env.PATH, HOME: dir, LANG: 'C' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gpuaas-runtime exited with ${String(code)}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  log(`runtime: ${line}`);
  return child;
}

async function startProxy(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL('./terminal-proxy.ts', import.meta.url), [socketPath, secretFile], {
    execArgv: profileArgs,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const [ready] = (await once(child, 'message')) as [ProxyReady];
  return { child, port: ready.port };
}

// ---------------------------------------------------------------------------------------------
// throughput

function terminalUrl(port: number, command: string): string {
  return `ws://127.0.0.1:${port}/?command=${encodeURIComponent(JSON.stringify(['sh', '-c', command]))}`;
}

async function oursThroughput(port: number): Promise<{ seconds: number; bytes: number }> {
  const ws = new WebSocket(terminalUrl(port, flood), ['gpuaas.terminal.v1'], { perMessageDeflate: false });
  await once(ws, 'open');
  const start = performance.now();
  let bytes = 0;
  let frames = 0;
  let end = 0;
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      bytes += data.length;
      frames += 1;
    } else if ((JSON.parse(data.toString()) as { type: string }).type === 'exit') end = performance.now();
  });
  await once(ws, 'close');
  log(`ours: ${frames} frames, ${Math.round(bytes / frames)} bytes per frame on average`);
  return { seconds: (end - start) / 1000, bytes };
}

async function baselineThroughput(): Promise<{ seconds: number; bytes: number; cpu: number }> {
  const start = performance.now();
  const child = spawn('script', ['-qc', flood, '/dev/null'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
  // script's own CPU (a C program reading the same pty and writing a pipe): the floor the
  // runtime's CPU per GB compares with. Sampled, since /proc forgets a reaped process; the
  // last sample is at most 20 ms before the end (or of the unreaped zombie: exact).
  let cpu = 0;
  const sample = setInterval(() => {
    try {
      cpu = cpuSeconds(child.pid!);
    } catch {
      // Reaped already: the last sample stands.
    }
  }, 20);
  await once(child, 'close');
  clearInterval(sample);
  return { seconds: (performance.now() - start) / 1000, bytes, cpu };
}

// ---------------------------------------------------------------------------------------------
// echo latency

interface EchoTarget {
  send(byte: Buffer): void;
  onData(listener: (chunk: Buffer) => void): void;
  close(): Promise<void>;
}

async function measureEcho(target: EchoTarget): Promise<number[]> {
  let waiting: ((chunk: Buffer) => void) | undefined;
  let text = '';
  const ready = new Promise<void>((resolve) => {
    target.onData((chunk) => {
      if (waiting !== undefined) {
        const wake = waiting;
        waiting = undefined;
        wake(chunk);
        return;
      }
      text += chunk.toString();
      if (text.includes('ready')) resolve();
    });
  });
  await ready;
  const times: number[] = [];
  for (let i = 0; i < samples + 100; i++) {
    const echoed = new Promise<Buffer>((resolve) => (waiting = resolve));
    const start = performance.now();
    target.send(Buffer.from('x'));
    const chunk = await echoed;
    const elapsed = performance.now() - start;
    if (chunk.toString() !== 'x') throw new Error(`unexpected echo ${JSON.stringify(chunk.toString())}`);
    if (i >= 100) times.push(elapsed);
  }
  await target.close();
  return times;
}

async function oursEcho(port: number): Promise<number[]> {
  const ws = new WebSocket(terminalUrl(port, echoCommand), ['gpuaas.terminal.v1'], {
    perMessageDeflate: false,
  });
  await once(ws, 'open');
  return measureEcho({
    send: (byte) => ws.send(byte),
    onData: (listener) => ws.on('message', (data: Buffer, isBinary) => isBinary && listener(data)),
    close: async () => {
      ws.close();
      await once(ws, 'close');
    },
  });
}

async function baselineEcho(): Promise<number[]> {
  const child = spawn('script', ['-qc', echoCommand, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  return measureEcho({
    send: (byte) => child.stdin.write(byte),
    onData: (listener) => child.stdout.on('data', listener),
    close: async () => {
      // script ignores SIGHUP; SIGTERM makes it end its child and exit.
      const closed = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
    },
  });
}

// ---------------------------------------------------------------------------------------------

const rows: BenchRow[] = [];
try {
  const runtime = await startRuntime();
  const proxy = await startProxy();
  const idle = { runtime: procStatus(runtime.pid!, 'VmRSS'), proxy: procStatus(proxy.child.pid!, 'VmRSS') };
  log(`idle RSS: runtime ${round(idle.runtime)} MiB, proxy ${round(idle.proxy)} MiB`);

  // One untimed run of each warms the page cache, the JIT and the allocators.
  log(`warm-up (${mib} MiB of zeros through base64)`);
  await oursThroughput(proxy.port);
  await baselineThroughput();

  const ours: number[] = [];
  const base: number[] = [];
  const cpu = { runtime: 0, proxy: 0, script: 0 };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['ours', 'base'] : ['base', 'ours'];
    for (const which of order) {
      if (which === 'ours') {
        const before = { runtime: cpuSeconds(runtime.pid!), proxy: cpuSeconds(proxy.child.pid!) };
        const run = await oursThroughput(proxy.port);
        cpu.runtime += cpuSeconds(runtime.pid!) - before.runtime;
        cpu.proxy += cpuSeconds(proxy.child.pid!) - before.proxy;
        if (run.bytes !== expectedBytes)
          throw new Error(`ours delivered ${run.bytes} bytes, not ${expectedBytes}`);
        ours.push(run.bytes / run.seconds / 1e6);
        log(`run ${i + 1}: ours ${round(run.seconds)} s (${round(ours.at(-1)!, 1)} MB/s)`);
      } else {
        const run = await baselineThroughput();
        if (run.bytes !== expectedBytes)
          throw new Error(`script delivered ${run.bytes} bytes, not ${expectedBytes}`);
        base.push(run.bytes / run.seconds / 1e6);
        cpu.script += run.cpu;
        log(`run ${i + 1}: script ${round(run.seconds)} s (${round(base.at(-1)!, 1)} MB/s)`);
      }
    }
  }
  const gb = (expectedBytes * runs) / 1e9;

  log(`echo latency, ${samples} samples each`);
  const echoOurs = await oursEcho(proxy.port);
  const echoBase = await baselineEcho();

  const throughput = median(ours);
  const baseline = median(base);
  rows.push(
    {
      name: `output throughput, ${mib} MiB base64 flood: proxy → runtime → pty vs script (bare pty)`,
      unit: 'MB/s',
      value: round(throughput, 1),
      baseline: round(baseline, 1),
      ratio: round(throughput / baseline),
      target: 0.95,
    },
    {
      name: 'keystroke echo latency p50 (baseline: script)',
      unit: 'ms',
      value: round(percentile(echoOurs, 50), 3),
      baseline: round(percentile(echoBase, 50), 3),
    },
    {
      name: 'keystroke echo latency p99 (baseline: script)',
      unit: 'ms',
      value: round(percentile(echoOurs, 99), 3),
      baseline: round(percentile(echoBase, 99), 3),
      target: 2,
    },
    {
      name: 'runtime process peak RSS (VmHWM; baseline: its idle RSS)',
      unit: 'MiB',
      value: round(procStatus(runtime.pid!, 'VmHWM'), 1),
      baseline: round(idle.runtime, 1),
      target: 120,
    },
    {
      name: 'proxy process peak RSS (VmHWM; baseline: its idle RSS, platform loaded)',
      unit: 'MiB',
      value: round(procStatus(proxy.child.pid!, 'VmHWM'), 1),
      baseline: round(idle.proxy, 1),
    },
    {
      name: 'runtime CPU (user + system) per GB of output (baseline: script reading the same pty)',
      unit: 's/GB',
      value: round(cpu.runtime / gb),
      baseline: round(cpu.script / gb),
      target: 4.05,
    },
    { name: 'proxy CPU (user + system) per GB of output', unit: 's/GB', value: round(cpu.proxy / gb) },
  );
  proxy.child.send('stop');
  runtime.kill('SIGTERM');
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => once(c, 'exit')));
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(rows, null, 2));
const missed = rows.filter((r) =>
  r.target === undefined ? false : r.unit === 'MB/s' ? (r.ratio ?? 0) < r.target : r.value > r.target,
);
for (const r of missed) log(`MISSED ${r.name}: ${r.value} ${r.unit} (target ${r.target})`);
if (missed.length > 0) process.exitCode = 1;
