/**
 * Measuring child processes for the publish bench: wall time from this process, CPU time and peak
 * resident memory from GNU time (`/usr/bin/time`), which reads them from the kernel's rusage of
 * the child and its waited-for descendants — so a wrapper (bwrap, sh) does not hide the tool's
 * own peak. Without GNU time the peak is sampled from /proc/PID/status (VmHWM) instead.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildRun {
  /** Wall-clock seconds from spawn to exit. */
  seconds: number;
  /** User + system CPU seconds (undefined without GNU time). */
  cpuSeconds: number | undefined;
  /** Peak resident set size in MiB (from GNU time, else sampled VmHWM of the direct child). */
  maxRssMiB: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const GNU_TIME = '/usr/bin/time';
let gnuTime: boolean | undefined;

/** True when /usr/bin/time is GNU time (it understands -f %M). */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    try {
      execFileSync(GNU_TIME, ['-f', '%M', 'true'], { stdio: 'ignore' });
      gnuTime = true;
    } catch {
      gnuTime = false;
    }
  }
  return gnuTime;
}

function vmHwmKiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `command args` to completion and measures it; rejects with the child's stderr when it
 * exits non-zero, since a failed run has no meaningful time.
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ChildRun> {
  const useTime = hasGnuTime();
  const scratch = mkdtempSync(join(tmpdir(), 'gpuaas-bench-time-'));
  const timeFile = join(scratch, 'rusage');
  const [file, argv] = useTime
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, command, ...args]]
    : [command, [...args]];
  try {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, {
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let sampledKiB = 0;
    const sampler = useTime
      ? undefined
      : setInterval(() => {
          sampledKiB = Math.max(sampledKiB, child.pid === undefined ? 0 : (vmHwmKiB(child.pid) ?? 0));
        }, 20);
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (sampler !== undefined) clearInterval(sampler);
    const out = Buffer.concat(stdout).toString('utf8');
    const err = Buffer.concat(stderr).toString('utf8');
    if (status !== 0) {
      throw new Error(`${command} ${args.join(' ')} exited with ${status}:\n${err.slice(-4000)}`);
    }
    let cpuSeconds: number | undefined;
    let maxRssMiB: number | undefined = sampledKiB > 0 ? sampledKiB / 1024 : undefined;
    if (useTime) {
      // GNU time writes "Command exited with non-zero status" lines first on failure; the
      // figures are always the last line.
      const last = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
      const [user, system, rss] = last.split(' ').map(Number);
      cpuSeconds = (user ?? 0) + (system ?? 0);
      maxRssMiB = (rss ?? 0) / 1024;
    }
    return { seconds, cpuSeconds, maxRssMiB, stdout: out, stderr: err };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Median of the values (the upper one of the middle pair for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Total size of the regular files under `dir` (0 when it does not exist). */
export function treeBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Flushes dirty pages so that one contender's writes are not paid for by the next one. */
export function syncDisks(): void {
  execFileSync('sync');
}
