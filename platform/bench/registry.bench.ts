/**
 * `npm run bench:registry` (builds, then runs this file): pushing and pulling a 1 GiB artifact
 * (one layer blob and a small manifest) through the platform's embedded registry (a real
 * `gpuaas-platform serve` on a temporary data dir, a `gpuaas-platform token` as Bearer) against
 * the Distribution registry (Debian's `docker-registry`, no auth), in the same run, with the same
 * client: curl (POST for an upload, one streamed PUT of the file with `?digest=`, PUT manifest;
 * GET of the blob to /dev/null), so neither side pays for a Node client.
 *
 * Each of BENCH_RUNS (default 3) runs pushes a fresh variant of the data (its last 8 bytes differ,
 * so no side can skip a blob it already has) to both registries, alternating which goes first;
 * every push starts after an untimed `sync`. The pulls follow all pushes, BENCH_PULL_RUNS rounds
 * (default 5: a pull takes ~1 s, and at a shared machine's load one side's pull time moved by 2×
 * between rounds, so a best of 3 was mostly the luck of the round). Figures are best of the runs.
 * Peak RSS is the serve process's VmHWM read after the pushes, before any pull. Targets: push ≤
 * 1.2×, pull ≤ 1.0× Distribution's time, peak RSS ≤ 300 MiB. BENCH_REGISTRY_MIB (default 1024)
 * shrinks the blob for a smoke run. Two more rows, without targets, give each server's CPU time
 * (user + system, all its threads) per push and per pull: on a shared machine the times move
 * with the load, the CPU time far less.
 * Prints a JSON array of rows; exits 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '@gpuaas/test-support';
import type { BenchRow, TestRegistry } from '@gpuaas/test-support';

const mib = Number(process.env.BENCH_REGISTRY_MIB ?? 1024);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const pullRuns = Number(process.env.BENCH_PULL_RUNS ?? 5);
const log = (line: string) => process.stderr.write(`bench:registry: ${line}\n`);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const platformBin = fileURLToPath(new URL('../bin/gpuaas-platform.js', import.meta.url));
const REPOSITORY = 'acme/bench';

function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** CPU seconds (user + system, every thread) that process `pid` has used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The pid of the `docker-registry serve <dir>/config.yml` that test-support started for `storageDir`. */
function distributionPid(storageDir: string): number {
  const config = join(dirname(storageDir), 'config.yml');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes(config)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error(`no docker-registry process serves ${config}`);
}

// ---------------------------------------------------------------------------------------------
// processes

const dir = await mkdtemp(join(tmpdir(), 'bench-registry-'));
const dataDir = join(dir, 'platform');
const blobFile = join(dir, 'layer.bin');
const children: ChildProcess[] = [];

async function runPlatform(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [platformBin, ...args, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`gpuaas-platform ${args.join(' ')} exited with ${String(code)}`);
  return stdout.trim();
}

