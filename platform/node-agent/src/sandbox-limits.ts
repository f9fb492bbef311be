/**
 * What one allocation may use of its node: processes, memory and CPU through a control group of
 * its own (cgroup v2 where the node has it, else v1's pids, memory and cpu hierarchies), a
 * size-limited /tmp (bwrap's tmpfs) and a home on a loop-mounted file system of its own size
 * (sandbox-mounts.ts).
 * A node where none of that can be written (an unprivileged agent) runs without these limits and
 * says so once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AgentLogger, SandboxLimits } from './sandbox.js';
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Per-GPU sizes (an allocation counts as at least one GPU); every field is configurable. */
export interface SandboxLimitsConfig {
  pids: number;
  memoryBytesPerGpu: number;
  cpusPerGpu: number;
  tmpBytesPerGpu: number;
  homeBytesPerGpu: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimitsConfig = {
  pids: 4096,
  memoryBytesPerGpu: 32 * GIB,
  cpusPerGpu: 8,
  tmpBytesPerGpu: 4 * GIB,
  homeBytesPerGpu: 64 * GIB,
};

export function sandboxLimits(gpuCount: number, config: SandboxLimitsConfig): SandboxLimits {
  const n = Math.max(1, gpuCount);
  return {
    pids: config.pids,
    memoryBytes: config.memoryBytesPerGpu * n,
    cpus: config.cpusPerGpu * n,
    tmpBytes: Math.max(MIB, config.tmpBytesPerGpu * n),
    homeBytes: config.homeBytesPerGpu * n,
  };
}

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['pids', 'memory', 'cpu'] as const;

export interface Cgroup {
  kind: 'v1' | 'v2';
  /** The files a process joins by writing its pid (one per v1 hierarchy). */
  procsFiles: string[];
  dirs: string[];
}

/** The group's name: stable for an allocation of an agent folder, so a restarted agent finds it. */
export function cgroupName(dataDir: string, allocationId: string): string {
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  return `${hash}-${allocationId}`;
}

export function cgroupVersion(): 'v1' | 'v2' | undefined {
  if (existsSync(join(ROOT, 'cgroup.controllers'))) return 'v2';
  if (existsSync(join(ROOT, 'pids')) && existsSync(join(ROOT, 'memory'))) return 'v1';
  return undefined;
}

function groupDirs(kind: 'v1' | 'v2', name: string): string[] {
  return kind === 'v2'
    ? [join(ROOT, 'gpuaas', name)]
    : V1_CONTROLLERS.map((c) => join(ROOT, c, 'gpuaas', name)).filter((d) => existsSync(join(d, '..', '..')));
}

/** Creates the allocation's group with its limits; undefined where the node has none to write. */
export async function createCgroup(
  name: string,
  limits: SandboxLimits,
  logger: AgentLogger,
): Promise<Cgroup | undefined> {
  const kind = cgroupVersion();
  if (kind === undefined) {
    warnOnce(logger, 'no cgroup hierarchy: sandboxes run without process, memory and CPU limits');
    return undefined;
  }
  try {
    const quota = Math.max(1000, Math.round(limits.cpus * 100_000));
    if (kind === 'v2') {
      await enableV2Controllers(join(ROOT), ['pids', 'memory', 'cpu']);
      await mkdir(join(ROOT, 'gpuaas'), { recursive: true });
      await enableV2Controllers(join(ROOT, 'gpuaas'), ['pids', 'memory', 'cpu']);
      const [dir] = groupDirs(kind, name);
      if (dir === undefined) return undefined;
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'pids.max'), String(limits.pids));
      await writeFile(join(dir, 'memory.max'), String(limits.memoryBytes));
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(join(dir, 'cpu.max'), `${quota} 100000`);
      return { kind, dirs: [dir], procsFiles: [join(dir, 'cgroup.procs')] };
    }
    const dirs = groupDirs(kind, name);
    for (const dir of dirs) await mkdir(dir, { recursive: true });
    for (const dir of dirs) {
      if (dir.includes('/pids/')) await writeFile(join(dir, 'pids.max'), String(limits.pids));
      if (dir.includes('/memory/')) {
        await writeFile(join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
        // With swap accounting, swap must not extend the limit.
        if (existsSync(join(dir, 'memory.memsw.limit_in_bytes')))
          await writeFile(join(dir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
      }
      if (dir.includes('/cpu/')) {
        await writeFile(join(dir, 'cpu.cfs_period_us'), '100000');
        await writeFile(join(dir, 'cpu.cfs_quota_us'), String(quota));
      }
    }
    return { kind, dirs, procsFiles: dirs.map((d) => join(d, 'cgroup.procs')) };
  } catch (error) {
    warnOnce(
      logger,
      `cannot create control groups (${(error as Error).message}): sandboxes run without process, memory and CPU limits`,
    );
    return undefined;
  }
}

async function enableV2Controllers(dir: string, controllers: string[]): Promise<void> {
  const available = (await readFile(join(dir, 'cgroup.controllers'), 'utf8')).split(/\s+/);
  const wanted = controllers.filter((c) => available.includes(c));
  await writeFile(join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
}

/** Kills every process left in the group (none may outlive its allocation), then deletes it. */
export async function removeCgroup(kind: 'v1' | 'v2' | undefined, name: string): Promise<number> {
  if (kind === undefined) return 0;
  let killed = 0;
  for (const dir of groupDirs(kind, name)) {
    if (!existsSync(dir)) continue;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const pids = (await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => ''))
        .split('\n')
        .filter((p) => p !== '')
        .map(Number);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
          killed += 1;
        } catch {
          // Gone already.
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await rmdir(dir).catch(() => undefined);
  }
  return killed;
}

const warned = new Set<string>();
export function warnOnce(logger: AgentLogger, message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  logger.warn({ sandbox: 'limits' }, message);
}

const SIZE = /^(\d+)(Ki|Mi|Gi|Ti)?$/;
const UNITS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
const LIMIT_KEYS: Record<string, keyof SandboxLimitsConfig> = {
  pids: 'pids',
  memory: 'memoryBytesPerGpu',
  cpus: 'cpusPerGpu',
  tmp: 'tmpBytesPerGpu',
  home: 'homeBytesPerGpu',
};

/**
 * `pids=512,memory=16Gi,cpus=4,tmp=2Gi,home=50Gi` (memory, cpus, tmp and home per GPU) → limits;
 * throws a RangeError naming the bad entry.
 */
export function parseSandboxLimits(text: string): Partial<SandboxLimitsConfig> {
  const out: Partial<SandboxLimitsConfig> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const [key = '', value = ''] = entry.split('=', 2);
    const field = LIMIT_KEYS[key];
    if (field === undefined)
      throw new RangeError(`"${key}" is not a sandbox limit (use ${Object.keys(LIMIT_KEYS).join(', ')})`);
    const match = SIZE.exec(value);
    if (match === null)
      throw new RangeError(
        `${key}=${value}: expected a whole number${field === 'pids' || field === 'cpusPerGpu' ? '' : ' with an optional Ki/Mi/Gi/Ti suffix'}`,
      );
    const number = Number(match[1]) * (match[2] === undefined ? 1 : (UNITS[match[2]] ?? 1));
    if (!Number.isSafeInteger(number) || number <= 0)
      throw new RangeError(`${key}=${value}: must be positive`);
    if ((field === 'pids' || field === 'cpusPerGpu') && match[2] !== undefined)
      throw new RangeError(`${key}=${value}: a count takes no unit`);
    out[field] = number;
  }
  return out;
}
