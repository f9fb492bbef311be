/**
 * Volumes against the allocation's home, in one run on this machine: sequential write (fdatasync)
 * and read (O_DIRECT) of 1 GiB inside a bubblewrap-sandboxed allocation, on a volume (a
 * loop-mounted XFS image where xfsprogs is installed, else ext4) and on the allocation's home (a
 * loop-mounted ext4 image), alternating which goes first (BENCH_RUNS rounds, default 5; medians:
 * the second of two writes in a row used to pay for the first, docs/benchmarks.md); and the time
 * to snapshot that 1 GiB volume through the CLI. Target: the volume at least 0.9× the home's
 * throughput.
 *
 *   npm run bench:storage
 *
 * Needs root, bwrap and loop devices (as `--storage-mode image` does). Prints a JSON array of
 * { name, unit, value, baseline?, ratio?, target? } and exits 1 when a target is missed.
 */
import { createTestStore, median } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const platformBin = join(repoRoot, 'platform/bin/gpuaas-platform.js');
const gpuaasBin = join(repoRoot, 'sdk/cli/bin/gpuaas.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `gpuaas-platform serve` on a free port; resolves with its URL and a stop function. */
function startServer(
  dataDir: string,
  args: readonly string[],
): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [platformBin, 'serve', '--port', '0', '--data-dir', dataDir, '--json', ...args],
      {
        env: { ...process.env, CI: '' },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /"url":\s*"([^"]+)"/.exec(out);
      if (match !== null)
        resolve({
          url: match[1] ?? '',
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) =>
      reject(new Error(`gpuaas-platform serve exited ${code}: ${out.slice(-2000)}`)),
    );
  });
}

const GIB_MB = 1024;
const rows: BenchRow[] = [];
const store = await createTestStore('sqlite');
const server = await startServer(store.dataDir, [
  '--local-node',
  '--simulate',
  '1x1',
  '--gpus',
  'simulated',
  '--sandbox',
  'bubblewrap',
  '--storage-mode',
  'image',
]);
const minted = await run(
  platformBin,
  ['token', '--data-dir', store.dataDir, '--user', 'bench@example.com', '--project', 'bench'],
  { ...process.env, CI: '' },
);
const token = minted.stdout.trim().split('\n').pop() ?? '';
const env = { PATH: process.env.PATH, GPUAAS_API_URL: server.url, GPUAAS_TOKEN: token, CI: 'true' };
const gpuaas = async (args: string[]): Promise<string> => {
  const out = await run(gpuaasBin, args, env);
  if (out.code !== 0) throw new Error(`gpuaas ${args.join(' ')} failed (${out.code}): ${out.stderr}`);
  return out.stdout;
};

/** Milliseconds the sandbox's `sh -c` measured for `command` (its last line). */
async function timed(allocation: string, command: string): Promise<number> {
  const script = `s=$(date +%s%N); ${command}; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))`;
  const out = await gpuaas(['exec', allocation, '--', 'sh', '-c', script]);
  return Number(out.trim().split('\n').pop());
}

const mbPerSecond = (ms: number) => Number(((GIB_MB * 1000) / ms).toFixed(1));

let allocation: string | undefined;
try {
  await gpuaas(['storage', 'volumes', 'create', 'bench', '--size', '2', '--project', 'bench']);
  allocation = (
    JSON.parse(
      await gpuaas([
        'allocations',
        'create',
        '--gpus',
        '1',
        '--project',
        'bench',
        '--volume',
        'bench:/mnt/bench',
        '--wait',
        '--output',
        'json',
      ]),
    ) as { id: string }
  ).id;
  const places = [
    ['home', '$HOME'],
    ['volume', '/mnt/bench'],
  ] as const;
  const samples: Record<string, { write: number[]; read: number[] }> = {
    home: { write: [], read: [] },
    volume: { write: [], read: [] },
  };
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  for (let round = 0; round < runs; round += 1) {
    for (const [where, dir] of round % 2 === 0 ? places : [...places].reverse()) {
      const write = await timed(
        allocation,
        `dd if=/dev/zero of=${dir}/bench.bin bs=1M count=${GIB_MB} conv=fdatasync status=none`,
      );
      const read = await timed(
        allocation,
        `dd if=${dir}/bench.bin of=/dev/null bs=1M iflag=direct status=none`,
      );
      samples[where]!.write.push(mbPerSecond(write));
      samples[where]!.read.push(mbPerSecond(read));
    }
  }
  const result = {
    home: { write: median(samples.home!.write), read: median(samples.home!.read) },
    volume: { write: median(samples.volume!.write), read: median(samples.volume!.read) },
  };
  console.error(JSON.stringify({ runs, samples }));
  // The home's copy goes: only the volume's is snapshotted, and homes have their own limit.
  await gpuaas(['exec', allocation, '--', 'sh', '-c', 'rm -f "$HOME/bench.bin"']).catch(() => '');
  for (const op of ['write', 'read'] as const) {
    const home = result.home[op];
    const volume = result.volume[op];
    rows.push({ name: `home sequential ${op} 1 GiB`, unit: 'MB/s', value: home });
    rows.push({
      name: `volume sequential ${op} 1 GiB`,
      unit: 'MB/s',
      value: volume,
      baseline: home,
      ratio: Number((volume / home).toFixed(2)),
      target: 0.9,
    });
  }
  const started = performance.now();
  await gpuaas(['storage', 'snapshots', 'create', 'bench', '--name', 'bench-snap', '--project', 'bench']);
  rows.push({
    name: 'snapshot of a 1 GiB volume (attached)',
    unit: 's',
    value: Number(((performance.now() - started) / 1000).toFixed(2)),
  });
} finally {
  if (allocation !== undefined)
    await gpuaas(['allocations', 'release', allocation, '--wait']).catch(() => '');
  await gpuaas(['storage', 'snapshots', 'delete', 'bench-snap', '--project', 'bench']).catch(() => '');
  await gpuaas(['storage', 'volumes', 'delete', 'bench', '--project', 'bench']).catch(() => '');
  await server.stop();
  await store.drop();
}

console.log(JSON.stringify(rows, null, 2));
const missed = rows.filter((r) => r.ratio !== undefined && r.target !== undefined && r.ratio < r.target);
if (missed.length > 0) {
  console.error(`missed: ${missed.map((r) => r.name).join(', ')}`);
  process.exitCode = 1;
}