async function startPlatform(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [platformBin, 'serve', '--port', '0', '--data-dir', dataDir, '--json'],
    { env: { ...process.env, CI: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`gpuaas-platform serve exited with ${String(code)}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":\s*"([^"]+)"/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
  child.stdout.resume();
  return { child, url };
}

// ---------------------------------------------------------------------------------------------
// data

/** Writes `mib` MiB of random bytes once; each run's variant only rewrites the last 8 bytes. */
async function writeBlob(): Promise<void> {
  const out = createWriteStream(blobFile);
  for (let i = 0; i < mib; i++) if (!out.write(randomBytes(1024 * 1024))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function variant(run: number): Promise<string> {
  const handle = await open(blobFile, 'r+');
  try {
    const tail = Buffer.alloc(8);
    tail.writeBigUInt64BE(BigInt(run) + 1n);
    await handle.write(tail, 0, 8, mib * 1024 * 1024 - 8);
  } finally {
    await handle.close();
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(blobFile, { highWaterMark: 4 * 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// the client: curl

interface Target {
  label: string;
  url: string;
  /** Extra curl arguments (authorization). */
  auth: string[];
  /** The server's process. */
  pid: number;
}

/** Runs curl; returns its response headers (lower-cased names). Fails on a status ≥ 400. */
async function curl(target: Target, args: string[]): Promise<Map<string, string>> {
  const child = spawn('curl', ['-sS', '-D', '-', '--fail-with-body', ...target.auth, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0)
    throw new Error(`${target.label}: curl ${args.join(' ')} failed (${String(code)}): ${output}`);
  const headers = new Map<string, string>();
  for (const line of output.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** POST for an upload, then one PUT with `?digest=` carrying `body` (curl's data arguments). */
async function putBlob(target: Target, digest: string, body: string[]): Promise<void> {
  const started = await curl(target, ['-X', 'POST', `${target.url}/v2/${REPOSITORY}/blobs/uploads/`]);
  const location = new URL(started.get('location') ?? '', target.url);
  location.searchParams.set('digest', digest);
  const type = ['-H', 'Content-Type: application/octet-stream'];
  await curl(target, ['-X', 'PUT', ...type, ...body, '-o', '/dev/null', location.href]);
}

const emptyConfig = Buffer.from('{}');
const emptyConfigDigest = `sha256:${createHash('sha256').update(emptyConfig).digest('hex')}`;

/** Writes every dirty page back (untimed), so no push pays for the data the previous one left in the page cache. */
async function sync(): Promise<void> {
  const child = spawn('sync', [], { stdio: 'ignore' });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`sync exited with ${String(code)}`);
}

async function push(target: Target, digest: string): Promise<number> {
  // Both fsync a blob before it becomes visible (Distribution 2.8's filesystem driver syncs the
  // file when the upload commits), and on ext4 an fsync also waits for other files' dirty data:
  // without this the side that pushes second pays for the first side's writes.
  await sync();
  const start = performance.now();
  await putBlob(target, digest, ['-T', blobFile]);
  // Distribution checks that the config blob exists, so it is pushed too (2 bytes).
  await putBlob(target, emptyConfigDigest, ['--data-binary', '{}']);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyConfigDigest, size: 2 },
    layers: [{ mediaType: 'application/octet-stream', digest, size: mib * 1024 * 1024 }],
  });
  const type = ['-H', 'Content-Type: application/vnd.oci.image.manifest.v1+json'];
  const url = `${target.url}/v2/${REPOSITORY}/manifests/latest`;
  await curl(target, ['-X', 'PUT', ...type, '--data-binary', manifest, '-o', '/dev/null', url]);
  return (performance.now() - start) / 1000;
}

async function pull(target: Target, digest: string): Promise<number> {
  const start = performance.now();
  await curl(target, [
    '-H',
    'Accept: application/vnd.oci.image.manifest.v1+json',
    '-o',
    '/dev/null',
    `${target.url}/v2/${REPOSITORY}/manifests/latest`,
  ]);
  const headers = await curl(target, ['-o', '/dev/null', `${target.url}/v2/${REPOSITORY}/blobs/${digest}`]);
  const seconds = (performance.now() - start) / 1000;
  if (headers.get('content-length') !== String(mib * 1024 * 1024))
    throw new Error(`${target.label}: pulled Content-Length ${headers.get('content-length')}`);
  return seconds;
}

// ---------------------------------------------------------------------------------------------

const rows: BenchRow[] = [];
let distribution: TestRegistry | undefined;
try {
  log(`writing ${mib} MiB of random data`);
  await writeBlob();
  const platform = await startPlatform();
  const token = await runPlatform(['token', '--user', 'bench@example.com', '--project', 'acme']);
  distribution = await startRegistry();
  const pid = platform.child.pid!;
  const ours: Target = {
    label: 'platform',
    url: platform.url,
    auth: ['-H', `Authorization: Bearer ${token}`],
    pid,
  };
  const base: Target = {
    label: 'distribution',
    url: distribution.url,
    auth: [],
    pid: distributionPid(distribution.storageDir),
  };
  const idleRss = peakRssMiB(pid);

  const times = {
    ours: { push: [] as number[], pull: [] as number[] },
    base: { push: [] as number[], pull: [] as number[] },
  };
  const cpu = {
    ours: { push: [] as number[], pull: [] as number[] },
    base: { push: [] as number[], pull: [] as number[] },
  };
  /** Runs `step` against `target`, recording its time and the server's CPU time under `what`. */
  async function measure(target: Target, what: 'push' | 'pull', step: () => Promise<number>) {
    const side = target === ours ? 'ours' : 'base';
    const before = cpuSeconds(target.pid);
    const seconds = await step();
    times[side][what].push(seconds);
    cpu[side][what].push(cpuSeconds(target.pid) - before);
    return seconds;
  }
  let digest = '';
  for (let i = 0; i < runs; i++) {
    digest = await variant(i);
    const order = i % 2 === 0 ? ([ours, base] as const) : ([base, ours] as const);
    for (const target of order) {
      const seconds = await measure(target, 'push', () => push(target, digest));
      log(`run ${i + 1}: push ${target.label} ${round(seconds)} s`);
    }
  }
  const pushRss = peakRssMiB(pid);
  for (let i = 0; i < pullRuns; i++) {
    const order = i % 2 === 0 ? ([ours, base] as const) : ([base, ours] as const);
    for (const target of order) {
      const seconds = await measure(target, 'pull', () => pull(target, digest));
      log(`run ${i + 1}: pull ${target.label} ${round(seconds)} s`);
    }
  }
  const best = (values: number[]) => Math.min(...values);
  const count = { push: runs, pull: pullRuns };
  const row = (what: 'push' | 'pull', target: number): BenchRow => {
    const value = best(times.ours[what]);
    const baseline = best(times.base[what]);
    return {
      name: `${what} of a ${mib} MiB artifact (one layer + manifest, curl), best of ${count[what]}: embedded registry vs Distribution`,
      unit: 's',
      value: round(value),
      baseline: round(baseline),
      ratio: round(value / baseline),
      target,
    };
  };
  const cpuRow = (what: 'push' | 'pull'): BenchRow => {
    const value = best(cpu.ours[what]);
    const baseline = best(cpu.base[what]);
    return {
      name: `server CPU time (user + system) per ${what}, least of ${count[what]}: embedded registry vs Distribution`,
      unit: 's',
      value: round(value),
      baseline: round(baseline),
      ratio: round(value / baseline),
    };
  };
  rows.push(row('push', 1.2), row('pull', 1.0), {
    name: 'platform serve process peak RSS during the pushes (VmHWM; baseline: idle RSS after start)',
    unit: 'MiB',
    value: round(pushRss, 1),
    baseline: round(idleRss, 1),
    target: 300,
  });
  rows.push(cpuRow('push'), cpuRow('pull'));
  platform.child.kill('SIGTERM');
  await once(platform.child, 'exit');
} finally {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await distribution?.stop();
  await rm(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(rows, null, 2));
const missed = rows.filter((r) => r.target !== undefined && (r.ratio ?? r.value) > r.target);
for (const r of missed) log(`MISSED ${r.name}: ${r.ratio ?? r.value} (target ${r.target})`);
if (missed.length > 0) process.exitCode = 1;
